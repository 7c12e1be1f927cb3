import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ErrorBody } from '../platform/platform.schema.js';
import { workspaceOf } from '../server/access.js';
import { RfmRecomputeResponse, RfmReport } from './rfm.schema.js';
import type { RfmService } from './rfm.service.js';

export function rfmRoutes(app: FastifyInstance, deps: { rfm: RfmService }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/rfm', {
    config: { access: { role: 'viewer' } },
    schema: { tags: ['rfm'], summary: 'RFM: the 5×5 recency × frequency grid and the eleven customer groups', response: { 200: RfmReport } },
    handler: async (req) => deps.rfm.report(workspaceOf(req)),
  });

  r.post('/api/v1/rfm/recompute', {
    config: { access: { role: 'member' } },
    schema: {
      tags: ['rfm'],
      summary: 'Recompute RFM scores in the background; poll GET /api/v1/jobs/:jobId for progress',
      response: { 202: RfmRecomputeResponse, 403: ErrorBody },
    },
    handler: async (req, reply) => reply.code(202).send({ jobId: await deps.rfm.recompute(workspaceOf(req)) }),
  });
}
