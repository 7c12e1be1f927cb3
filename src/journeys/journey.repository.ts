import { sql, type Insertable, type Kysely, type Selectable, type Transaction, type Updateable } from 'kysely';
import type { Database, JourneyEffectTable, JourneyEntryTable, JourneyStepTable, JourneyTableRow } from '../db/database.js';
import type { DialectHelpers } from '../db/dialect.js';

/** Queries over the journey tables. Every function takes the db handle or a transaction first (STYLE §3). */

type Db = Kysely<Database> | Transaction<Database>;
export type JourneyRow = Selectable<JourneyTableRow>;
export type EntryRow = Selectable<JourneyEntryTable>;
export type EffectRow = Selectable<JourneyEffectTable>;

export const findJourney = (db: Db, workspaceId: string, id: string): Promise<JourneyRow | undefined> =>
  db.selectFrom('journeys').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();

export const listJourneys = (db: Db, workspaceId: string): Promise<JourneyRow[]> =>
  db.selectFrom('journeys').selectAll().where('workspace_id', '=', workspaceId).where('status', '!=', 'archived').orderBy('updated_at', 'desc').execute();

/** Active journeys whose published entry is of one of these kinds (the triggers' lookup). */
export const activeJourneys = (db: Db, workspaceId: string, kinds: readonly string[]): Promise<JourneyRow[]> =>
  db.selectFrom('journeys').selectAll().where('workspace_id', '=', workspaceId).where('status', '=', 'active').where('entry_kind', 'in', kinds).execute();

/** A workspace's active journeys, whatever their entry. */
export const activeJourneysAll = (db: Db, workspaceId: string): Promise<JourneyRow[]> =>
  db.selectFrom('journeys').selectAll().where('workspace_id', '=', workspaceId).where('status', '=', 'active').execute();

/** Every workspace's active scheduled journeys (the daily sweep). */
export const scheduledJourneys = (db: Db): Promise<JourneyRow[]> =>
  db.selectFrom('journeys').selectAll().where('status', '=', 'active').where('entry_kind', '=', 'schedule').execute();

export async function insertJourney(db: Db, row: Insertable<JourneyTableRow>): Promise<void> {
  await db.insertInto('journeys').values(row).execute();
}

export async function updateJourney(db: Db, workspaceId: string, id: string, patch: Updateable<JourneyTableRow>): Promise<void> {
  await db.updateTable('journeys').set(patch).where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
}

export const findVersion = (db: Db, workspaceId: string, journeyId: string, version: number) =>
  db.selectFrom('journey_versions').selectAll().where('workspace_id', '=', workspaceId).where('journey_id', '=', journeyId).where('version', '=', version).executeTakeFirst();

export const listVersions = (db: Db, workspaceId: string, journeyId: string) =>
  db.selectFrom('journey_versions').select(['version', 'published_at']).where('workspace_id', '=', workspaceId).where('journey_id', '=', journeyId).orderBy('version', 'desc').execute();

export async function insertVersion(db: Db, row: { workspace_id: string; journey_id: string; version: number; definition: string; published_at: number }): Promise<void> {
  await db.insertInto('journey_versions').values(row).execute();
}

export const findEntry = (db: Db, workspaceId: string, id: string): Promise<EntryRow | undefined> =>
  db.selectFrom('journey_entries').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();

/** A customer's earlier entries into a journey (any version), for the re-entry policy. */
export const entriesOf = (db: Db, workspaceId: string, journeyId: string, profileId: string) =>
  db.selectFrom('journey_entries').select(['entered_at', 'ended_at']).where('workspace_id', '=', workspaceId).where('journey_id', '=', journeyId).where('profile_id', '=', profileId).execute();

/** Entries still running for these profiles (events may answer their waits, goals, exits). */
export const runningEntriesOf = (db: Db, workspaceId: string, profileIds: readonly string[]) =>
  profileIds.length === 0
    ? Promise.resolve([])
    : db.selectFrom('journey_entries').select(['id', 'profile_id']).where('workspace_id', '=', workspaceId).where('profile_id', 'in', profileIds).where('status', 'in', ['active', 'waiting']).execute();

/** Entries of a journey still inside it (a page at a time). */
export const runningEntriesOfJourney = (db: Db, workspaceId: string, journeyId: string, limit: number) =>
  db.selectFrom('journey_entries').select(['id']).where('workspace_id', '=', workspaceId).where('journey_id', '=', journeyId).where('status', 'in', ['active', 'waiting']).orderBy('id').limit(limit).execute();

export const listEntries = (db: Db, workspaceId: string, journeyId: string, q: { status?: string | undefined; limit: number; offset: number }) =>
  db
    .selectFrom('journey_entries')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('journey_id', '=', journeyId)
    .$if(q.status !== undefined, (b) => b.where('status', '=', q.status ?? ''))
    .orderBy('entered_at', 'desc')
    .orderBy('id')
    .limit(q.limit)
    .offset(q.offset)
    .execute();

export const entrySteps = (db: Db, workspaceId: string, entryId: string) =>
  db.selectFrom('journey_steps').selectAll().where('workspace_id', '=', workspaceId).where('entry_id', '=', entryId).orderBy('id').execute();

/** Waits past due by `before` (the recovery sweep re-enqueues their timers; duplicates are ignored). */
export const overdueWaits = (db: Db, before: number, limit: number) =>
  db.selectFrom('journey_entries').select(['workspace_id', 'id', 'wake_at']).where('status', '=', 'waiting').where('wake_at', '<=', before).orderBy('wake_at').limit(limit).execute();

/** Outbox rows left pending since before `before` (a crash between commit and enqueue). */
export const stalePendingEffects = (db: Db, before: number, limit: number) =>
  db.selectFrom('journey_effects').select(['workspace_id', 'id']).where('status', '=', 'pending').where('updated_at', '<=', before).orderBy('created_at').limit(limit).execute();

export const findEffect = (db: Db, workspaceId: string, id: string): Promise<EffectRow | undefined> =>
  db.selectFrom('journey_effects').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();

/**
 * An outbox row carried out is deleted: the outbox holds only what is still to do (its answer went
 * to the entry, a send's outcome is its message). A repeat of the row's job then finds nothing and
 * does nothing. On PostgreSQL a delete also writes no new row version and no index entries, which
 * the update to `done` did (its status is indexed).
 */
export async function finishEffect(db: Db, workspaceId: string, id: string): Promise<void> {
  await db.deleteFrom('journey_effects').where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
}

export async function touchEffect(db: Db, workspaceId: string, id: string, now: number): Promise<void> {
  await db.updateTable('journey_effects').set({ updated_at: now }).where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
}

/** What one interpreter step writes besides the entry row. */
export interface TransitionWrites {
  effects: Insertable<JourneyEffectTable>[];
  steps: Insertable<JourneyStepTable>[];
  /** Per node: entered / ended / converted increments. */
  stats: Map<string, { entered: number; ended: number; converted: number }>;
}

export async function writeTransition(trx: Transaction<Database>, workspaceId: string, journeyId: string, w: TransitionWrites): Promise<void> {
  // Effect ids derive from the entry and its seq: a repeated write of the same step conflicts instead of duplicating.
  if (w.effects.length > 0) await trx.insertInto('journey_effects').values(w.effects).onConflict((oc) => oc.doNothing()).execute();
  if (w.steps.length > 0) await trx.insertInto('journey_steps').values(w.steps).execute();
  for (const [nodeId, d] of w.stats) {
    if (d.entered === 0 && d.ended === 0 && d.converted === 0) continue;
    await trx
      .insertInto('journey_node_stats')
      .values({ workspace_id: workspaceId, journey_id: journeyId, node_id: nodeId, ...d })
      .onConflict((oc) =>
        oc.columns(['workspace_id', 'journey_id', 'node_id']).doUpdateSet({
          entered: sql`journey_node_stats.entered + ${d.entered}`,
          ended: sql`journey_node_stats.ended + ${d.ended}`,
          converted: sql`journey_node_stats.converted + ${d.converted}`,
        }),
      )
      .execute();
  }
}

/** Write the entry's new state if nobody wrote since `seq` was read; false when the fence failed. */
export async function updateEntryFenced(trx: Transaction<Database>, row: EntryRow, patch: Pick<EntryRow, 'state' | 'status' | 'node_id' | 'wake_at' | 'ended_at' | 'updated_at'>): Promise<boolean> {
  const r = await trx
    .updateTable('journey_entries')
    .set({ ...patch, state: JSON.stringify(patch.state), seq: row.seq + 1 })
    .where('workspace_id', '=', row.workspace_id)
    .where('id', '=', row.id)
    .where('seq', '=', row.seq)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Rows per fenced multi-row update: 8 values a row. */
const FENCED_ROWS = 300;

/**
 * updateEntryFenced for many entries of one workspace in one statement per chunk (`update … from
 * (values …)`, as message.bulk.ts records outcomes): each row is written only if its `seq` is still
 * the one read (the ids listed with `in (…)` as well, so SQLite looks each one up rather than
 * scanning the workspace's entries: message.bulk.ts recordOutcomes). On PostgreSQL the rows are locked in id order first, so two batches sharing entries
 * queue behind each other instead of deadlocking. Returns the ids written.
 */
export async function updateEntriesFenced(
  trx: Transaction<Database>,
  dialect: Pick<DialectHelpers, 'jsonType' | 'supportsRowLocks'>,
  workspaceId: string,
  items: readonly { row: EntryRow; patch: Pick<EntryRow, 'state' | 'status' | 'node_id' | 'wake_at' | 'ended_at' | 'updated_at'> }[],
): Promise<Set<string>> {
  const written = new Set<string>();
  const json = sql.raw(dialect.jsonType);
  const sorted = [...items].sort((a, b) => (a.row.id < b.row.id ? -1 : a.row.id > b.row.id ? 1 : 0));
  for (const part of chunks(sorted, FENCED_ROWS)) {
    const ids = part.map((p) => p.row.id);
    if (dialect.supportsRowLocks) await trx.selectFrom('journey_entries').select('id').where('workspace_id', '=', workspaceId).where('id', 'in', ids).orderBy('id').forUpdate().execute();
    const values = part.map(
      ({ row, patch }) =>
        sql`(cast(${row.id} as text), cast(${row.seq} as integer), cast(${JSON.stringify(patch.state)} as ${json}), cast(${patch.status} as text), cast(${patch.node_id} as text), cast(${patch.wake_at} as bigint), cast(${patch.ended_at} as bigint), cast(${patch.updated_at} as bigint))`,
    );
    const out = await sql<{ id: string }>`
      update journey_entries set seq = v.column2 + 1, state = v.column3, status = v.column4, node_id = v.column5, wake_at = v.column6, ended_at = v.column7, updated_at = v.column8
      from (values ${sql.join(values)}) as v
      where journey_entries.workspace_id = ${workspaceId} and journey_entries.id in (${sql.join(ids)}) and journey_entries.id = v.column1 and journey_entries.seq = v.column2
      returning journey_entries.id`.execute(trx);
    for (const r of out.rows) written.add(r.id);
  }
  return written;
}

/** Insert a new entry; false when one with this id exists (the enter job ran before). */
export async function insertEntry(trx: Transaction<Database>, row: Insertable<JourneyEntryTable>): Promise<boolean> {
  const r = await trx.insertInto('journey_entries').values(row).onConflict((oc) => oc.doNothing()).executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
}

export const nodeStats = (db: Db, workspaceId: string, journeyId: string) =>
  db.selectFrom('journey_node_stats').select(['node_id', 'entered', 'ended', 'converted']).where('workspace_id', '=', workspaceId).where('journey_id', '=', journeyId).execute();

/** Running entries per node right now (the canvas's "waiting here"). */
export const runningByNode = (db: Db, workspaceId: string, journeyId: string) =>
  db
    .selectFrom('journey_entries')
    .select(['node_id', (eb) => eb.fn.countAll<number | string | bigint>().as('n')])
    .where('workspace_id', '=', workspaceId)
    .where('journey_id', '=', journeyId)
    .where('status', 'in', ['active', 'waiting'])
    .groupBy('node_id')
    .execute();

/** Ids per `in (…)` list and rows per multi-row insert of the bulk queries below (well inside both dialects' parameter limits). */
const CHUNK = 500;

function chunks<T>(xs: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

/** findEntry for many ids. */
export async function findEntries(db: Db, workspaceId: string, ids: readonly string[]): Promise<EntryRow[]> {
  const out: EntryRow[] = [];
  for (const part of chunks([...new Set(ids)])) out.push(...(await db.selectFrom('journey_entries').selectAll().where('workspace_id', '=', workspaceId).where('id', 'in', part).execute()));
  return out;
}

/** Which of these entry ids exist. */
export async function existingEntryIds(db: Db, workspaceId: string, ids: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const part of chunks([...new Set(ids)])) for (const r of await db.selectFrom('journey_entries').select('id').where('workspace_id', '=', workspaceId).where('id', 'in', part).execute()) out.add(r.id);
  return out;
}

/** entriesOf for many customers of some journeys (a superset: the caller picks its pairs). */
export async function entriesOfMany(db: Db, workspaceId: string, journeyIds: readonly string[], profileIds: readonly string[]) {
  const out: { journey_id: string; profile_id: string; entered_at: number; ended_at: number | null }[] = [];
  if (journeyIds.length === 0) return out;
  const journeys = new Set(journeyIds);
  // The journeys are picked here, not in SQL: given `journey_id in (…)`, SQLite's planner walks the
  // journey's index (every entry it ever had) instead of looking up each profile's few entries.
  for (const part of chunks([...new Set(profileIds)])) {
    for (const r of await db.selectFrom('journey_entries').select(['journey_id', 'profile_id', 'entered_at', 'ended_at']).where('workspace_id', '=', workspaceId).where('profile_id', 'in', part).execute()) {
      if (journeys.has(r.journey_id)) out.push(r);
    }
  }
  return out;
}

/** Entries still running for these profiles, with what started them. */
export async function runningEntriesWithTrigger(db: Db, workspaceId: string, profileIds: readonly string[]) {
  const out: { id: string; profile_id: string; trigger_key: string; journey_id: string; version: number }[] = [];
  for (const part of chunks([...new Set(profileIds)])) {
    out.push(...(await db.selectFrom('journey_entries').select(['id', 'profile_id', 'trigger_key', 'journey_id', 'version']).where('workspace_id', '=', workspaceId).where('profile_id', 'in', part).where('status', 'in', ['active', 'waiting']).orderBy('id').execute()));
  }
  return out;
}

/** insertEntry for many rows; returns the ids inserted (the others existed). */
export async function insertEntries(trx: Transaction<Database>, rows: readonly Insertable<JourneyEntryTable>[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const part of chunks(rows)) for (const r of await trx.insertInto('journey_entries').values(part).onConflict((oc) => oc.doNothing()).returning('id').execute()) out.add(r.id);
  return out;
}

/** writeTransition for many entries (of any journeys) in one transaction: multi-row inserts, one counter upsert per node. */
export async function writeTransitions(trx: Transaction<Database>, workspaceId: string, items: readonly { journeyId: string; writes: TransitionWrites }[]): Promise<void> {
  const effects = items.flatMap((i) => i.writes.effects);
  const steps = items.flatMap((i) => i.writes.steps);
  for (const part of chunks(effects)) await trx.insertInto('journey_effects').values(part).onConflict((oc) => oc.doNothing()).execute();
  for (const part of chunks(steps)) await trx.insertInto('journey_steps').values(part).execute();
  const byJourney = new Map<string, TransitionWrites>();
  for (const { journeyId, writes } of items) {
    let sum = byJourney.get(journeyId);
    if (!sum) byJourney.set(journeyId, (sum = { effects: [], steps: [], stats: new Map() }));
    for (const [node, d] of writes.stats) {
      const s = sum.stats.get(node) ?? { entered: 0, ended: 0, converted: 0 };
      sum.stats.set(node, { entered: s.entered + d.entered, ended: s.ended + d.ended, converted: s.converted + d.converted });
    }
  }
  for (const [journeyId, sum] of byJourney) await writeTransition(trx, workspaceId, journeyId, sum);
}

/** findEffect for many ids. */
export async function findEffects(db: Db, workspaceId: string, ids: readonly string[]): Promise<EffectRow[]> {
  const out: EffectRow[] = [];
  for (const part of chunks([...new Set(ids)])) out.push(...(await db.selectFrom('journey_effects').selectAll().where('workspace_id', '=', workspaceId).where('id', 'in', part).execute()));
  return out;
}

/** finishEffect for many rows, in one transaction. */
export async function finishEffects(db: Kysely<Database>, workspaceId: string, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.transaction().execute(async (trx) => {
    for (const part of chunks([...ids])) await trx.deleteFrom('journey_effects').where('workspace_id', '=', workspaceId).where('id', 'in', part).execute();
  });
}
