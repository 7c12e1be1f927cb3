import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { DbOrTrx, DialectHelpers } from '../db/dialect.js';
import { withTransaction } from '../db/transaction.js';
import type { MessagePatch, MessageRow, NewMessageRow } from './message.repository.js';

/**
 * Multi-row forms of the outbox statements in message.repository.ts, for delivery batches: one
 * statement per chunk of rows instead of one (and one commit, one fsync) per message.
 */

/** Rows per statement: 32 columns × 400 rows stays below SQLite's 32,766 bound parameters. */
const ROWS = 400;

function chunks<T>(xs: readonly T[], size = ROWS): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

/** Insert each row unless its idempotency key is taken; returns the keys this call inserted. */
export async function insertMessages(db: DbOrTrx, rows: readonly NewMessageRow[]): Promise<Set<string>> {
  const inserted = new Set<string>();
  for (const part of chunks(rows)) {
    const out = await db
      .insertInto('messages')
      .values(part)
      .onConflict((oc) => oc.columns(['workspace_id', 'idempotency_key']).doNothing())
      // Both dialects return only the rows actually inserted (not those skipped by the conflict).
      .returning('idempotency_key')
      .execute();
    for (const r of out) inserted.add(r.idempotency_key);
  }
  return inserted;
}

/** Stored rows by idempotency key. */
export async function findByKeys(db: DbOrTrx, workspaceId: string, keys: readonly string[]): Promise<Map<string, MessageRow>> {
  const out = new Map<string, MessageRow>();
  for (const part of chunks(keys)) {
    const rows = await db.selectFrom('messages').selectAll().where('workspace_id', '=', workspaceId).where('idempotency_key', 'in', part).execute();
    for (const r of rows) out.set(r.idempotency_key, r);
  }
  return out;
}

/** Stored rows by id. */
export async function findByIds(db: DbOrTrx, workspaceId: string, ids: readonly string[]): Promise<Map<string, MessageRow>> {
  const out = new Map<string, MessageRow>();
  for (const part of chunks(ids)) {
    const rows = await db.selectFrom('messages').selectAll().where('workspace_id', '=', workspaceId).where('id', 'in', part).execute();
    for (const r of rows) out.set(r.id, r);
  }
  return out;
}

/**
 * SQLite: the fence's status as a condition SQLite will not look up by index (`+status`). It has no
 * statistics, and given `id in (…)` and `status = ?` it prefers the (workspace, status, updated_at)
 * index: it then reads every message of the workspace in that status (every message in flight,
 * or every retry waiting) and tests each against the list. Without that index, it looks each listed
 * id up by the primary key (EXPLAIN QUERY PLAN, tested in message.bulk.test.ts): a message
 * outcome cost 29 µs with 1,500 in flight, 14 µs this way.
 */
const sqliteStatusIs = (status: string) => sql<boolean>`+messages.status = ${status}`;

/**
 * `updateFenced` for many rows that share a fence and a patch (claiming a batch, blocking it,
 * marking it committed), on SQLite (one writer at a time). Returns the ids it changed: a row
 * another worker moved meanwhile is left alone and absent from the answer.
 */
async function updateFencedMany(db: DbOrTrx, workspaceId: string, ids: readonly string[], fence: { status: string; attempts: number }, patch: MessagePatch): Promise<Set<string>> {
  const changed = new Set<string>();
  for (const part of chunks(ids)) {
    const out = await db
      .updateTable('messages')
      .set(patch)
      .where('workspace_id', '=', workspaceId)
      .where('id', 'in', part)
      .where(sqliteStatusIs(fence.status))
      .where('attempts', '=', fence.attempts)
      .returning('id')
      .execute();
    for (const r of out) changed.add(r.id);
  }
  return changed;
}

/**
 * updateFencedMany for rows other multi-row writers may touch at the same time (a batch's
 * outcomes, its end-of-data markers, the lease renewal). Where the database has row locks, each
 * chunk is one statement that locks its rows in id order and then updates them (`with locked as
 * (select … order by id for update) update …`), so overlapping writers queue behind each other
 * instead of deadlocking on locks taken in plan order, and a marker or lease renewal costs one round
 * trip rather than four. SQLite has one writer at a time: one transaction.
 */
export async function updateFencedManyLocked(db: Kysely<Database>, dialect: Pick<DialectHelpers, 'supportsRowLocks'>, workspaceId: string, ids: readonly string[], fence: { status: string; attempts: number }, patch: MessagePatch): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  if (!dialect.supportsRowLocks) return withTransaction(db, (trx) => updateFencedMany(trx, workspaceId, ids, fence, patch));
  const changed = new Set<string>();
  for (const part of chunks([...ids].sort())) {
    const out = await db
      .with('locked', (qb) => qb.selectFrom('messages').select('id').where('workspace_id', '=', workspaceId).where('id', 'in', part).orderBy('id').forUpdate())
      .updateTable('messages')
      .set(patch)
      // One array from the CTE, not a join with it (see writeOutcomes).
      .where(sql<boolean>`messages.id = any(array(select id from locked))`)
      .where('messages.workspace_id', '=', workspaceId)
      .where('messages.status', '=', fence.status)
      .where('messages.attempts', '=', fence.attempts)
      .returning('messages.id')
      .execute();
    for (const r of out) changed.add(r.id);
  }
  return changed;
}

/** The columns a provider's answer changes (delivery.patch.ts `resultPatch`). */
export interface OutcomeColumns {
  status: string;
  reason: string | null;
  last_error: string | null;
  provider_message_id: string | null;
  provider_response: string | null;
  sent_at: number | null;
  next_attempt_at: number | null;
  lease_until: number | null;
  updated_at: number;
}

/** Rows per outcome update: 11 values a row. */
const OUTCOME_ROWS = 300;

/**
 * Record each row's own outcome in one statement per chunk: `update … from (values …)`, which
 * SQLite (3.33+) and PostgreSQL both run, fenced per row on `sending` and its attempt number.
 * VALUES columns are named column1, column2, … in both dialects; every value is cast so that
 * PostgreSQL types the VALUES table (JSON as the dialect's JSON column type). On PostgreSQL each
 * chunk locks its rows in id order in the same statement (as updateFencedManyLocked); on SQLite
 * the chunks are one transaction. Returns the ids changed. The ids are also listed with
 * `in (…)`, and on SQLite the status is not indexable (sqliteStatusIs): SQLite then looks each id
 * up by the primary key. Without the list it scans all of the workspace's messages for each
 * statement (measured 7× slower at 20,000 rows, and growing with the table).
 */
export function recordOutcomes(db: Kysely<Database>, dialect: Pick<DialectHelpers, 'jsonType' | 'supportsRowLocks'>, workspaceId: string, rows: readonly { id: string; attempts: number; set: OutcomeColumns }[]): Promise<Set<string>> {
  // PostgreSQL: each chunk locks its rows in id order and updates them in one statement (as updateFencedManyLocked).
  if (dialect.supportsRowLocks) return writeOutcomes(db, dialect, workspaceId, rows);
  return withTransaction(db, (trx) => writeOutcomes(trx, dialect, workspaceId, rows));
}

async function writeOutcomes(db: DbOrTrx, dialect: Pick<DialectHelpers, 'jsonType' | 'supportsRowLocks'>, workspaceId: string, rows: readonly { id: string; attempts: number; set: OutcomeColumns }[]): Promise<Set<string>> {
  const changed = new Set<string>();
  const json = sql.raw(dialect.jsonType);
  for (const part of chunks([...rows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)), OUTCOME_ROWS)) {
    const ids = sql.join(part.map((r) => r.id));
    const locked = dialect.supportsRowLocks
      ? sql`with locked as (select id from messages where workspace_id = ${workspaceId} and id in (${ids}) order by id for update) `
      : sql``;
    // The locked ids as one array, computed (and locked) once before the update: joined as a table
    // instead, PostgreSQL's estimate of one row led it to scan the CTE again for every row (90,000
    // comparisons and 28 ms a chunk of 300).
    const wanted = dialect.supportsRowLocks ? sql`any(array(select id from locked))` : sql`(${ids})`;
    const op = sql.raw(dialect.supportsRowLocks ? '=' : 'in');
    const sending = dialect.supportsRowLocks ? sql`messages.status = 'sending'` : sqliteStatusIs('sending');
    const values = part.map(
      (r) =>
        sql`(cast(${r.id} as text), cast(${r.attempts} as integer), cast(${r.set.status} as text), cast(${r.set.reason} as text), cast(${r.set.last_error} as text), cast(${r.set.provider_message_id} as text), cast(${r.set.provider_response} as ${json}), cast(${r.set.sent_at} as bigint), cast(${r.set.next_attempt_at} as bigint), cast(${r.set.lease_until} as bigint), cast(${r.set.updated_at} as bigint))`,
    );
    const out = await sql<{ id: string }>`${locked}
      update messages set status = v.column3, reason = v.column4, last_error = v.column5, provider_message_id = v.column6, provider_response = v.column7,
        sent_at = v.column8, next_attempt_at = v.column9, lease_until = v.column10, updated_at = v.column11
      from (values ${sql.join(values)}) as v
      where messages.workspace_id = ${workspaceId} and messages.id ${op} ${wanted} and messages.id = v.column1 and ${sending} and messages.attempts = v.column2
      returning messages.id`.execute(db);
    for (const r of out.rows) changed.add(r.id);
  }
  return changed;
}
