import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { workspaceOf } from '../server/access.js';
import { Overview, OverviewQuery } from './overview.schema.js';
import type { OverviewService } from './overview.service.js';

export function overviewRoutes(app: FastifyInstance, deps: { overview: OverviewService }): void {
  app.withTypeProvider<ZodTypeProvider>().get('/api/v1/overview', {
    config: { access: { role: 'viewer' } },
    schema: { tags: ['analytics'], summary: 'Workspace totals and daily events, active customers and revenue', querystring: OverviewQuery, response: { 200: Overview } },
    handler: async (req) => deps.overview.overview(workspaceOf(req), req.query.days),
  });
}
