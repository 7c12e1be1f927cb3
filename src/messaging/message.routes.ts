import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorBody } from '../platform/platform.schema.js';
import { workspaceOf } from '../server/access.js';
import type { DeliveryService } from './delivery.service.js';
import { MessageDetail, MessageList, MessageQuery, MessageView } from './message.schema.js';
import type { MessageService } from './message.service.js';

const Params = z.object({ id: z.string().min(1).max(100) });
const DeadLetterQuery = MessageQuery.pick({ channel: true, limit: true, offset: true });

export function messageRoutes(app: FastifyInstance, deps: { messages: MessageService; delivery: DeliveryService }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const m = deps.messages;

  r.get('/api/v1/messages', {
    config: { access: { role: 'viewer' } },
    schema: { tags: ['messaging'], summary: 'The delivery log, newest first, with filters (status, customer, channel, template, source)', querystring: MessageQuery, response: { 200: MessageList, 404: ErrorBody } },
    handler: async (req) => m.list(workspaceOf(req), req.query),
  });

  r.get('/api/v1/messages/dead-letter', {
    config: { access: { role: 'viewer' } },
    schema: { tags: ['messaging'], summary: 'Messages that failed for good or were interrupted mid-send, for a person to retry', querystring: DeadLetterQuery, response: { 200: MessageList } },
    handler: async (req) => m.deadLetter(workspaceOf(req), req.query),
  });

  r.post('/api/v1/messages/dead-letter/:id/retry', {
    config: { access: { role: 'member' } },
    schema: { tags: ['messaging'], summary: 'Retry a dead-lettered message now (an `unknown` one may then arrive twice)', params: Params, response: { 200: MessageView, 404: ErrorBody, 409: ErrorBody } },
    handler: async (req) => deps.delivery.retry(workspaceOf(req), req.params.id),
  });

  r.get('/api/v1/messages/:id', {
    config: { access: { role: 'viewer' } },
    schema: { tags: ['messaging'], summary: 'One message with its delivery, open, click, bounce and unsubscribe events', params: Params, response: { 200: MessageDetail, 404: ErrorBody } },
    handler: async (req) => m.get(workspaceOf(req), req.params.id),
  });

  r.get('/api/v1/profiles/:id/messages', {
    config: { access: { role: 'viewer' } },
    schema: {
      tags: ['messaging'],
      summary: 'Messages sent (or held back) for one customer',
      params: z.object({ id: z.string().min(1).max(320) }),
      querystring: MessageQuery.omit({ profileId: true }),
      response: { 200: MessageList, 404: ErrorBody },
    },
    handler: async (req) => m.list(workspaceOf(req), { ...req.query, profileId: req.params.id }),
  });
}
