import { performance } from 'node:perf_hooks';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { DialectHelpers } from '../db/dialect.js';
import type { Clock } from '../platform/clock.js';
import { UserError } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import { say } from '../platform/language.js';
import { afterEarlier, DEFAULT_BACKOFF_MS, DEFAULT_MAX_ATTEMPTS, errorText, failureOf, positiveInt, retryDelay, storedFailure } from './engine.js';
import {
  claimJobs,
  completeJob,
  countBusy,
  dueQueues,
  extendLock,
  failJob,
  findJob,
  insertDeduped,
  insertJob,
  insertMany,
  insertOnce,
  listJobs,
  purgeFinished,
  retryJob,
  toJobInfo,
  unwrapJson,
  wrapJson,
  writeProgress,
  type JobRow,
  type NewJobRow,
} from './job.repository.js';
import type { HandlerOptions, JobContext, JobHandler, JobQueue } from './queue.js';

export interface SqlQueueDeps {
  db: Kysely<Database>;
  dialect: DialectHelpers;
  clock: Clock;
  /** How often to look for jobs enqueued by other processes, retries and delayed jobs (default 500 ms). */
  pollMs?: number;
  /** How long a claimed job stays locked without a heartbeat before another worker may retry it (default 30 s). */
  lockMs?: number;
  /** Heartbeat period while a job runs (default lockMs / 3). */
  heartbeatMs?: number;
  /** Least time between progress writes of one job (default 250 ms). */
  progressMs?: number;
  /** How long stop() waits for running jobs; those still running are abandoned to lock expiry (default 10 s). */
  shutdownGraceMs?: number;
  /** Finished jobs are deleted this long after they finished (default 14 days). */
  retentionMs?: number;
  /** Infrastructure failures (a claim query failed, a lock was lost); job failures are recorded on the job instead. */
  onError?: (message: string, err: unknown) => void;
}

const PURGE_EVERY_MS = 3_600_000;
const DRAIN_POLL_MS = 20;

interface Registration {
  handler: JobHandler<unknown>;
  concurrency: number;
  maxAttempts: number;
  backoffMs: number;
  running: number;
}

interface Schedule {
  queue: string;
  intervalMs: number;
  payload: unknown;
  key: string;
  firstDelayMs: number;
}

/**
 * The embedded queue engine: jobs are rows of `jobs`, so the embedded shape needs no other
 * server and PostgreSQL workers share the table (see claimJobs). An enqueue in this process wakes
 * the worker at once; jobs from other processes, retries and delayed jobs are found by a poll.
 */
export function createSqlQueue(deps: SqlQueueDeps): JobQueue {
  const { db, dialect, clock } = deps;
  const pollMs = deps.pollMs ?? 500;
  const lockMs = deps.lockMs ?? 30_000;
  const heartbeatMs = deps.heartbeatMs ?? Math.max(10, Math.floor(lockMs / 3));
  const progressMs = deps.progressMs ?? 250;
  const shutdownGraceMs = deps.shutdownGraceMs ?? 10_000;
  const retentionMs = deps.retentionMs ?? 14 * 86_400_000;
  const onError = deps.onError ?? ((message, err) => console.error(`[queue] ${message}: ${failureOf(err).message.en}`));

  const registrations = new Map<string, Registration>();
  const schedules: Schedule[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const heartbeats = new Set<NodeJS.Timeout>();
  const inFlight = new Set<Promise<void>>();
  let started = false;
  let stopped = false;
  let pumpQueued = false;
  let pumping: Promise<void> | null = null;
  let again = false;
  let lastPurge = 0;

  const canClaim = () => !stopped && registrations.size > 0;

  function later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  }

  /** Pump soon (next macrotask), once however many wake-ups arrive meanwhile. */
  function wake(): void {
    if (!started || !canClaim() || pumpQueued) return;
    pumpQueued = true;
    setImmediate(() => {
      pumpQueued = false;
      void pump();
    });
  }

  /** Wake when a job becomes due, if that is sooner than the next poll would notice. */
  function wakeAt(runAt: number): void {
    const delay = runAt - clock.now();
    if (delay <= 0) wake();
    else if (started && delay < pollMs) later(delay, wake);
  }

  /** Claim jobs for every queue with free slots, until a round finds nothing more to do. */
  function pump(): Promise<void> {
    if (pumping) {
      again = true;
      return pumping;
    }
    // `finally` runs as a microtask, after the assignment, even when no round awaits anything.
    const current = claimRounds().finally(() => {
      if (pumping === current) pumping = null;
    });
    pumping = current;
    return current;
  }

  async function claimRounds(): Promise<void> {
    try {
      do {
        again = false;
        const hungry = [...registrations].filter(([, reg]) => reg.concurrency > reg.running).map(([queue]) => queue);
        const due = await dueQueues(db, hungry, clock.now());
        for (const [queue, reg] of registrations) {
          const free = reg.concurrency - reg.running;
          if (free <= 0 || stopped || !due.has(queue)) continue;
          const rows = await claimJobs(db, dialect, queue, free, clock.now(), lockMs);
          for (const row of rows) launch(reg, row);
        }
      } while (again && !stopped);
    } catch (err) {
      if (!stopped) onError('claiming jobs failed', err);
    }
  }

  function launch(reg: Registration, row: JobRow): void {
    reg.running++;
    const run = execute(reg, row)
      .catch((err: unknown) => {
        if (!stopped) onError(`job ${row.id} (${row.queue}) could not be recorded`, err);
      })
      .finally(() => {
        reg.running--;
        inFlight.delete(run);
        wake();
      });
    inFlight.add(run);
  }

  async function execute(reg: Registration, row: JobRow): Promise<void> {
    const fence = { id: row.id, attempt: Number(row.attempts) };
    const maxAttempts = Number(row.max_attempts);
    if (fence.attempt > maxAttempts) {
      // Reclaimed after its worker died on the last try.
      const why = { code: 'JOB_WORKER_LOST', message: say('The worker running this job stopped (its lock expired) and no attempts are left', '运行此任务的工作进程已停止（锁已过期），且没有剩余的重试次数') };
      await failJob(db, fence, storedFailure(afterEarlier(why, row.error)), clock.now());
      return;
    }
    const heartbeat = setInterval(() => {
      extendLock(db, fence, clock.now() + lockMs, clock.now()).then(
        (held) => {
          if (!held) onError(`job ${row.id} lost its lock (another worker may be retrying it)`, null);
        },
        (err: unknown) => onError(`heartbeat of job ${row.id} failed`, err),
      );
    }, heartbeatMs);
    heartbeats.add(heartbeat);
    let lastProgress = Number.NEGATIVE_INFINITY;
    const ctx: JobContext = {
      jobId: row.id,
      attempt: fence.attempt,
      progress: async (fraction, note) => {
        const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
        // Throttled on the monotonic clock: it limits write load, it is not business time.
        const t = performance.now();
        if (t - lastProgress < progressMs && f < 1) return;
        lastProgress = t;
        // Progress is advisory: a failed write must not fail the job.
        await writeProgress(db, fence, f, note ?? null, clock.now() + lockMs, clock.now()).catch((err: unknown) => onError(`progress of job ${row.id} not written`, err));
      },
    };
    try {
      const result = await reg.handler(unwrapJson(row.payload), ctx);
      clearHeartbeat(heartbeat);
      await completeJob(db, fence, wrapJson(result), clock.now());
    } catch (err) {
      clearHeartbeat(heartbeat);
      const now = clock.now();
      // A UserError says the input is wrong: trying again cannot help.
      if (err instanceof UserError || fence.attempt >= maxAttempts) {
        await failJob(db, fence, errorText(err), now);
        return;
      }
      const delay = retryDelay(reg.backoffMs, fence.attempt);
      await retryJob(db, fence, now + delay, errorText(err), now);
      if (started && !stopped && delay < pollMs) later(delay, wake);
    }
  }

  function clearHeartbeat(t: NodeJS.Timeout): void {
    clearInterval(t);
    heartbeats.delete(t);
  }

  function newRow(queue: string, payload: unknown, options: { workspaceId?: string | undefined; dedupeKey?: string | undefined; runAt?: number | undefined; maxAttempts?: number | undefined }): NewJobRow {
    if (!queue) throw new RangeError('A job needs a queue name');
    const now = clock.now();
    return {
      id: newId('job', now),
      workspace_id: options.workspaceId ?? null,
      queue,
      payload: wrapJson(payload),
      dedupe_key: options.dedupeKey ?? null,
      status: 'pending',
      run_at: options.runAt ?? now,
      attempts: 0,
      max_attempts: positiveInt(options.maxAttempts ?? registrations.get(queue)?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS, 'maxAttempts'),
      progress: 0,
      progress_note: null,
      result: null,
      error: null,
      locked_until: null,
      created_at: now,
      updated_at: now,
    };
  }

  /**
   * One job per interval slot (floor(now / interval)) across every process: each process runs the
   * timer, the first to insert the slot's key wins, and restarts within a slot add nothing.
   */
  async function fire(s: Schedule): Promise<void> {
    const slot = Math.floor(clock.now() / s.intervalMs);
    const row = newRow(s.queue, s.payload, { dedupeKey: `${s.key}@${slot}` });
    if (await insertOnce(db, dialect, { ...row, dedupe_key: `${s.key}@${slot}` })) wakeAt(row.run_at);
  }

  function arm(s: Schedule): void {
    const tick = () => void fire(s).catch((err: unknown) => onError(`recurring job ${s.queue} not enqueued`, err));
    later(s.firstDelayMs, () => {
      tick();
      const t = setInterval(tick, s.intervalMs);
      timers.add(t);
    });
  }

  async function housekeeping(): Promise<void> {
    const now = clock.now();
    if (now - lastPurge < PURGE_EVERY_MS) return;
    lastPurge = now;
    await purgeFinished(db, now - retentionMs);
  }

  return {
    register(queue, handler, options: HandlerOptions = {}) {
      if (registrations.has(queue)) throw new Error(`Queue ${queue} already has a handler`);
      registrations.set(queue, {
        // The engine hands the handler the stored JSON; the handler's own validation gives it type P.
        handler: handler as JobHandler<unknown>,
        concurrency: positiveInt(options.concurrency ?? 1, 'concurrency'),
        maxAttempts: positiveInt(options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS, 'maxAttempts'),
        backoffMs: Math.max(0, options.backoffMs ?? DEFAULT_BACKOFF_MS),
        running: 0,
      });
      wake();
    },

    async enqueue(queue, payload, options = {}) {
      const row = newRow(queue, payload, options);
      let id = row.id;
      if (options.dedupeKey) id = await insertDeduped(db, { ...row, dedupe_key: options.dedupeKey });
      else await insertJob(db, row);
      if (registrations.has(queue)) wakeAt(row.run_at);
      return id;
    },

    async enqueueMany(queue, items) {
      if (items.length === 0) return [];
      const rows = items.map((item) => newRow(queue, item.payload, item.options ?? {}));
      const ids = await insertMany(db, rows);
      if (registrations.has(queue)) wakeAt(rows.reduce((min, r) => Math.min(min, r.run_at), Number.POSITIVE_INFINITY));
      return ids;
    },

    every(queue, intervalMs, payload, options = {}) {
      const s: Schedule = { queue, intervalMs: positiveInt(intervalMs, 'intervalMs'), payload, key: options.dedupeKey ?? `every:${queue}`, firstDelayMs: Math.max(0, options.firstDelayMs ?? 0) };
      schedules.push(s);
      if (started && !stopped) arm(s);
    },

    async get(jobId, language) {
      const row = await findJob(db, jobId);
      return row ? toJobInfo(row, language) : null;
    },

    async list(workspaceId, options = {}) {
      const limit = Math.min(200, Math.max(1, options.limit ?? 50));
      return (await listJobs(db, workspaceId, options.queue, limit)).map((row) => toJobInfo(row, options.language));
    },

    async drain() {
      // Runs due jobs itself, started or not, so a test needs no timers.
      for (;;) {
        if (canClaim()) await pump();
        if (inFlight.size > 0) {
          await Promise.allSettled([...inFlight]);
          continue;
        }
        if ((await countBusy(db, [...registrations.keys()], clock.now())) === 0) return;
        await new Promise((r) => setTimeout(r, DRAIN_POLL_MS));
      }
    },

    start() {
      if (started) return;
      if (stopped) throw new Error('A stopped queue cannot start again');
      started = true;
      const poll = setInterval(() => {
        wake();
        housekeeping().catch((err: unknown) => onError('purging finished jobs failed', err));
      }, pollMs);
      timers.add(poll);
      for (const s of schedules) arm(s);
      wake();
    },

    async stop() {
      if (stopped) return;
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      if (pumping) await pumping;
      let graceTimer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((r) => {
        graceTimer = setTimeout(r, shutdownGraceMs);
        graceTimer.unref();
      });
      await Promise.race([Promise.allSettled([...inFlight]), grace]);
      clearTimeout(graceTimer);
      // Jobs still running are abandoned: without heartbeats their locks expire and another worker retries them.
      for (const t of heartbeats) clearInterval(t);
      heartbeats.clear();
    },
  };
}
