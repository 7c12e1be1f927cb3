import type { Job, JobState } from 'bullmq';
import { z } from 'zod';
import { assertUnreachable } from '../platform/errors.js';
import { toIso } from '../platform/ids.js';
import type { Language } from '../platform/language.js';
import { failureFields } from './engine.js';
import type { JobInfo, JobStatus } from './job.schema.js';

/** How the BullMQ engine (bullmq.queue.ts) lays a Nudge job out in Redis, and reads it back as JobInfo. */

/**
 * The data of every BullMQ job this engine adds: the handler's payload plus what JobInfo and a
 * test clock need. Times are on the engine's clock. Read back through this schema (STYLE §7):
 * scheduler-made jobs carry only payload and workspaceId; any other shape is not ours.
 */
export const JobData = z.object({
  payload: z.unknown(),
  workspaceId: z.string().nullable(),
  createdAt: z.number().optional(),
  /** When the job (or its pending retry) is due; drain() promotes by it under a test clock. */
  runAt: z.number().optional(),
});
export type JobData = z.infer<typeof JobData>;

/** What ctx.progress() writes as BullMQ progress. */
const Progress = z.object({ fraction: z.number().min(0).max(1), note: z.string().nullable() });
export type Progress = z.infer<typeof Progress>;

export type NudgeJob = Job<JobData, unknown, string>;

export function jobData(job: NudgeJob): JobData | null {
  // Typed JobData by BullMQ's generics, but it is whatever JSON Redis held.
  const raw: unknown = job.data;
  const parsed = JobData.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

/**
 * Our own keys sit beside BullMQ's (`prefix:queue:…`) under `prefix::…`: an empty queue name,
 * which BullMQ refuses, so they never collide. Parts are URI-encoded so no id can fake a separator.
 */
export function indexKeys(prefix: string) {
  return {
    /** Job id → its queue, so get(id) knows which BullMQ queue to ask. */
    job: (id: string) => `${prefix}::job:${id}`,
    /** A workspace's job ids scored by createdAt, for list(); and the same per queue. */
    workspace: (ws: string) => `${prefix}::ws:${encodeURIComponent(ws)}`,
    workspaceQueue: (ws: string, queue: string) => `${prefix}::ws:${encodeURIComponent(ws)}:${encodeURIComponent(queue)}`,
  };
}

function statusOf(state: JobState | 'unknown'): JobStatus | null {
  switch (state) {
    case 'waiting':
    case 'delayed':
    case 'prioritized':
    case 'waiting-children':
      return 'pending';
    case 'active':
      return 'running';
    case 'completed':
      return 'done';
    case 'failed':
      return 'failed';
    case 'unknown':
      return null;
    default:
      return assertUnreachable(state);
  }
}

/** A BullMQ job as the API sees it; null once BullMQ no longer has it. */
export function toJobInfo(job: NudgeJob, state: JobState | 'unknown', language: Language = 'en'): JobInfo | null {
  const status = statusOf(state);
  if (status === null || job.id === undefined) return null;
  const data = jobData(job);
  const progress = Progress.safeParse(job.progress);
  const createdAt = data?.createdAt ?? job.timestamp;
  const done = status === 'done';
  return {
    id: job.id,
    queue: job.queueName,
    workspaceId: data?.workspaceId ?? null,
    status,
    // As in the SQL engine: a finished run is complete whatever it last reported.
    progress: done ? 1 : progress.success ? progress.data.fraction : 0,
    progressNote: progress.success ? progress.data.note : null,
    // attemptsStarted also counts a try whose worker died; attemptsMade counts only failures.
    attempts: job.attemptsStarted,
    // BullMQ keeps failedReason after a retry succeeds; the contract shows no error on a done job.
    ...failureFields(done ? null : job.failedReason || null, language),
    result: done ? (job.returnvalue ?? null) : null,
    createdAt: toIso(createdAt),
    // BullMQ stamps starts and finishes with the wall clock; in production the engine's clock is the system clock, so they agree.
    updatedAt: toIso(Math.max(createdAt, job.processedOn ?? 0, job.finishedOn ?? 0)),
  };
}
