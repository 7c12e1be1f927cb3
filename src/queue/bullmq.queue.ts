import { performance } from 'node:perf_hooks';
import { Queue, UnrecoverableError, Worker, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { Clock } from '../platform/clock.js';
import { UserError } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import type { Language } from '../platform/language.js';
import { indexKeys, jobData, toJobInfo, type JobData, type NudgeJob, type Progress } from './bullmq.jobs.js';
import { DEFAULT_BACKOFF_MS, DEFAULT_MAX_ATTEMPTS, errorText, failureOf, positiveInt, retryDelay } from './engine.js';
import type { JobInfo } from './job.schema.js';
import type { HandlerOptions, JobContext, JobHandler, JobQueue } from './queue.js';

export interface BullmqQueueDeps {
  /** redis://… (NUDGE_QUEUE_URL). */
  connectionUrl: string;
  clock: Clock;
  /** Prefix of every key this engine writes (default `nudge`); on Redis Cluster give it a hash tag, e.g. `{nudge}`. */
  prefix?: string;
  /** BullMQ's lock duration: a job whose worker stops renewing its lock for this long is taken back by another worker (default 30 s). */
  lockMs?: number;
  /**
   * How often workers look for jobs whose lock ran out (BullMQ's stalledInterval; default lockMs).
   * Nothing else needs polling: Redis wakes workers for new, retried and delayed jobs.
   */
  pollMs?: number;
  /** Least time between progress writes of one job (default 250 ms). */
  progressMs?: number;
  /** How long stop() waits for running jobs; those still running are abandoned to lock expiry (default 10 s). */
  shutdownGraceMs?: number;
  /** Finished jobs are removed this long after they finished (default 14 days). */
  retentionMs?: number;
  /** Infrastructure failures (Redis errors, a lost lock); job failures are recorded on the job instead. */
  onError?: (message: string, err: unknown) => void;
}

/** The BullMQ engine owns its Redis connections, so its owner closes them after stop(). */
export interface BullmqQueue extends JobQueue {
  /**
   * stop(), then close the connections. Until then the queue still answers enqueue, get and list
   * after stop(), as the SQL engine does while its database stays open.
   */
  close(): Promise<void>;
}

const DAY_MS = 86_400_000;
/** Ids kept per workspace index: list() returns at most 200, so the newest 1000 leave room for removed jobs. */
const INDEX_CAP = 1000;
const LIST_PAGE = 100;
const DRAIN_POLL_MS = 10;
/** Jobs ask for this custom back-off, so the worker's registration decides the delay, as in the SQL engine. */
const BACKOFF = 'nudge';

interface Registration {
  queue: string;
  handler: JobHandler<unknown>;
  concurrency: number;
  maxAttempts: number;
  backoffMs: number;
  /** Made when the queue is first started or drained, so a process that only enqueues opens no blocking connection. */
  worker: Worker<JobData, unknown, string> | null;
  running: boolean;
}

interface Schedule {
  queue: string;
  intervalMs: number;
  payload: unknown;
  key: string;
  firstDelayMs: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The scaled queue engine: one BullMQ queue per Nudge queue on Redis. BullMQ does the distributed
 * work — locks and their renewal, stalled-job recovery, retries with back-off, deduplication, job
 * schedulers — and this file only maps the JobQueue contract onto it:
 *
 * - Time. BullMQ times delays by the wall clock; the engine's clock only gives the difference
 *   (`runAt - clock.now()`), and `runAt` rides in the job data. Every job, even one due already,
 *   enters BullMQ's delayed set scored by its due time, so a backlog runs oldest runAt first (the
 *   wait list would run it in insertion order). Under a test clock, drain() promotes jobs whose
 *   runAt has come on that clock.
 * - Dedupe. BullMQ deduplication with keepLastIfActive: while the keyed job waits, an enqueue
 *   returns its id; while it runs, the enqueue is kept and BullMQ adds it (with the id generated
 *   here) when the running one finishes, so a change made during a run is never lost.
 * - Listing. BullMQ has no secondary index: the enqueue first writes the job's queue and the
 *   workspace's sorted sets (one MULTI); list() reads them and lets the job itself decide whose it is.
 */
export function createBullmqQueue(deps: BullmqQueueDeps): BullmqQueue {
  const { clock } = deps;
  const prefix = deps.prefix ?? 'nudge';
  const lockMs = deps.lockMs ?? 30_000;
  const pollMs = deps.pollMs ?? lockMs;
  const progressMs = deps.progressMs ?? 250;
  const shutdownGraceMs = deps.shutdownGraceMs ?? 10_000;
  const retentionMs = deps.retentionMs ?? 14 * DAY_MS;
  const onError = deps.onError ?? ((message, err) => console.error(`[queue] ${message}: ${failureOf(err).message.en}`));
  const keys = indexKeys(prefix);

  const registrations = new Map<string, Registration>();
  const queues = new Map<string, Queue<JobData, unknown, string>>();
  const schedules: Schedule[] = [];
  let started = false;
  let stopped = false;

  const report = (message: string) => (err: unknown) => {
    if (!stopped) onError(message, err);
  };
  // Producer connection (enqueue, get, list): ioredis' default retry limit makes a request fail instead of waiting out an outage.
  const redis = new Redis(deps.connectionUrl);
  redis.on('error', report('redis connection'));
  // Workers block and must ride out reconnects, which BullMQ requires to be unlimited.
  let workerRedis: Redis | null = null;
  const workerConnection = (): Redis => {
    if (!workerRedis) {
      workerRedis = redis.duplicate({ maxRetriesPerRequest: null });
      workerRedis.on('error', report('redis worker connection'));
    }
    return workerRedis;
  };

  function queueOf(name: string): Queue<JobData, unknown, string> {
    let q = queues.get(name);
    if (!q) {
      q = new Queue<JobData, unknown, string>(name, { connection: redis, prefix });
      q.on('error', report(`queue ${name}`));
      queues.set(name, q);
    }
    return q;
  }

  function jobOptions(maxAttempts: number): JobsOptions {
    const age = Math.ceil(retentionMs / 1000); // KeepJobs.age is in seconds
    return { attempts: maxAttempts, backoff: { type: BACKOFF }, removeOnComplete: { age }, removeOnFail: { age } };
  }

  /**
   * Delay options for a job due `delay` ms from now (engine clock). A job due already is delayed
   * by 1 ms from a timestamp just before its due time, so it is scored in the delayed set by when
   * it became due: BullMQ promotes delayed jobs in score order, which is the order they run.
   */
  function timing(delay: number): Pick<JobsOptions, 'delay' | 'timestamp'> {
    // BullMQ scores by the wall clock, so the due time is turned into wall time here. At least 1:
    // BullMQ promotes scores from 0 up and reads a timestamp of 0 as unset.
    return delay > 0 ? { delay } : { delay: 1, timestamp: Math.max(1, Date.now() + delay - 1) };
  }

  /** Index jobs before BullMQ has them: a failed add leaves an entry readers skip, never a job readers miss. */
  async function index(queue: string, jobs: readonly { id: string; workspaceId: string | null; createdAt: number; delay: number }[]): Promise<void> {
    const tx = redis.multi();
    const capped = new Set<string>();
    for (const { id, workspaceId, createdAt, delay } of jobs) {
      tx.set(keys.job(id), queue, 'PX', retentionMs + Math.max(0, delay) + DAY_MS);
      if (workspaceId === null) continue;
      for (const key of [keys.workspace(workspaceId), keys.workspaceQueue(workspaceId, queue)]) {
        tx.zadd(key, createdAt, id);
        capped.add(key);
      }
    }
    for (const key of capped) tx.zremrangebyrank(key, 0, -(INDEX_CAP + 1));
    const replies = await tx.exec();
    const failed = replies?.find(([err]) => err !== null)?.[0];
    if (!replies || failed) throw failed ?? new Error('Redis discarded the job index transaction');
  }

  async function load(queue: string, id: string, language?: Language): Promise<JobInfo | null> {
    const q = queueOf(queue);
    // State first: the fields read after it are at least as new, so a job reported done has its result.
    const state = await q.getJobState(id);
    const job = await q.getJob(id);
    return job ? toJobInfo(job, state, language) : null;
  }

  async function run(reg: Registration, job: NudgeJob): Promise<unknown> {
    const data = jobData(job);
    if (!data || job.id === undefined) throw new UnrecoverableError('The job data is not a Nudge job');
    const jobId = job.id;
    // Refreshed on every run: scheduler-made jobs get their ids from BullMQ, and a late run outlives the enqueue's TTL.
    await redis.set(keys.job(jobId), reg.queue, 'PX', retentionMs + DAY_MS).catch(report(`job ${jobId} not indexed`));
    const writeProgress = (p: Progress) => job.updateProgress(p).catch(report(`progress of job ${jobId} not written`));
    // Each try reports its own progress, as the SQL engine resets it on claim.
    if (job.attemptsStarted > 1) await writeProgress({ fraction: 0, note: null });
    let lastProgress = Number.NEGATIVE_INFINITY;
    const ctx: JobContext = {
      jobId,
      attempt: job.attemptsStarted,
      progress: async (fraction, note) => {
        const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
        // Throttled on the monotonic clock: it limits write load, it is not business time.
        const t = performance.now();
        if (t - lastProgress < progressMs && f < 1) return;
        lastProgress = t;
        await writeProgress({ fraction: f, note: note ?? null });
      },
    };
    try {
      return (await reg.handler(data.payload, ctx)) ?? null;
    } catch (err) {
      const text = errorText(err);
      // A UserError says the input is wrong: trying again cannot help.
      if (err instanceof UserError) throw new UnrecoverableError(text);
      const failedAttempt = job.attemptsMade + 1;
      if (failedAttempt < (job.opts.attempts ?? 1)) {
        // BullMQ times the back-off itself (backoffStrategy below); runAt says when the retry is due on the engine's clock, for drain().
        await job.updateData({ ...data, runAt: clock.now() + retryDelay(reg.backoffMs, failedAttempt) }).catch(report(`retry time of job ${jobId} not written`));
      }
      throw err instanceof Error && err.message === text ? err : new Error(text, { cause: err });
    }
  }

  function workerOf(reg: Registration): Worker<JobData, unknown, string> {
    if (reg.worker) return reg.worker;
    const worker = new Worker<JobData, unknown, string>(reg.queue, (job) => run(reg, job), {
      connection: workerConnection(),
      prefix,
      autorun: false,
      concurrency: reg.concurrency,
      lockDuration: lockMs,
      stalledInterval: pollMs,
      // A try whose worker died counts against the tries, as in the SQL engine.
      maxStalledCount: reg.maxAttempts - 1,
      settings: { backoffStrategy: (attemptsMade: number) => retryDelay(reg.backoffMs, attemptsMade) },
    });
    worker.on('error', report(`worker of ${reg.queue}`));
    reg.worker = worker;
    return worker;
  }

  async function resumeWorkers(): Promise<void> {
    await Promise.all(
      [...registrations.values()].map(async (reg) => {
        const worker = workerOf(reg);
        if (!reg.running) {
          reg.running = true;
          worker.run().catch(report(`worker of ${reg.queue} stopped`));
        } else if (worker.isPaused()) {
          await worker.resume();
        }
      }),
    );
  }

  /**
   * Under a test clock time moves by clock.advance(), not by the wall clock BullMQ's delays run on:
   * promote delayed jobs whose runAt has come on the engine's clock, oldest first (promotion order is
   * run order). With the system clock BullMQ has usually promoted them already. Reads every delayed
   * job, which suits drain() (tests), not a production poll.
   */
  async function promoteDue(names: readonly string[]): Promise<void> {
    const now = clock.now();
    for (const name of names) {
      const due: { job: NudgeJob; runAt: number; createdAt: number }[] = [];
      for (const job of await queueOf(name).getDelayed(0, -1)) {
        const data = jobData(job);
        if (data?.runAt !== undefined && data.runAt <= now) due.push({ job, runAt: data.runAt, createdAt: data.createdAt ?? 0 });
      }
      due.sort((a, b) => a.runAt - b.runAt || a.createdAt - b.createdAt || ((a.job.id ?? '') < (b.job.id ?? '') ? -1 : 1));
      for (const { job } of due) {
        try {
          await job.promote();
        } catch (err) {
          // A worker promoted it meanwhile (its wall-clock delay ran out): nothing left to do.
          if (await job.isDelayed()) throw err;
        }
      }
    }
  }

  async function busy(names: readonly string[]): Promise<number> {
    const counts = await Promise.all(names.map((name) => queueOf(name).getJobCounts('waiting', 'prioritized', 'active')));
    return counts.reduce((sum, c) => sum + Object.values(c).reduce((a, b) => a + b, 0), 0);
  }

  function schedule(s: Schedule): void {
    // One BullMQ job scheduler per key: every process upserts the same one, so each interval runs once.
    // A first delay is a wall-clock start date because BullMQ schedules by the wall clock; a restart keeps the running schedule.
    const repeat = { every: s.intervalMs, ...(s.firstDelayMs > 0 ? { startDate: Date.now() + s.firstDelayMs } : {}) };
    const opts = jobOptions(registrations.get(s.queue)?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
    queueOf(s.queue)
      .upsertJobScheduler(s.key, repeat, { name: s.queue, data: { payload: s.payload ?? null, workspaceId: null }, opts })
      .catch(report(`recurring job ${s.queue} not scheduled`));
  }

  const engine: BullmqQueue = {
    register(queue, handler, options: HandlerOptions = {}) {
      if (registrations.has(queue)) throw new Error(`Queue ${queue} already has a handler`);
      registrations.set(queue, {
        queue,
        // The engine hands the handler the stored JSON; the handler's own validation gives it type P.
        handler: handler as JobHandler<unknown>,
        concurrency: positiveInt(options.concurrency ?? 1, 'concurrency'),
        maxAttempts: positiveInt(options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS, 'maxAttempts'),
        backoffMs: Math.max(0, options.backoffMs ?? DEFAULT_BACKOFF_MS),
        worker: null,
        running: false,
      });
      if (started && !stopped) resumeWorkers().catch(report(`worker of ${queue} not started`));
    },

    async enqueue(queue, payload, options = {}) {
      const [id] = await engine.enqueueMany(queue, [{ payload, options }]);
      if (id === undefined) throw new Error(`enqueue to ${queue} returned no job id`);
      return id;
    },

    async enqueueMany(queue, items) {
      if (!queue) throw new RangeError('A job needs a queue name');
      if (items.length === 0) return [];
      const now = clock.now();
      const jobs = items.map(({ payload, options = {} }) => {
        const runAt = options.runAt ?? now;
        const maxAttempts = positiveInt(options.maxAttempts ?? registrations.get(queue)?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS, 'maxAttempts');
        return { id: newId('job', now), workspaceId: options.workspaceId ?? null, createdAt: now, delay: runAt - now, runAt, payload, maxAttempts, dedupeKey: options.dedupeKey };
      });
      // Indexed under these ids even when deduplicated: a follow-up BullMQ keeps for a running job gets it.
      await index(queue, jobs);
      // addBulk is one MULTI; deduplication applies per job in order, so a key repeated in the call gives one job.
      const added = await queueOf(queue).addBulk(
        jobs.map((j) => ({
          name: queue,
          data: { payload: j.payload ?? null, workspaceId: j.workspaceId, createdAt: now, runAt: j.runAt },
          opts: { ...jobOptions(j.maxAttempts), ...timing(j.delay), jobId: j.id, ...(j.dedupeKey ? { deduplication: { id: j.dedupeKey, keepLastIfActive: true } } : {}) },
        })),
      );
      return jobs.map((j, i) => added[i]?.id ?? j.id);
    },

    every(queue, intervalMs, payload, options = {}) {
      const s: Schedule = { queue, intervalMs: positiveInt(intervalMs, 'intervalMs'), payload, key: options.dedupeKey ?? `every:${queue}`, firstDelayMs: Math.max(0, options.firstDelayMs ?? 0) };
      schedules.push(s);
      if (started && !stopped) schedule(s);
    },

    async get(jobId, language) {
      const queue = await redis.get(keys.job(jobId));
      return queue === null ? null : load(queue, jobId, language);
    },

    async list(workspaceId, options = {}) {
      const limit = Math.min(200, Math.max(1, options.limit ?? 50));
      const only = options.queue;
      const key = only === undefined ? keys.workspace(workspaceId) : keys.workspaceQueue(workspaceId, only);
      const out: JobInfo[] = [];
      for (let start = 0; out.length < limit; start += LIST_PAGE) {
        const ids = await redis.zrevrange(key, start, start + LIST_PAGE - 1);
        if (ids.length === 0) break;
        const names = only === undefined ? await redis.mget(ids.map((id) => keys.job(id))) : ids.map(() => only);
        const infos = await Promise.all(ids.map((id, i) => (names[i] ? load(names[i], id, options.language) : null)));
        // The index only narrows the search: the job itself says whose it is (isolation); ids BullMQ has removed are skipped.
        for (const info of infos) if (info && info.workspaceId === workspaceId && (only === undefined || info.queue === only)) out.push(info);
      }
      return out.slice(0, limit);
    },

    async drain() {
      if (stopped) throw new Error('A stopped queue cannot drain');
      // Runs due jobs whether the queue is started or not; an unstarted one is paused again afterwards.
      const names = [...registrations.keys()];
      if (names.length === 0) return;
      for (;;) {
        await promoteDue(names);
        await resumeWorkers();
        if ((await busy(names)) === 0) break;
        await sleep(DRAIN_POLL_MS);
      }
      if (!started) await Promise.all([...registrations.values()].map((reg) => reg.worker?.pause()));
    },

    start() {
      if (started) return;
      if (stopped) throw new Error('A stopped queue cannot start again');
      started = true;
      resumeWorkers().catch(report('workers not started'));
      for (const s of schedules) schedule(s);
    },

    async stop() {
      if (stopped) return;
      stopped = true;
      const workers = [...registrations.values()].flatMap((reg) => (reg.worker ? [reg.worker] : []));
      // pause() stops fetching and waits for running jobs; close(true) then closes without waiting, so a job
      // still running after the grace period is abandoned: its lock lapses and another worker's stalled check retries it.
      let graceTimer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((r) => {
        graceTimer = setTimeout(r, shutdownGraceMs);
        graceTimer.unref();
      });
      await Promise.race([Promise.allSettled(workers.map((w) => w.pause())), grace]);
      clearTimeout(graceTimer);
      await Promise.allSettled(workers.map((w) => w.close(true)));
      await workerRedis?.quit().catch(() => workerRedis?.disconnect());
    },

    async close() {
      await engine.stop();
      await Promise.allSettled([...queues.values()].map((q) => q.close()));
      await redis.quit().catch(() => redis.disconnect());
    },
  };
  return engine;
}
