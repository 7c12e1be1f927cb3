import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorBody } from '../platform/platform.schema.js';
import { workspaceOf } from '../server/access.js';
import { ChannelSettingsView, SettingsKind, type ChannelSettingsService } from './channel-settings.service.js';

/**
 * Channel settings hold credentials, so changing them needs the admin role; reading them (masked)
 * is open to members who set up templates and need to know what is configured.
 */
export function channelSettingsRoutes(app: FastifyInstance, deps: { settings: ChannelSettingsService }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const s = deps.settings;
  const KindParams = z.object({ kind: SettingsKind });

  r.get('/api/v1/channel-settings', {
    config: { access: { role: 'member' } },
    schema: { tags: ['messaging'], summary: 'Email (SMTP), SMS, webhook signing and inbound provider-webhook settings, secrets masked', response: { 200: z.object({ items: z.array(ChannelSettingsView) }) } },
    handler: async (req) => ({ items: await s.list(workspaceOf(req)) }),
  });

  r.put('/api/v1/channel-settings/:kind', {
    config: { access: { role: 'admin' } },
    schema: {
      tags: ['messaging'],
      summary: 'Replace one kind of settings; a secret left out, or sent back masked, keeps its stored value',
      params: KindParams,
      body: z.record(z.string(), z.unknown()),
      response: { 200: ChannelSettingsView, 400: ErrorBody },
    },
    handler: async (req) => s.put(workspaceOf(req), req.params.kind, req.body, req.auth.actor),
  });

  r.delete('/api/v1/channel-settings/:kind', {
    config: { access: { role: 'admin' } },
    schema: { tags: ['messaging'], summary: 'Remove one kind of settings (sends on that channel then fail until it is set again)', params: KindParams, response: { 204: z.null(), 404: ErrorBody } },
    handler: async (req, reply) => {
      await s.remove(workspaceOf(req), req.params.kind, req.auth.actor);
      return reply.code(204).send(null);
    },
  });

  r.post('/api/v1/channel-settings/:kind/secret', {
    config: { access: { role: 'admin' } },
    schema: {
      tags: ['messaging'],
      summary: 'Generate a new webhook signing secret or inbound (provider webhook) secret; shown only in this answer',
      params: z.object({ kind: z.enum(['webhook', 'inbound']) }),
      response: { 200: z.object({ secret: z.string() }) },
    },
    handler: async (req) => ({ secret: await s.rotateSecret(workspaceOf(req), req.params.kind, req.auth.actor) }),
  });
}
