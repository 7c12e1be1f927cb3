import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorBody } from '../platform/platform.schema.js';
import { workspaceOf } from '../server/access.js';
import type { DeliveryService } from './delivery.service.js';
import { MessageView } from './message.schema.js';
import { RenderedPreview, Template, TemplateList, TemplateListQuery, TemplatePreviewRequest, TemplateUpdate, TestSendRequest } from './template.api.schema.js';
import { TemplateInput } from './template.schema.js';
import type { TemplateService } from './template.service.js';

const Params = z.object({ id: z.string().min(1).max(100) });
const errors = { 400: ErrorBody, 404: ErrorBody };

export function templateRoutes(app: FastifyInstance, deps: { templates: TemplateService; delivery: DeliveryService }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const t = deps.templates;

  r.get('/api/v1/templates', {
    config: { access: { role: 'viewer' } },
    schema: { tags: ['messaging'], summary: 'Message templates (without bodies)', querystring: TemplateListQuery, response: { 200: TemplateList } },
    handler: async (req) => ({ items: await t.list(workspaceOf(req), req.query) }),
  });

  r.post('/api/v1/templates', {
    config: { access: { role: 'member' } },
    schema: { tags: ['messaging'], summary: 'Create a template (validated: Liquid, variables, sample renders)', body: TemplateInput, response: { 201: Template, ...errors } },
    handler: async (req, reply) => reply.code(201).send(await t.create(workspaceOf(req), req.body, req.auth.actor)),
  });

  r.post('/api/v1/templates/preview', {
    config: { access: { role: 'viewer' } },
    schema: { tags: ['messaging'], summary: 'Render a draft for a chosen customer (or sample data), optionally with a triggering event', body: TemplatePreviewRequest, response: { 200: RenderedPreview, ...errors } },
    handler: async (req) => t.preview(workspaceOf(req), req.body),
  });

  r.get('/api/v1/templates/:id', {
    config: { access: { role: 'viewer' } },
    schema: { tags: ['messaging'], summary: 'One template with its body', params: Params, response: { 200: Template, 404: ErrorBody } },
    handler: async (req) => t.get(workspaceOf(req), req.params.id),
  });

  r.put('/api/v1/templates/:id', {
    config: { access: { role: 'member' } },
    schema: { tags: ['messaging'], summary: 'Replace a template (a new version; pass `version` to refuse overwriting a newer save)', params: Params, body: TemplateUpdate, response: { 200: Template, ...errors, 409: ErrorBody } },
    handler: async (req) => t.update(workspaceOf(req), req.params.id, req.body, req.auth.actor),
  });

  r.delete('/api/v1/templates/:id', {
    config: { access: { role: 'member' } },
    schema: { tags: ['messaging'], summary: 'Archive a template (sent messages keep their record)', params: Params, response: { 204: z.null(), 404: ErrorBody } },
    handler: async (req, reply) => {
      await t.remove(workspaceOf(req), req.params.id, req.auth.actor);
      return reply.code(204).send(null);
    },
  });

  r.post('/api/v1/templates/:id/test', {
    config: { access: { role: 'member' } },
    schema: {
      tags: ['messaging'],
      summary: 'Send the saved template once to an address (rendered as a chosen customer or sample data); suppressed addresses are refused',
      params: Params,
      body: TestSendRequest,
      response: { 200: MessageView, ...errors },
    },
    handler: async (req) => deps.delivery.sendTest(workspaceOf(req), req.params.id, req.body),
  });
}
