import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorBody } from '../platform/platform.schema.js';
import { workspaceOf } from '../server/access.js';
import {
  Segment,
  SegmentCreate,
  SegmentFieldCatalog,
  SegmentHistory,
  SegmentList,
  SegmentMemberList,
  SegmentMembersQuery,
  SegmentOverlap,
  SegmentPreview,
  SegmentPreviewRequest,
  SegmentUpdate,
} from './segment.schema.js';
import type { SegmentService } from './segment.service.js';

const Params = z.object({ id: z.string().min(1).max(100) });
const errors = { 400: ErrorBody, 404: ErrorBody };

export function segmentRoutes(app: FastifyInstance, deps: { segments: SegmentService }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const s = deps.segments;

  r.get('/api/v1/segments', {
    config: { access: { role: 'viewer' } },
    schema: { tags: ['segments'], summary: 'Segments with their live member counts', response: { 200: SegmentList } },
    handler: async (req) => ({ items: await s.list(workspaceOf(req)) }),
  });

  r.post('/api/v1/segments', {
    config: { access: { role: 'member' } },
    schema: { tags: ['segments'], summary: 'Create a segment (membership is computed in the background)', body: SegmentCreate, response: { 201: Segment, ...errors } },
    handler: async (req, reply) => reply.code(201).send(await s.create(workspaceOf(req), req.body, req.auth.actor)),
  });

  r.post('/api/v1/segments/preview', {
    config: { access: { role: 'viewer' } },
    schema: { tags: ['segments'], summary: "A draft definition's member count and a sample, without saving", body: SegmentPreviewRequest, response: { 200: SegmentPreview, 400: ErrorBody } },
    handler: async (req) => s.preview(workspaceOf(req), req.body.definition, req.body.sample),
  });

  r.get('/api/v1/segments/fields', {
    config: { access: { role: 'viewer' } },
    schema: { tags: ['segments'], summary: 'Traits, events, computed traits, segments and subscription groups the rule builder offers', response: { 200: SegmentFieldCatalog } },
    handler: async (req) => s.fields(workspaceOf(req)),
  });

  r.get('/api/v1/segments/overlap', {
    config: { access: { role: 'viewer' } },
    schema: { tags: ['segments'], summary: 'Members two segments share', querystring: z.object({ a: z.string().min(1), b: z.string().min(1) }), response: { 200: SegmentOverlap, ...errors } },
    handler: async (req) => s.overlap(workspaceOf(req), req.query.a, req.query.b),
  });

  r.get('/api/v1/segments/:id', {
    config: { access: { role: 'viewer' } },
    schema: { tags: ['segments'], summary: 'One segment with its definition and compute status', params: Params, response: { 200: Segment, 404: ErrorBody } },
    handler: async (req) => s.get(workspaceOf(req), req.params.id),
  });

  r.put('/api/v1/segments/:id', {
    config: { access: { role: 'member' } },
    schema: { tags: ['segments'], summary: 'Edit a segment; a new definition is recomputed in the background while the old membership stays readable', params: Params, body: SegmentUpdate, response: { 200: Segment, ...errors } },
    handler: async (req) => s.update(workspaceOf(req), req.params.id, req.body, req.auth.actor),
  });

  r.delete('/api/v1/segments/:id', {
    config: { access: { role: 'member' } },
    schema: { tags: ['segments'], summary: 'Archive a segment (refused while another segment refers to it)', params: Params, response: { 204: z.null(), 404: ErrorBody, 409: ErrorBody } },
    handler: async (req, reply) => {
      await s.remove(workspaceOf(req), req.params.id, req.auth.actor);
      return reply.code(204).send(null);
    },
  });

  r.get('/api/v1/segments/:id/members', {
    config: { access: { role: 'viewer' } },
    schema: { tags: ['segments'], summary: 'Members, paged and searchable', params: Params, querystring: SegmentMembersQuery, response: { 200: SegmentMemberList, ...errors } },
    handler: async (req) => s.members(workspaceOf(req), req.params.id, req.query),
  });

  r.get('/api/v1/segments/:id/members.csv', {
    config: { access: { role: 'viewer' } },
    schema: { tags: ['segments'], summary: 'Members as CSV (streamed)', params: Params, produces: ['text/csv'] },
    handler: async (req, reply) => {
      const ws = workspaceOf(req);
      const segment = await s.get(ws, req.params.id);
      const safeName = segment.name.replace(/[^\p{L}\p{N}_-]+/gu, '_').slice(0, 60) || 'segment';
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="segment-${segment.id}.csv"; filename*=UTF-8''${encodeURIComponent(safeName)}.csv`)
        .send(Readable.from(s.exportCsv(ws, segment.id)));
    },
  });

  r.get('/api/v1/segments/:id/history', {
    config: { access: { role: 'viewer' } },
    schema: { tags: ['segments'], summary: 'Size over time and daily entries/exits', params: Params, querystring: z.object({ days: z.coerce.number().int().min(1).max(730).default(90) }), response: { 200: SegmentHistory, 404: ErrorBody } },
    handler: async (req) => s.history(workspaceOf(req), req.params.id, req.query.days),
  });

  r.get('/api/v1/profiles/:id/segments', {
    config: { access: { role: 'viewer' } },
    schema: {
      tags: ['segments'],
      summary: 'Segments a profile is in',
      params: z.object({ id: z.string().min(1).max(320) }),
      response: { 200: z.object({ items: z.array(z.object({ id: z.string(), name: z.string(), enteredAt: z.iso.datetime() })) }), 404: ErrorBody },
    },
    handler: async (req) => ({ items: await s.ofProfile(workspaceOf(req), req.params.id) }),
  });
}
