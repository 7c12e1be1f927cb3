import type { Language } from '../platform/language.js';
import type { JobInfo } from './job.schema.js';

export type { JobInfo } from './job.schema.js';

/** What a running handler can see and report. */
export interface JobContext {
  jobId: string;
  /** 1 on the first try. */
  attempt: number;
  /** Report progress (0..1) for the dashboard; throttled by the engine, so call it freely. */
  progress(fraction: number, note?: string): Promise<void>;
}

export type JobHandler<P> = (payload: P, ctx: JobContext) => Promise<unknown>;

export interface HandlerOptions {
  /** Jobs of this queue one process runs at once (default 1). */
  concurrency?: number;
  /** Tries before a job is marked failed (default 3), unless the enqueue says otherwise. */
  maxAttempts?: number;
  /** First retry delay; each further retry doubles it (default 1 s). */
  backoffMs?: number;
}

export interface EnqueueOptions {
  workspaceId?: string;
  dedupeKey?: string;
  /** Epoch ms before which the job does not run (default: now). */
  runAt?: number;
  maxAttempts?: number;
}

/** One job of an enqueueMany call. */
export interface EnqueueItem<P> {
  payload: P;
  options?: EnqueueOptions;
}

/**
 * Durable background jobs, engine-neutral: the embedded engine keeps them in the `jobs` table
 * (SQLite or PostgreSQL); a Redis engine can implement the same interface and pass the same
 * contract suite (queue.contract.ts).
 *
 * Delivery is at least once: a job whose worker dies is run again after its lock expires, so
 * handlers must be safe to repeat (a full recompute is; a send needs an idempotency key).
 */
export interface JobQueue {
  /** Handle a queue in this process. The payload arrives as stored JSON: handlers validate it (STYLE §7). */
  register<P>(queue: string, handler: JobHandler<P>, options?: HandlerOptions): void;
  /** Durable once it resolves. With a dedupeKey, enqueueing while a pending job has that key returns the pending job's id (no second job). */
  enqueue<P>(queue: string, payload: P, options?: EnqueueOptions): Promise<string>;
  /**
   * `enqueue` for many jobs of one queue at once (one transaction, one round trip): the same
   * dedupe rules per item (a key repeated within the call also gives one job), ids in item order.
   */
  enqueueMany<P>(queue: string, items: readonly EnqueueItem<P>[]): Promise<string[]>;
  /** A recurring job: enqueued every intervalMs (deduplicated), first run after `firstDelayMs`. */
  every(queue: string, intervalMs: number, payload: unknown, options?: { dedupeKey?: string; firstDelayMs?: number }): void;
  /** `language`: of the failure's words (default English). */
  get(jobId: string, language?: Language): Promise<JobInfo | null>;
  /** A workspace's jobs, newest first. */
  list(workspaceId: string, options?: { queue?: string; limit?: number; language?: Language }): Promise<JobInfo[]>;
  /** Resolves when no job is pending-and-due or running (tests). */
  drain(): Promise<void>;
  /** Start working: claim due jobs, poll for other processes' jobs, run recurring schedules. */
  start(): void;
  /** Stop claiming and wait (up to a grace period) for running jobs. */
  stop(): Promise<void>;
}
