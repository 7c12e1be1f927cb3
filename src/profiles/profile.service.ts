import { sql, type Kysely, type RawBuilder, type Selectable, type Transaction } from 'kysely';
import type { Database, ProfileTable } from '../db/database.js';
import { readJson, type DialectHelpers } from '../db/dialect.js';
import type { EventStore } from '../events/event.store.js';
import type { Clock } from '../platform/clock.js';
import { notFound, UserError } from '../platform/errors.js';
import { toIso, toIsoOrNull } from '../platform/ids.js';
import { say } from '../platform/language.js';
import { normalizeEmail, type IdentityClaim } from './identity.js';
import { resolveClaims } from './identity.resolver.js';
import type { ComputedTraitService } from './computed-trait.service.js';
import { resolveContacts, type ProfileContact } from './profile.contacts.js';
import { customerOrderTotals, existingOrderIds, insertOrders, orderStats, type OrderRow } from './order.repository.js';
import { IdentityKind, type EventList, type ProfileDetail, type ProfileList, type ProfileListQuery, type ProfileSummary } from './profile.schema.js';

export interface ProfileService {
  /**
   * List, search and filter profiles. `restrict` is an extra SQL condition over the profiles
   * table aliased `p` from another module (a segment's compiled rule or its membership), so
   * those lists page and search exactly like the customer list.
   */
  list(workspaceId: string, query: ProfileListQuery, restrict?: RawBuilder<boolean>): Promise<ProfileList>;
  /** Up to `n` unmerged profile ids drawn at random (for estimates over large workspaces). */
  randomIds(workspaceId: string, n: number): Promise<string[]>;
  /** Count the unmerged profiles matching `restrict` (all of them without it). */
  countWhere(workspaceId: string, restrict?: RawBuilder<boolean>): Promise<number>;
  /** One profile by profile id, userId, anonymousId or email (a merged profile leads to its survivor). */
  get(workspaceId: string, idOrKey: string, eventLimit?: number): Promise<ProfileDetail>;
  /** Many profiles by id or key at once, resolved as `get` does, keyed by what was asked; unknown ones are absent. */
  contacts(workspaceId: string, idsOrKeys: readonly string[]): Promise<Map<string, ProfileContact>>;
  events(workspaceId: string, idOrKey: string, query: { limit: number; before?: string | undefined }): Promise<EventList>;
  /** Resolve identity claims (CSV rows, API upserts) inside the caller's transaction. */
  applyClaims(trx: Transaction<Database>, workspaceId: string, claims: readonly IdentityClaim[]): Promise<string[]>;
  /** Store orders inside the caller's transaction; returns how many were new. */
  addOrders(trx: Transaction<Database>, workspaceId: string, orders: readonly OrderRow[]): Promise<number>;
  /** The order ids among `orderIds` already stored (a CSV import skips them), inside the caller's transaction. */
  existingOrderIds(trx: Transaction<Database>, workspaceId: string, orderIds: readonly string[]): Promise<Set<string>>;
  count(workspaceId: string): Promise<number>;
  /** Every customer with at least one order: count, revenue, last order time (for RFM). */
  orderTotals(workspaceId: string): Promise<{ profileId: string; orders: number; revenue: number; lastOrderAt: number }[]>;
}

type ProfileRow = Selectable<ProfileTable>;

function displayName(traits: Record<string, unknown>): string | null {
  const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);
  const name = str(traits.name);
  if (name) return name;
  const first = str(traits.first_name ?? traits.firstName);
  const last = str(traits.last_name ?? traits.lastName);
  if (first || last) return [first, last].filter(Boolean).join(' ');
  return null;
}

function toSummary(r: ProfileRow): ProfileSummary {
  const traits = readJson<Record<string, unknown>>(r.traits, {});
  return {
    id: r.id,
    userId: r.user_id,
    email: r.email,
    phone: r.phone,
    name: displayName(traits),
    traits,
    firstSeenAt: toIso(r.first_seen_at),
    lastSeenAt: toIso(r.last_seen_at),
    eventCount: r.event_count,
  };
}

export function createProfileService(deps: {
  db: Kysely<Database>;
  dialect: DialectHelpers;
  eventStore: EventStore;
  clock: Clock;
  /** Computed traits shown on the profile (owned by the computed-trait service, not read here). */
  computedTraits: Pick<ComputedTraitService, 'forProfile'>;
}): ProfileService {
  const { db, dialect, eventStore, clock } = deps;

  async function findLive(workspaceId: string, idOrKey: string): Promise<ProfileRow> {
    let id: string | undefined;
    if (idOrKey.startsWith('prf_')) id = idOrKey;
    else {
      const email = normalizeEmail(idOrKey);
      const candidates: { kind: IdentityKind; value: string }[] = [
        { kind: 'user_id', value: idOrKey },
        { kind: 'anonymous_id', value: idOrKey },
        ...(email ? [{ kind: 'email' as const, value: email }] : []),
      ];
      for (const c of candidates) {
        const row = await db
          .selectFrom('identities')
          .select('profile_id')
          .where('workspace_id', '=', workspaceId)
          .where('kind', '=', c.kind)
          .where('value', '=', c.value)
          .executeTakeFirst();
        if (row) {
          id = row.profile_id;
          break;
        }
      }
    }
    for (let hops = 0; id && hops < 8; hops++) {
      const row = await db.selectFrom('profiles').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
      if (!row) break;
      if (!row.merged_into) return row;
      id = row.merged_into;
    }
    throw notFound(say('Profile', '客户'), 'id');
  }

  return {
    async list(workspaceId, query, restrict) {
      let q = db.selectFrom('profiles as p').where('workspace_id', '=', workspaceId).where('merged_into', 'is', null);
      if (restrict) q = q.where(restrict);
      if (query.q?.trim()) {
        const term = query.q.trim();
        const like = `%${term.replace(/[%_\\]/g, '')}%`;
        q = q.where((eb) =>
          eb.or([
            dialect.ilike('email', like),
            eb('user_id', '=', term),
            eb('phone', 'like', like),
            eb(dialect.jsonText('traits', 'name'), 'like', like),
            eb(dialect.jsonText('traits', 'first_name'), 'like', like),
            eb(dialect.jsonText('traits', 'last_name'), 'like', like),
            eb('id', '=', term),
          ]),
        );
      }
      if (query.trait) {
        for (const part of query.trait.split(',')) {
          const idx = part.indexOf(':');
          if (idx <= 0) throw new UserError('PROFILE_INVALID_TRAIT_FILTER', say('A trait filter is key:value', '属性筛选的格式为 key:value'), { field: 'trait' });
          const key = part.slice(0, idx).trim();
          const value = part.slice(idx + 1).trim();
          q = q.where(dialect.jsonText('traits', key), '=', value);
        }
      }
      const totalRow = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const sortCol = query.sort === 'firstSeen' ? 'first_seen_at' : 'last_seen_at';
      const rows = await q.selectAll().orderBy(sortCol, 'desc').orderBy('id', 'desc').limit(query.limit).offset(query.offset).execute();
      return { items: rows.map(toSummary), total: Number(totalRow.n) };
    },

    async get(workspaceId, idOrKey, eventLimit = 50) {
      const row = await findLive(workspaceId, idOrKey);
      const [identities, merges, stats, events, computedTraits] = await Promise.all([
        db.selectFrom('identities').selectAll().where('workspace_id', '=', workspaceId).where('profile_id', '=', row.id).orderBy('first_seen_at').execute(),
        db.selectFrom('profile_merges').selectAll().where('workspace_id', '=', workspaceId).where('into_profile_id', '=', row.id).orderBy('merged_at').execute(),
        orderStats(db, workspaceId, row.id),
        eventStore.listForProfile(db, workspaceId, row.id, { limit: eventLimit }),
        deps.computedTraits.forProfile(workspaceId, row.id),
      ]);
      return {
        ...toSummary(row),
        identities: identities.map((i) => ({ kind: IdentityKind.parse(i.kind), value: i.value, firstSeenAt: toIso(i.first_seen_at) })),
        merges: merges.map((m) => ({ fromProfileId: m.from_profile_id, reason: m.reason, mergedAt: toIso(m.merged_at) })),
        stats: { orders: stats.orders, revenue: stats.revenue, lastOrderAt: toIsoOrNull(stats.lastOrderAt) },
        events,
        computedTraits,
      };
    },

    contacts(workspaceId, idsOrKeys) {
      return resolveContacts(db, workspaceId, idsOrKeys);
    },

    async events(workspaceId, idOrKey, query) {
      const row = await findLive(workspaceId, idOrKey);
      const before = query.before ? Date.parse(query.before) : undefined;
      const items = await eventStore.listForProfile(db, workspaceId, row.id, { limit: query.limit, ...(before !== undefined ? { before } : {}) });
      const last = items[items.length - 1];
      return { items, nextBefore: items.length === query.limit && last ? last.timestamp : null };
    },

    applyClaims(trx, workspaceId, claims) {
      return resolveClaims(trx, { dialect, eventStore, now: clock.now() }, workspaceId, claims);
    },

    addOrders(trx, workspaceId, orders) {
      return insertOrders(trx, workspaceId, orders);
    },

    existingOrderIds(trx, workspaceId, orderIds) {
      return existingOrderIds(trx, workspaceId, orderIds);
    },

    async randomIds(workspaceId, n) {
      const rows = await db
        .selectFrom('profiles')
        .select('id')
        .where('workspace_id', '=', workspaceId)
        .where('merged_into', 'is', null)
        .orderBy(sql`random()`)
        .limit(n)
        .execute();
      return rows.map((r) => r.id);
    },

    async countWhere(workspaceId, restrict) {
      let q = db.selectFrom('profiles as p').select((eb) => eb.fn.countAll<number>().as('n')).where('p.workspace_id', '=', workspaceId).where('p.merged_into', 'is', null);
      if (restrict) q = q.where(restrict);
      return Number((await q.executeTakeFirstOrThrow()).n);
    },

    async count(workspaceId) {
      const row = await db
        .selectFrom('profiles')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('workspace_id', '=', workspaceId)
        .where('merged_into', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    orderTotals(workspaceId) {
      return customerOrderTotals(db, workspaceId);
    },
  };
}
