import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SESSION_COOKIE, workspaceOf } from '../server/access.js';
import { SESSION_TTL_MS, type AuthService } from './auth.service.js';
import { ApiKeyInfo, ErrorBody, LoginRequest, Me, WorkspaceUpdate, WorkspaceView } from './platform.schema.js';
import type { Workspace, WorkspaceService } from './workspace.service.js';

const view = (ws: Workspace): WorkspaceView => ({ id: ws.id, name: ws.name, slug: ws.slug, isDemo: ws.isDemo, currency: ws.currency, timezone: ws.timezone, defaultSendHour: ws.defaultSendHour, sandbox: ws.sandbox });

/** Dashboard log-in, the current user, workspace info and API keys. */
export function platformRoutes(app: FastifyInstance, deps: { auth: AuthService; workspaces: WorkspaceService }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/api/auth/login', {
    config: { access: 'public' },
    schema: { tags: ['auth'], summary: 'Log in to the dashboard (sets an httpOnly session cookie)', body: LoginRequest, response: { 200: Me, 401: ErrorBody } },
    handler: async (req, reply) => {
      const { token, user } = await deps.auth.login(req.body.email, req.body.password);
      reply.setCookie(SESSION_COOKIE, token, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: req.protocol === 'https',
        maxAge: Math.floor(SESSION_TTL_MS / 1000),
      });
      return deps.auth.me(user.id);
    },
  });

  r.post('/api/auth/logout', {
    config: { access: 'public' },
    schema: { tags: ['auth'], summary: 'Log out', response: { 204: z.null() } },
    handler: async (req, reply) => {
      const token = req.cookies[SESSION_COOKIE];
      if (token) await deps.auth.logout(token);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  });

  r.get('/api/auth/me', {
    config: { access: 'user' },
    schema: { tags: ['auth'], summary: 'The logged-in user and their workspaces', response: { 200: Me, 401: ErrorBody } },
    handler: async (req) => deps.auth.me(req.auth.userId ?? ''),
  });

  r.get('/api/v1/workspace', {
    config: { access: { role: 'viewer' } },
    schema: { tags: ['workspace'], summary: 'The addressed workspace', response: { 200: WorkspaceView } },
    handler: async (req) => view(await deps.workspaces.get(workspaceOf(req))),
  });

  r.patch('/api/v1/workspace', {
    config: { access: { role: 'admin' } },
    schema: { tags: ['workspace'], summary: "Rename the workspace, set its time zone (customers without a timezone trait are in it) or its default send hour, or turn sandbox delivery on or off (messages recorded as sent, no provider called)", body: WorkspaceUpdate, response: { 200: WorkspaceView, 400: ErrorBody, 403: ErrorBody } },
    handler: async (req) => view(await deps.workspaces.update(workspaceOf(req), req.body, req.auth.actor)),
  });

  r.get('/api/v1/keys', {
    config: { access: { role: 'member' } },
    schema: { tags: ['workspace'], summary: 'API keys (secret keys masked)', response: { 200: z.object({ items: z.array(ApiKeyInfo) }) } },
    handler: async (req) => ({ items: await deps.workspaces.listKeys(workspaceOf(req)) }),
  });

  r.post('/api/v1/keys/:id/reveal', {
    config: { access: { role: 'admin' } },
    schema: { tags: ['workspace'], summary: 'Reveal a secret key (audited)', params: z.object({ id: z.string() }), response: { 200: z.object({ key: z.string() }), 403: ErrorBody, 404: ErrorBody } },
    handler: async (req) => ({ key: await deps.workspaces.revealKey(workspaceOf(req), req.params.id, req.auth.actor) }),
  });
}
