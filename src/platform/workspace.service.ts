import type { Db, DbOrTrx } from '../db/dialect.js';
import { audit } from './audit.js';
import type { Clock } from './clock.js';
import { decrypt, encrypt, randomToken, sha256 } from './crypto.js';
import { notFound, UserError } from './errors.js';
import { newId, toIso, toIsoOrNull } from './ids.js';
import { say } from './language.js';
import { isTimeZone } from './time-zone.js';
import type { ApiKeyInfo, ApiKeyKind } from './platform.schema.js';

export interface Workspace {
  id: string;
  name: string;
  slug: string;
  isDemo: boolean;
  currency: string;
  /** IANA zone for customers without a `timezone` trait: journeys' times of day, broadcasts' quiet hours. */
  timezone: string;
  /** The hour (0–23, in `timezone`) a journey's "best time" delay waits for, until send-time prediction. */
  defaultSendHour: number;
  /** Sandbox delivery: messages are rendered, checked and recorded as sent, but no provider is called. */
  sandbox: boolean;
  createdAt: number;
}

export interface ResolvedKey {
  keyId: string;
  workspaceId: string;
  kind: ApiKeyKind;
}

export interface WorkspaceService {
  create(input: { name: string; slug?: string; isDemo?: boolean; currency?: string; actor: string }): Promise<{ workspace: Workspace; writeKey: string; secretKey: string }>;
  get(id: string): Promise<Workspace>;
  findBySlug(slug: string): Promise<Workspace | null>;
  list(): Promise<Workspace[]>;
/** Rename, move to another time zone (an IANA name such as Asia/Shanghai), change the default send hour, or turn sandbox delivery on or off. */
  update(id: string, patch: { name?: string; timezone?: string; defaultSendHour?: number; sandbox?: boolean }, actor: string): Promise<Workspace>;
  /** The workspace's time zone, cached briefly: journeys and broadcasts ask for it on every batch. */
  timezone(id: string): Promise<string>;
  /** The time zone and default send hour journeys read times of day in (cached with the zone). */
  sendDefaults(id: string): Promise<{ timezone: string; defaultSendHour: number }>;
  /** Whether sandbox delivery is on (cached with the zone): delivery asks before every provider call. */
  sandbox(id: string): Promise<boolean>;
  createKey(workspaceId: string, kind: ApiKeyKind, name: string, actor: string): Promise<{ id: string; key: string }>;
  listKeys(workspaceId: string): Promise<ApiKeyInfo[]>;
  revealKey(workspaceId: string, keyId: string, actor: string): Promise<string>;
  /** Resolve a presented key; null when unknown or revoked. Cached briefly: ingest calls this on every request. */
  resolveKey(key: string): Promise<ResolvedKey | null>;
}

const KEY_CACHE_MS = 30_000;
/** A changed time zone, send hour or sandbox switch reaches other processes within this long (at once in this one). */
const ZONE_CACHE_MS = 10_000;
/** Until a workspace picks its own: the engine's default before the setting existed. */
export const DEFAULT_SEND_HOUR = 10;
const isSendHour = (hour: number): boolean => Number.isInteger(hour) && hour >= 0 && hour <= 23;

/** Workspaces and their API keys. Secret keys are stored sealed with the instance key. */
export function createWorkspaceService(deps: { db: Db; clock: Clock; instanceKey: Buffer }): WorkspaceService {
  const { db, clock, instanceKey } = deps;
  const cache = new Map<string, { value: ResolvedKey | null; until: number }>();
  const zones = new Map<string, { zone: string; hour: number; sandbox: boolean; until: number }>();

  /** What sending reads of a workspace on every batch, cached briefly (and dropped here on update). */
  async function sending(id: string): Promise<{ zone: string; hour: number; sandbox: boolean }> {
    const now = clock.now();
    const hit = zones.get(id);
    if (hit && hit.until > now) return hit;
    const row = await db.selectFrom('workspaces').select(['timezone', 'default_send_hour', 'sandbox']).where('id', '=', id).executeTakeFirst();
    const zone = row && isTimeZone(row.timezone) ? row.timezone : 'UTC';
    const hour = row && isSendHour(row.default_send_hour) ? row.default_send_hour : DEFAULT_SEND_HOUR;
    if (zones.size > 10_000) zones.clear();
    const entry = { zone, hour, sandbox: row?.sandbox === 1, until: now + ZONE_CACHE_MS };
    zones.set(id, entry);
    return entry;
  }

  const toWorkspace = (r: { id: string; name: string; slug: string; is_demo: number; currency: string; timezone: string; default_send_hour: number; sandbox: number; created_at: number }): Workspace => ({
    id: r.id,
    name: r.name,
    slug: r.slug,
    isDemo: r.is_demo === 1,
    currency: r.currency,
    timezone: r.timezone,
    defaultSendHour: r.default_send_hour,
    sandbox: r.sandbox === 1,
    createdAt: r.created_at,
  });

  async function load(id: string): Promise<Workspace> {
    const row = await db.selectFrom('workspaces').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound(say('Workspace', '工作区'));
    return toWorkspace(row);
  }

  async function insertKey(trx: DbOrTrx, workspaceId: string, kind: ApiKeyKind, name: string): Promise<{ id: string; key: string }> {
    const key = randomToken(kind === 'write' ? 'wk_' : 'sk_');
    const id = newId('key', clock.now());
    await trx
      .insertInto('api_keys')
      .values({
        id,
        workspace_id: workspaceId,
        kind,
        name,
        key_hash: sha256(key),
        key_stored: kind === 'write' ? key : encrypt(instanceKey, key),
        key_last4: key.slice(-4),
        created_at: clock.now(),
        last_used_at: null,
        revoked_at: null,
      })
      .execute();
    return { id, key };
  }

  const service: WorkspaceService = {
    async create({ name, slug, isDemo = false, currency = 'CNY', actor }) {
      const trimmed = name.trim();
      if (!trimmed) throw new UserError('WORKSPACE_NAME_REQUIRED', say('A workspace needs a name', '请填写工作区名称'), { field: 'name' });
      const base = (slug ?? trimmed)
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '') || 'workspace';
      return db.transaction().execute(async (trx) => {
        let finalSlug = base;
        for (let i = 2; await trx.selectFrom('workspaces').select('id').where('slug', '=', finalSlug).executeTakeFirst(); i++) {
          finalSlug = `${base}-${i}`;
        }
        const workspace: Workspace = { id: newId('ws', clock.now()), name: trimmed, slug: finalSlug, isDemo, currency, timezone: 'UTC', defaultSendHour: DEFAULT_SEND_HOUR, sandbox: false, createdAt: clock.now() };
        await trx
          .insertInto('workspaces')
          .values({ id: workspace.id, name: workspace.name, slug: workspace.slug, is_demo: isDemo ? 1 : 0, currency, created_at: workspace.createdAt })
          .execute();
        const write = await insertKey(trx, workspace.id, 'write', 'Default write key');
        const secret = await insertKey(trx, workspace.id, 'secret', 'Default secret key');
        await audit(trx, { workspaceId: workspace.id, actor, action: 'workspace.create', target: workspace.id, at: clock.now() });
        return { workspace, writeKey: write.key, secretKey: secret.key };
      });
    },

    get: load,

    async findBySlug(slug) {
      const row = await db.selectFrom('workspaces').selectAll().where('slug', '=', slug).executeTakeFirst();
      return row ? toWorkspace(row) : null;
    },

    async list() {
      const rows = await db.selectFrom('workspaces').selectAll().orderBy('created_at').execute();
      return rows.map(toWorkspace);
    },

    async update(id, patch, actor) {
      const name = patch.name?.trim();
      if (patch.name !== undefined && !name) throw new UserError('WORKSPACE_NAME_REQUIRED', say('A workspace needs a name', '请填写工作区名称'), { field: 'name' });
      if (patch.timezone !== undefined && !isTimeZone(patch.timezone)) throw new UserError('WORKSPACE_BAD_TIMEZONE', say(`"${patch.timezone}" is not a time zone; use an IANA name such as Asia/Shanghai`, `「${patch.timezone}」不是有效的时区，请使用 IANA 时区名称，如 Asia/Shanghai`), { field: 'timezone' });
      const hour = patch.defaultSendHour;
      if (hour !== undefined && !isSendHour(hour)) throw new UserError('WORKSPACE_BAD_SEND_HOUR', say(`The default send hour is a whole hour from 0 to 23, not ${hour}`, `默认发送时间须为 0 到 23 之间的整点，不能是 ${hour}`), { field: 'defaultSendHour' });
      const set = { ...(name ? { name } : {}), ...(patch.timezone !== undefined ? { timezone: patch.timezone } : {}), ...(hour !== undefined ? { default_send_hour: hour } : {}), ...(patch.sandbox !== undefined ? { sandbox: patch.sandbox ? 1 : 0 } : {}) };
      if (Object.keys(set).length > 0) {
        const r = await db.updateTable('workspaces').set(set).where('id', '=', id).executeTakeFirst();
        if (Number(r.numUpdatedRows) === 0) throw notFound(say('Workspace', '工作区'));
        zones.delete(id);
        await audit(db, { workspaceId: id, actor, action: 'workspace.update', target: id, data: set, at: clock.now() });
      }
      return load(id);
    },

    async timezone(id) {
      return (await service.sendDefaults(id)).timezone;
    },

    async sendDefaults(id) {
      const s = await sending(id);
      return { timezone: s.zone, defaultSendHour: s.hour };
    },

    async sandbox(id) {
      return (await sending(id)).sandbox;
    },

    async createKey(workspaceId, kind, name, actor) {
      return db.transaction().execute(async (trx) => {
        const created = await insertKey(trx, workspaceId, kind, name);
        await audit(trx, { workspaceId, actor, action: 'key.create', target: created.id, data: { kind }, at: clock.now() });
        return created;
      });
    },

    async listKeys(workspaceId) {
      const rows = await db
        .selectFrom('api_keys')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('revoked_at', 'is', null)
        .orderBy('created_at')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        kind: r.kind === 'write' ? 'write' : 'secret',
        name: r.name,
        key: r.kind === 'write' ? r.key_stored : `sk_…${r.key_last4}`,
        createdAt: toIso(r.created_at),
        lastUsedAt: toIsoOrNull(r.last_used_at),
      }));
    },

    async revealKey(workspaceId, keyId, actor) {
      const row = await db
        .selectFrom('api_keys')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', keyId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (!row) throw notFound(say('Key', '密钥'), 'id');
      if (row.kind === 'write') return row.key_stored;
      await audit(db, { workspaceId, actor, action: 'key.reveal', target: keyId, at: clock.now() });
      return decrypt(instanceKey, row.key_stored);
    },

    async resolveKey(key) {
      const now = clock.now();
      const hit = cache.get(key);
      if (hit && hit.until > now) return hit.value;
      const row = await db
        .selectFrom('api_keys')
        .select(['id', 'workspace_id', 'kind'])
        .where('key_hash', '=', sha256(key))
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      const value: ResolvedKey | null = row ? { keyId: row.id, workspaceId: row.workspace_id, kind: row.kind === 'write' ? 'write' : 'secret' } : null;
      if (cache.size > 10_000) cache.clear();
      cache.set(key, { value, until: now + KEY_CACHE_MS });
      if (row) await db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', row.id).execute();
      return value;
    },
  };
  return service;
}
