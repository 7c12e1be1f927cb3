import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { workspaceOf } from '../server/access.js';
import { ErrorBody } from '../platform/platform.schema.js';
import { CatalogItem } from './catalog.schema.js';
import { CatalogList, CatalogListQuery, StoredCatalogItem, type CatalogService } from './catalog.service.js';

export function catalogRoutes(app: FastifyInstance, deps: { catalog: CatalogService }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/catalog', {
    config: { access: { role: 'viewer' } },
    schema: { tags: ['catalog'], summary: 'List and search catalog items', querystring: CatalogListQuery, response: { 200: CatalogList } },
    handler: async (req) => deps.catalog.list(workspaceOf(req), req.query),
  });

  r.get('/api/v1/catalog/categories', {
    config: { access: { role: 'viewer' } },
    schema: { tags: ['catalog'], summary: 'Top-level categories with item counts', response: { 200: z.object({ items: z.array(z.object({ category: z.string(), count: z.number().int() })) }) } },
    handler: async (req) => ({ items: await deps.catalog.categories(workspaceOf(req)) }),
  });

  r.get('/api/v1/catalog/:id', {
    config: { access: { role: 'viewer' } },
    schema: { tags: ['catalog'], summary: 'One catalog item', params: z.object({ id: z.string() }), response: { 200: StoredCatalogItem, 404: ErrorBody } },
    handler: async (req) => deps.catalog.get(workspaceOf(req), req.params.id),
  });

  r.put('/api/v1/catalog', {
    config: { access: { role: 'member' } },
    schema: {
      tags: ['catalog'],
      summary: 'Insert or replace catalog items by id',
      body: z.object({ items: z.array(CatalogItem).min(1).max(1000) }),
      response: { 200: z.object({ upserted: z.number().int() }), 400: ErrorBody },
    },
    handler: async (req) => ({ upserted: await deps.catalog.upsert(null, workspaceOf(req), req.body.items) }),
  });
}
