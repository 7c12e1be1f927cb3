import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorBody } from '../platform/platform.schema.js';
import { workspaceOf } from '../server/access.js';
import { BroadcastCreate, BroadcastList, BroadcastView } from './broadcast.schema.js';
import type { BroadcastService } from './broadcast.service.js';

const Params = z.object({ id: z.string().min(1).max(100) });
const errors = { 400: ErrorBody, 404: ErrorBody, 409: ErrorBody };

export function broadcastRoutes(app: FastifyInstance, deps: { broadcasts: BroadcastService }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const b = deps.broadcasts;

  r.get('/api/v1/broadcasts', {
    config: { access: { role: 'viewer' } },
    schema: { tags: ['broadcasts'], summary: 'Broadcasts with their progress counts', response: { 200: BroadcastList } },
    handler: async (req) => ({ items: await b.list(workspaceOf(req)) }),
  });

  r.post('/api/v1/broadcasts', {
    config: { access: { role: 'member' } },
    schema: { tags: ['broadcasts'], summary: 'Create a draft broadcast of a template (or an A/B test) to a segment', body: BroadcastCreate, response: { 201: BroadcastView, ...errors } },
    handler: async (req, reply) => reply.code(201).send(await b.create(workspaceOf(req), req.body, req.auth.actor)),
  });

  r.get('/api/v1/broadcasts/:id', {
    config: { access: { role: 'viewer' } },
    schema: { tags: ['broadcasts'], summary: 'One broadcast with sent / failed / suppressed counts', params: Params, response: { 200: BroadcastView, 404: ErrorBody } },
    handler: async (req) => b.get(workspaceOf(req), req.params.id),
  });

  r.put('/api/v1/broadcasts/:id', {
    config: { access: { role: 'member' } },
    schema: { tags: ['broadcasts'], summary: 'Change a draft broadcast: the same fields as create, all replaced', params: Params, body: BroadcastCreate, response: { 200: BroadcastView, ...errors } },
    handler: async (req) => b.update(workspaceOf(req), req.params.id, req.body, req.auth.actor),
  });

  r.post('/api/v1/broadcasts/:id/send', {
    config: { access: { role: 'member' } },
    schema: { tags: ['broadcasts'], summary: 'Send now, or at scheduledAt when set (throttled, outside quiet hours)', params: Params, response: { 200: BroadcastView, ...errors } },
    handler: async (req) => b.send(workspaceOf(req), req.params.id, req.auth.actor),
  });

  r.post('/api/v1/broadcasts/:id/unschedule', {
    config: { access: { role: 'member' } },
    schema: { tags: ['broadcasts'], summary: 'Take a scheduled broadcast that has not started back to draft', params: Params, response: { 200: BroadcastView, ...errors } },
    handler: async (req) => b.unschedule(workspaceOf(req), req.params.id, req.auth.actor),
  });

  r.post('/api/v1/broadcasts/:id/cancel', {
    config: { access: { role: 'member' } },
    schema: { tags: ['broadcasts'], summary: 'Stop a broadcast; messages already sent stay sent', params: Params, response: { 200: BroadcastView, ...errors } },
    handler: async (req) => b.cancel(workspaceOf(req), req.params.id, req.auth.actor),
  });
}
