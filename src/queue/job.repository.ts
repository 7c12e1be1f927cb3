import type { ExpressionBuilder, Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type { Database, JobTable } from '../db/database.js';
import { readJson, type DialectHelpers } from '../db/dialect.js';
import { withTransaction } from '../db/transaction.js';
import { toIso } from '../platform/ids.js';
import type { Language } from '../platform/language.js';
import { failureFields } from './engine.js';
import { JobStatus, type JobInfo } from './job.schema.js';

/** The `jobs` table, for the embedded queue engine only (sql.queue.ts). */

export type JobRow = Selectable<JobTable>;
export type NewJobRow = Insertable<JobTable> & { id: string; run_at: number };

/** Claimable: pending and due, or running under a lock that has expired (its worker died). */
const claimable = (now: number) => (eb: ExpressionBuilder<Database, 'jobs'>) =>
  eb.or([eb.and([eb('status', '=', 'pending'), eb('run_at', '<=', now)]), eb.and([eb('status', '=', 'running'), eb('locked_until', '<', now)])]);

/**
 * Payloads and results are stored wrapped as `{"value": …}`: PostgreSQL hands jsonb back parsed,
 * so a bare JSON string would be indistinguishable from SQLite's unparsed text.
 */
export const wrapJson = (value: unknown): string => JSON.stringify({ value: value ?? null });

export function unwrapJson(column: unknown): unknown {
  const doc = readJson<unknown>(column, null);
  return doc !== null && typeof doc === 'object' && 'value' in doc ? doc.value : null;
}

export function toJobInfo(r: JobRow, language: Language = 'en'): JobInfo {
  return {
    id: r.id,
    queue: r.queue,
    workspaceId: r.workspace_id,
    status: JobStatus.parse(r.status),
    // `real` is float4 on PostgreSQL: 0.4 reads back as 0.4000000059604645.
    progress: Math.round(Math.min(1, Math.max(0, Number(r.progress))) * 10_000) / 10_000,
    progressNote: r.progress_note,
    attempts: Number(r.attempts),
    ...failureFields(r.error, language),
    result: unwrapJson(r.result),
    createdAt: toIso(Number(r.created_at)),
    updatedAt: toIso(Number(r.updated_at)),
  };
}

export async function insertJob(db: Kysely<Database>, row: NewJobRow): Promise<void> {
  await db.insertInto('jobs').values(row).execute();
}

/**
 * Insert unless a pending job has the same (queue, dedupe_key); returns the id that is pending.
 * The partial unique index `jobs_pending_key` decides races between processes; if the pending job
 * is claimed between our conflict and our look-up, the insert is simply tried again.
 */
export async function insertDeduped(db: Kysely<Database>, row: NewJobRow & { dedupe_key: string }): Promise<string> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const inserted = await db.insertInto('jobs').values(row).onConflict((oc) => oc.doNothing()).returning('id').executeTakeFirst();
    if (inserted) return inserted.id;
    const pending = await db
      .selectFrom('jobs')
      .select('id')
      .where('queue', '=', row.queue)
      .where('dedupe_key', '=', row.dedupe_key)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (pending) return pending.id;
  }
  throw new Error(`Could not enqueue ${row.queue} with key ${row.dedupe_key}: the pending job kept changing`);
}

/** Rows per multi-row insert: 16 columns each stays far below SQLite's and PostgreSQL's bound-parameter limits. */
const INSERT_CHUNK = 500;

/**
 * insertJob / insertDeduped for many rows of one queue in one transaction; returns each row's job id
 * (for a deduplicated row, the pending job's). A key repeated among the rows gives one job, as
 * successive enqueues would.
 */
export async function insertMany(db: Kysely<Database>, rows: readonly NewJobRow[]): Promise<string[]> {
  return withTransaction(db, async (trx) => {
    const ids = rows.map((r) => r.id);
    const plain: NewJobRow[] = [];
    /** Dedupe key → the row standing for it and the indexes of the items that share it. */
    const keyed = new Map<string, { row: NewJobRow & { dedupe_key: string }; at: number[] }>();
    rows.forEach((r, i) => {
      if (r.dedupe_key === null || r.dedupe_key === undefined) return void plain.push(r);
      const hit = keyed.get(r.dedupe_key);
      if (hit) hit.at.push(i);
      else keyed.set(r.dedupe_key, { row: { ...r, dedupe_key: r.dedupe_key }, at: [i] });
    });
    for (let i = 0; i < plain.length; i += INSERT_CHUNK) await trx.insertInto('jobs').values(plain.slice(i, i + INSERT_CHUNK)).execute();
    const queue = rows[0]?.queue ?? '';
    // In key order, so two calls sharing keys on PostgreSQL wait for each other rather than deadlock.
    let open = [...keyed.values()].sort((a, b) => (a.row.dedupe_key < b.row.dedupe_key ? -1 : a.row.dedupe_key > b.row.dedupe_key ? 1 : 0));
    // As insertDeduped: a pending job claimed between our conflict and our look-up is simply tried again.
    for (let attempt = 0; attempt < 5 && open.length > 0; attempt++) {
      const found = new Map<string, string>();
      for (let i = 0; i < open.length; i += INSERT_CHUNK) {
        const chunk = open.slice(i, i + INSERT_CHUNK);
        const inserted = await trx.insertInto('jobs').values(chunk.map((k) => k.row)).onConflict((oc) => oc.doNothing()).returning(['id', 'dedupe_key']).execute();
        for (const r of inserted) if (r.dedupe_key !== null) found.set(r.dedupe_key, r.id);
        const missing = chunk.filter((k) => !found.has(k.row.dedupe_key)).map((k) => k.row.dedupe_key);
        if (missing.length === 0) continue;
        const pending = await trx.selectFrom('jobs').select(['id', 'dedupe_key']).where('queue', '=', queue).where('dedupe_key', 'in', missing).where('status', '=', 'pending').execute();
        for (const r of pending) if (r.dedupe_key !== null) found.set(r.dedupe_key, r.id);
      }
      for (const k of open) {
        const id = found.get(k.row.dedupe_key);
        if (id !== undefined) for (const i of k.at) ids[i] = id;
      }
      open = open.filter((k) => !found.has(k.row.dedupe_key));
    }
    if (open.length > 0) throw new Error(`Could not enqueue ${queue} with key ${open[0]?.row.dedupe_key ?? ''}: the pending job kept changing`);
    return ids;
  });
}

/**
 * Insert unless any job (whatever its status) ever had this (queue, dedupe_key): a recurring
 * schedule's slot runs once across every process. The key lock serialises the check and the
 * insert on PostgreSQL; SQLite serialises writers already (a stale read fails the commit and
 * withTransaction retries).
 */
export async function insertOnce(db: Kysely<Database>, dialect: DialectHelpers, row: NewJobRow & { dedupe_key: string }): Promise<boolean> {
  return withTransaction(db, async (trx) => {
    await dialect.lockKeys(trx, [`job\u0000${row.queue}\u0000${row.dedupe_key}`]);
    const existing = await trx.selectFrom('jobs').select('id').where('queue', '=', row.queue).where('dedupe_key', '=', row.dedupe_key).executeTakeFirst();
    if (existing) return false;
    const inserted = await trx.insertInto('jobs').values(row).onConflict((oc) => oc.doNothing()).returning('id').executeTakeFirst();
    return inserted !== undefined;
  });
}

/** Which of these queues have a claimable job: a read, so an idle poll takes no write lock. */
export async function dueQueues(db: Kysely<Database>, queues: readonly string[], now: number): Promise<Set<string>> {
  if (queues.length === 0) return new Set();
  const rows = await db.selectFrom('jobs').select('queue').distinct().where('queue', 'in', queues).where(claimable(now)).execute();
  return new Set(rows.map((r) => r.queue));
}

/**
 * Claim up to `limit` jobs of a queue, oldest run_at first, in one statement. On PostgreSQL the
 * candidates are locked FOR UPDATE SKIP LOCKED, so concurrent workers take disjoint jobs without
 * waiting; the outer WHERE repeats the condition so a row changed meanwhile is not taken. SQLite
 * runs the whole UPDATE under its single writer lock. `attempts` grows by one per claim and is the
 * fencing token every later write of this run checks.
 */
export async function claimJobs(db: Kysely<Database>, dialect: DialectHelpers, queue: string, limit: number, now: number, lockMs: number): Promise<JobRow[]> {
  // Two statements in one transaction, not `update … where id in (select … limit n for update skip
  // locked)`: PostgreSQL may re-run such a sub-select during the update and claim more than `limit`.
  return withTransaction(db, async (trx) => {
    const candidates = await trx
      .selectFrom('jobs')
      .select('id')
      .where('queue', '=', queue)
      .where(claimable(now))
      .orderBy('run_at')
      .orderBy('created_at')
      .orderBy('id')
      .limit(limit)
      .$if(dialect.supportsRowLocks, (qb) => qb.forUpdate().skipLocked())
      .execute();
    if (candidates.length === 0) return [];
    const rows = await trx
      .updateTable('jobs')
      .set((eb) => ({ status: 'running', attempts: eb('attempts', '+', 1), locked_until: now + lockMs, progress: 0, progress_note: null, updated_at: now }))
      .where('id', 'in', candidates.map((c) => c.id))
      .where(claimable(now))
      .returningAll()
      .execute();
    // RETURNING has no order of its own.
    return rows.sort((a, b) => Number(a.run_at) - Number(b.run_at) || Number(a.created_at) - Number(b.created_at) || (a.id < b.id ? -1 : 1));
  });
}

type Fence = { id: string; attempt: number };

/** Writes made by the run holding the lock; a run that lost its lock (expired, reclaimed) changes nothing. */
async function updateRunning(db: Kysely<Database>, run: Fence, values: Updateable<JobTable> & { updated_at: number }): Promise<boolean> {
  const res = await db
    .updateTable('jobs')
    .set(values)
    .where('id', '=', run.id)
    .where('status', '=', 'running')
    .where('attempts', '=', run.attempt)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

export const extendLock = (db: Kysely<Database>, run: Fence, lockedUntil: number, now: number) => updateRunning(db, run, { locked_until: lockedUntil, updated_at: now });

export const writeProgress = (db: Kysely<Database>, run: Fence, progress: number, note: string | null, lockedUntil: number, now: number) =>
  updateRunning(db, run, { progress, progress_note: note, locked_until: lockedUntil, updated_at: now });

export const completeJob = (db: Kysely<Database>, run: Fence, resultJson: string, now: number) =>
  updateRunning(db, run, { status: 'done', progress: 1, result: resultJson, error: null, locked_until: null, updated_at: now });

export const failJob = (db: Kysely<Database>, run: Fence, error: string, now: number) => updateRunning(db, run, { status: 'failed', error, locked_until: null, updated_at: now });

export const retryJob = (db: Kysely<Database>, run: Fence, runAt: number, error: string, now: number) =>
  updateRunning(db, run, { status: 'pending', run_at: runAt, error, locked_until: null, updated_at: now });

export async function findJob(db: Kysely<Database>, id: string): Promise<JobRow | undefined> {
  return db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listJobs(db: Kysely<Database>, workspaceId: string, queue: string | undefined, limit: number): Promise<JobRow[]> {
  return db
    .selectFrom('jobs')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .$if(queue !== undefined, (qb) => qb.where('queue', '=', queue ?? ''))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** Jobs of these queues that are pending and due, or running (under any lock). */
export async function countBusy(db: Kysely<Database>, queues: readonly string[], now: number): Promise<number> {
  if (queues.length === 0) return 0;
  const row = await db
    .selectFrom('jobs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('queue', 'in', queues)
    .where((eb) => eb.or([eb.and([eb('status', '=', 'pending'), eb('run_at', '<=', now)]), eb('status', '=', 'running')]))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Forget finished jobs last touched before `before`. */
export async function purgeFinished(db: Kysely<Database>, before: number): Promise<number> {
  const res = await db.deleteFrom('jobs').where('status', 'in', ['done', 'failed']).where('updated_at', '<', before).executeTakeFirst();
  return Number(res.numDeletedRows);
}
