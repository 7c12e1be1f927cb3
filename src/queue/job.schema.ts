import { z } from 'zod';

export const JobStatus = z.enum(['pending', 'running', 'done', 'failed']);
export type JobStatus = z.infer<typeof JobStatus>;

/** One job as the API and the dashboard see it (polled for progress). */
export const JobInfo = z.object({
  id: z.string(),
  queue: z.string(),
  workspaceId: z.string().nullable(),
  status: JobStatus,
  /** 0..1, written by the handler while it runs (throttled). */
  progress: z.number().min(0).max(1),
  progressNote: z.string().nullable(),
  /** Tries started so far, including the running one. */
  attempts: z.number().int(),
  /** The last failure's message, in the caller's language (Accept-Language): kept while a retry waits, and on a failed job. */
  error: z.string().nullable(),
  /** The last failure's stable code (e.g. `RFM_NO_WORKSPACE`); null for an unexpected error, or no failure. */
  errorCode: z.string().nullable(),
  /** What the handler returned (JSON), once done. */
  result: z.unknown(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type JobInfo = z.infer<typeof JobInfo>;

export const JobListQuery = z.object({
  queue: z.string().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type JobListQuery = z.infer<typeof JobListQuery>;

export const JobList = z.object({ items: z.array(JobInfo) });
export type JobList = z.infer<typeof JobList>;
