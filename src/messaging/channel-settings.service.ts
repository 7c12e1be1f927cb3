import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/database.js';
import { readJson } from '../db/dialect.js';
import { audit } from '../platform/audit.js';
import type { Clock } from '../platform/clock.js';
import { decrypt, encrypt } from '../platform/crypto.js';
import { jsonPath, notFound, UserError } from '../platform/errors.js';
import { toIso } from '../platform/ids.js';
import { say } from '../platform/language.js';
import { EmailSettings } from './channels/email.channel.js';
import { SmsSettings } from './channels/sms.channel.js';
import { WebhookSettings } from './channels/webhook.channel.js';
import { secretsEqual } from './signing.js';
import { zodIssueZh } from '../platform/zod-text.js';

/**
 * Per-workspace channel settings. The secret fields (SMTP password, DKIM key, SMS auth token,
 * webhook signing secret, the secret providers use to call Nudge) are sealed with the instance key
 * (AES-256-GCM, platform/crypto.ts) in `secret_sealed`; the rest is plain JSON. Reads for the API
 * mask the secrets; a PUT that leaves a secret out keeps the stored one.
 */
export const SettingsKind = z.enum(['email', 'sms', 'webhook', 'inbound']);
export type SettingsKind = z.infer<typeof SettingsKind>;
export const SendingKind = z.enum(['email', 'sms', 'webhook']);
export type SendingKind = z.infer<typeof SendingKind>;

export const InboundSettings = z.object({ secret: z.string().min(16).max(512) });

/** Each kind's secret fields, by path in its settings object. */
const SECRET_PATHS: Record<SettingsKind, readonly (readonly string[])[]> = {
  email: [['pass'], ['dkim', 'privateKey']],
  sms: [['authToken']],
  webhook: [['secret']],
  inbound: [['secret']],
};
const SCHEMAS = { email: EmailSettings, sms: SmsSettings, webhook: WebhookSettings, inbound: InboundSettings } as const;
export type ParsedSettings = { email: EmailSettings; sms: SmsSettings; webhook: WebhookSettings; inbound: z.infer<typeof InboundSettings> };

export const MASK = '********';

export const ChannelSettingsView = z.object({
  kind: SettingsKind,
  configured: z.boolean(),
  /** The settings with every secret replaced by a mask. */
  settings: z.record(z.string(), z.unknown()).nullable(),
  updatedAt: z.iso.datetime().nullable(),
});
export type ChannelSettingsView = z.infer<typeof ChannelSettingsView>;

export interface ChannelSettingsService {
  list(workspaceId: string): Promise<ChannelSettingsView[]>;
  /** Replace a kind's settings; a secret left out (or sent as the mask) keeps its stored value. */
  put(workspaceId: string, kind: SettingsKind, input: Record<string, unknown>, actor: string): Promise<ChannelSettingsView>;
  remove(workspaceId: string, kind: SettingsKind, actor: string): Promise<void>;
  /** Generate a new signing (webhook) or inbound secret; returned once, stored sealed. */
  rotateSecret(workspaceId: string, kind: 'webhook' | 'inbound', actor: string): Promise<string>;
  /** Decrypted settings for sending, with when they last changed (null: not configured). */
  load<K extends SettingsKind>(workspaceId: string, kind: K): Promise<{ settings: ParsedSettings[K]; updatedAt: number } | null>;
  /** When a kind's settings last changed (null: not configured); cheap, for cache checks. */
  updatedAt(workspaceId: string, kind: SettingsKind): Promise<number | null>;
  /** Whether `presented` is the workspace's inbound secret (constant time). */
  verifyInbound(workspaceId: string, presented: string): Promise<boolean>;
  /** Called after a change, so pooled connections built from old settings are closed. */
  onChanged(listener: (workspaceId: string, kind: SettingsKind) => void): void;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function getPath(o: Obj, path: readonly string[]): unknown {
  let cur: unknown = o;
  for (const p of path) cur = isObj(cur) ? cur[p] : undefined;
  return cur;
}

function setPath(o: Obj, path: readonly string[], value: unknown): void {
  let cur: Obj = o;
  for (const p of path.slice(0, -1)) {
    const next = cur[p];
    if (!isObj(next)) return; // no such parent: nothing to set or clear
    cur = next;
  }
  const last = path[path.length - 1];
  if (last === undefined) return;
  if (value === undefined) delete cur[last];
  else cur[last] = value;
}

/** Split settings into the plain part and the secret part. */
function split(kind: SettingsKind, settings: Obj): { plain: Obj; secret: Obj } {
  const plain = structuredClone(settings);
  const secret: Obj = {};
  for (const path of SECRET_PATHS[kind]) {
    const v = getPath(settings, path);
    if (v !== undefined) secret[path.join('.')] = v;
    setPath(plain, path, undefined);
  }
  return { plain, secret };
}

function join(kind: SettingsKind, plain: Obj, secret: Obj): Obj {
  const out = structuredClone(plain);
  for (const path of SECRET_PATHS[kind]) {
    const v = secret[path.join('.')];
    if (v !== undefined && (path.length === 1 || isObj(getPath(out, path.slice(0, -1))))) setPath(out, path, v);
  }
  return out;
}

function masked(kind: SettingsKind, plain: Obj, secret: Obj): Obj {
  return join(kind, plain, Object.fromEntries(Object.keys(secret).map((k) => [k, MASK])));
}

export function createChannelSettingsService(deps: { db: Kysely<Database>; clock: Clock; instanceKey: Buffer }): ChannelSettingsService {
  const { db, clock, instanceKey } = deps;
  const listeners: ((workspaceId: string, kind: SettingsKind) => void)[] = [];
  const changed = (ws: string, kind: SettingsKind) => listeners.forEach((l) => l(ws, kind));

  async function stored(workspaceId: string, kind: SettingsKind): Promise<{ plain: Obj; secret: Obj; updatedAt: number } | null> {
    const row = await db.selectFrom('channel_settings').selectAll().where('workspace_id', '=', workspaceId).where('kind', '=', kind).executeTakeFirst();
    if (!row) return null;
    const secret = row.secret_sealed ? readJson<Obj>(decrypt(instanceKey, row.secret_sealed), {}) : {};
    return { plain: readJson<Obj>(row.settings, {}), secret, updatedAt: row.updated_at };
  }

  async function write(workspaceId: string, kind: SettingsKind, settings: Obj): Promise<void> {
    const { plain, secret } = split(kind, settings);
    const now = clock.now();
    const values = { settings: JSON.stringify(plain), secret_sealed: Object.keys(secret).length ? encrypt(instanceKey, JSON.stringify(secret)) : null, updated_at: now };
    await db
      .insertInto('channel_settings')
      .values({ workspace_id: workspaceId, kind, ...values })
      .onConflict((oc) => oc.columns(['workspace_id', 'kind']).doUpdateSet(values))
      .execute();
  }

  function view(kind: SettingsKind, s: { plain: Obj; secret: Obj; updatedAt: number } | null): ChannelSettingsView {
    return { kind, configured: s !== null, settings: s ? masked(kind, s.plain, s.secret) : null, updatedAt: s ? toIso(s.updatedAt) : null };
  }

  const service: ChannelSettingsService = {
    async list(workspaceId) {
      return Promise.all(SettingsKind.options.map(async (kind) => view(kind, await stored(workspaceId, kind))));
    },

    async put(workspaceId, kind, input, actor) {
      const current = await stored(workspaceId, kind);
      const incoming = structuredClone(input);
      // A secret left out or sent back masked (the GET's value) keeps the stored one.
      for (const path of SECRET_PATHS[kind]) {
        const given = getPath(incoming, path);
        const kept = current?.secret[path.join('.')];
        if ((given === undefined || given === MASK) && kept !== undefined && (path.length === 1 || isObj(getPath(incoming, path.slice(0, -1))))) setPath(incoming, path, kept);
      }
      const parsed = SCHEMAS[kind].safeParse(incoming, { reportInput: true });
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const field = jsonPath(issue?.path ?? [], 'settings');
        throw new UserError('CHANNEL_SETTINGS_INVALID', say(`${field}: ${issue?.message ?? 'invalid'}`, `${field}: ${issue ? zodIssueZh(issue) : '无效'}`), { field, details: parsed.error.issues.slice(0, 10).map((i) => ({ field: jsonPath(i.path, 'settings'), message: say(i.message, zodIssueZh(i)) })) });
      }
      // The parsed value is a plain JSON object (zod output of an object schema).
      await write(workspaceId, kind, parsed.data as Obj);
      await audit(db, { workspaceId, actor, action: 'channel_settings.update', target: kind, at: clock.now() });
      changed(workspaceId, kind);
      return view(kind, await stored(workspaceId, kind));
    },

    async remove(workspaceId, kind, actor) {
      const result = await db.deleteFrom('channel_settings').where('workspace_id', '=', workspaceId).where('kind', '=', kind).executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) throw notFound(say('Channel settings', '渠道设置'), 'kind');
      await audit(db, { workspaceId, actor, action: 'channel_settings.remove', target: kind, at: clock.now() });
      changed(workspaceId, kind);
    },

    async rotateSecret(workspaceId, kind, actor) {
      const secret = `whsec_${randomBytes(24).toString('base64url')}`;
      const current = await stored(workspaceId, kind);
      await write(workspaceId, kind, { ...(current ? join(kind, current.plain, current.secret) : {}), secret });
      await audit(db, { workspaceId, actor, action: 'channel_settings.rotate_secret', target: kind, at: clock.now() });
      changed(workspaceId, kind);
      return secret;
    },

    async load(workspaceId, kind) {
      const s = await stored(workspaceId, kind);
      if (!s) return null;
      const parsed = SCHEMAS[kind].safeParse(join(kind, s.plain, s.secret), { reportInput: true });
      if (!parsed.success) throw new UserError('CHANNEL_SETTINGS_INVALID', say(`The stored ${kind} settings are no longer valid: ${parsed.error.issues[0]?.message ?? ''}`, `已保存的 ${kind} 设置已失效：${parsed.error.issues[0] ? zodIssueZh(parsed.error.issues[0]) : ''}`), { field: 'kind' });
      // SCHEMAS[kind] parses to ParsedSettings[kind]; TypeScript cannot follow the generic index.
      return { settings: parsed.data as ParsedSettings[typeof kind], updatedAt: s.updatedAt };
    },

    async updatedAt(workspaceId, kind) {
      const row = await db.selectFrom('channel_settings').select('updated_at').where('workspace_id', '=', workspaceId).where('kind', '=', kind).executeTakeFirst();
      return row?.updated_at ?? null;
    },

    async verifyInbound(workspaceId, presented) {
      const s = await service.load(workspaceId, 'inbound');
      return s !== null && presented.length > 0 && secretsEqual(s.settings.secret, presented);
    },

    onChanged(listener) {
      listeners.push(listener);
    },
  };
  return service;
}
