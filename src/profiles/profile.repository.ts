import type { DbOrTrx, DialectHelpers } from '../db/dialect.js';
import { readJson } from '../db/dialect.js';
import { sql } from 'kysely';
import type { IdentityKey } from './identity.js';
import { traitDates } from './trait-dates.js';

/** A profile row in memory while a batch is resolved. */
export interface ProfileState {
  id: string;
  userId: string | null;
  email: string | null;
  phone: string | null;
  traits: Record<string, unknown>;
  traitTimes: Record<string, number>;
  firstSeenAt: number;
  lastSeenAt: number;
  /** Events added by this batch (for new rows: the whole count). */
  eventDelta: number;
  /** event_count as stored before this batch. */
  baseEventCount: number;
  createdAt: number;
  mergedInto: string | null;
  isNew: boolean;
  dirty: boolean;
}

const CHUNK = 400;

export async function findIdentities(db: DbOrTrx, workspaceId: string, keys: readonly IdentityKey[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  // Grouped by kind so each lookup uses the (workspace_id, kind, value) primary key.
  const byKind = new Map<string, Set<string>>();
  for (const k of keys) {
    let set = byKind.get(k.kind);
    if (!set) byKind.set(k.kind, (set = new Set()));
    set.add(k.value);
  }
  for (const [kind, set] of byKind) {
    const values = [...set];
    for (let i = 0; i < values.length; i += CHUNK) {
      const rows = await db
        .selectFrom('identities')
        .select(['value', 'profile_id'])
        .where('workspace_id', '=', workspaceId)
        .where('kind', '=', kind)
        .where('value', 'in', values.slice(i, i + CHUNK))
        .execute();
      for (const r of rows) out.set(`${kind}\u0000${r.value}`, r.profile_id);
    }
  }
  return out;
}

/**
 * The live profile behind each of `ids`: the profile itself, or the one it was merged into (one
 * hop: a merge re-points older tombstones). Ids of profiles that no longer exist are absent.
 */
export async function liveProfileIds(db: DbOrTrx, workspaceId: string, ids: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += CHUNK) {
    const rows = await db.selectFrom('profiles').select(['id', 'merged_into']).where('workspace_id', '=', workspaceId).where('id', 'in', unique.slice(i, i + CHUNK)).execute();
    for (const r of rows) out.set(r.id, r.merged_into ?? r.id);
  }
  return out;
}

export async function loadProfiles(db: DbOrTrx, workspaceId: string, ids: readonly string[]): Promise<Map<string, ProfileState>> {
  const out = new Map<string, ProfileState>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += CHUNK) {
    const rows = await db
      .selectFrom('profiles')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', 'in', unique.slice(i, i + CHUNK))
      .execute();
    for (const r of rows) {
      out.set(r.id, {
        id: r.id,
        userId: r.user_id,
        email: r.email,
        phone: r.phone,
        traits: readJson(r.traits, {}),
        traitTimes: readJson(r.trait_times, {}),
        firstSeenAt: r.first_seen_at,
        lastSeenAt: r.last_seen_at,
        eventDelta: 0,
        baseEventCount: r.event_count,
        createdAt: r.created_at,
        mergedInto: r.merged_into,
        isNew: false,
        dirty: false,
      });
    }
  }
  return out;
}

/** Insert new profiles and write changed ones in one statement per chunk (upsert keyed by id). */
export async function saveProfiles(db: DbOrTrx, dialect: DialectHelpers, workspaceId: string, profiles: readonly ProfileState[], now: number): Promise<void> {
  const changed = profiles.filter((p) => p.isNew || p.dirty);
  for (let i = 0; i < changed.length; i += CHUNK) {
    const chunk = changed.slice(i, i + CHUNK);
    await db
      .insertInto('profiles')
      .values(
        chunk.map((p) => ({
          id: p.id,
          workspace_id: workspaceId,
          user_id: p.userId,
          email: p.email,
          phone: p.phone,
          traits: JSON.stringify(p.traits),
          trait_times: JSON.stringify(p.traitTimes),
          trait_dates: JSON.stringify(traitDates(p.traits)),
          first_seen_at: p.firstSeenAt,
          last_seen_at: p.lastSeenAt,
          event_count: p.eventDelta,
          merged_into: p.mergedInto,
          created_at: p.createdAt,
          updated_at: now,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['workspace_id', 'id']).doUpdateSet({
          user_id: (eb) => eb.ref('excluded.user_id'),
          email: (eb) => eb.ref('excluded.email'),
          phone: (eb) => eb.ref('excluded.phone'),
          traits: (eb) => eb.ref('excluded.traits'),
          trait_times: (eb) => eb.ref('excluded.trait_times'),
          trait_dates: (eb) => eb.ref('excluded.trait_dates'),
          first_seen_at: () => dialect.least(sql.ref('profiles.first_seen_at'), sql.ref('excluded.first_seen_at')),
          last_seen_at: () => dialect.greatest(sql.ref('profiles.last_seen_at'), sql.ref('excluded.last_seen_at')),
          event_count: () => sql<number>`profiles.event_count + excluded.event_count`,
          merged_into: (eb) => eb.ref('excluded.merged_into'),
          updated_at: (eb) => eb.ref('excluded.updated_at'),
        }),
      )
      .execute();
  }
}

export async function insertIdentities(
  db: DbOrTrx,
  workspaceId: string,
  rows: readonly { key: IdentityKey; profileId: string; at: number }[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await db
      .insertInto('identities')
      .values(rows.slice(i, i + CHUNK).map((r) => ({ workspace_id: workspaceId, kind: r.key.kind, value: r.key.value, profile_id: r.profileId, first_seen_at: r.at })))
      .onConflict((oc) => oc.columns(['workspace_id', 'kind', 'value']).doUpdateSet({ profile_id: (eb) => eb.ref('excluded.profile_id') }))
      .execute();
  }
}

/** Point every identity of `from` at `into` (merge). */
export async function moveIdentities(db: DbOrTrx, workspaceId: string, from: string, into: string): Promise<void> {
  await db.updateTable('identities').set({ profile_id: into }).where('workspace_id', '=', workspaceId).where('profile_id', '=', from).execute();
}

export async function recordMerge(db: DbOrTrx, row: { id: string; workspaceId: string; from: string; into: string; reason: string; at: number }): Promise<void> {
  await db
    .insertInto('profile_merges')
    .values({ id: row.id, workspace_id: row.workspaceId, from_profile_id: row.from, into_profile_id: row.into, reason: row.reason, merged_at: row.at })
    .execute();
  // Earlier merges into the loser now point at the survivor, so one hop finds the live profile.
  await db.updateTable('profiles').set({ merged_into: row.into }).where('workspace_id', '=', row.workspaceId).where('merged_into', '=', row.from).execute();
}
