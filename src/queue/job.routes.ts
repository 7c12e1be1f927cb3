import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound } from '../platform/errors.js';
import { requestLanguage, say } from '../platform/language.js';
import { ErrorBody } from '../platform/platform.schema.js';
import { workspaceOf } from '../server/access.js';
import { JobInfo, JobList, JobListQuery } from './job.schema.js';
import type { JobQueue } from './queue.js';

const Params = z.object({ id: z.string().min(1).max(100) });

/** Background jobs of the workspace (RFM recomputes, segment builds, …): the dashboard polls them for progress. */
export function jobRoutes(app: FastifyInstance, deps: { queue: JobQueue }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/jobs', {
    config: { access: { role: 'viewer' } },
    schema: { tags: ['jobs'], summary: "The workspace's newest jobs, optionally of one queue", querystring: JobListQuery, response: { 200: JobList, 400: ErrorBody } },
    handler: async (req) => ({ items: await deps.queue.list(workspaceOf(req), { limit: req.query.limit, language: requestLanguage(req), ...(req.query.queue ? { queue: req.query.queue } : {}) }) }),
  });

  r.get('/api/v1/jobs/:id', {
    config: { access: { role: 'viewer' } },
    schema: { tags: ['jobs'], summary: 'One job: status, progress, error and result', params: Params, response: { 200: JobInfo, 404: ErrorBody } },
    handler: async (req) => {
      const job = await deps.queue.get(req.params.id, requestLanguage(req));
      // Another workspace's job (or a system job) does not exist for this caller.
      if (!job || job.workspaceId !== workspaceOf(req)) throw notFound(say('Job', '任务'), 'id');
      return job;
    },
  });
}
