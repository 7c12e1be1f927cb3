import type { FastifyInstance, FastifyRequest } from 'fastify';
import { roleAtLeast, type AuthService } from '../platform/auth.service.js';
import { UserError } from '../platform/errors.js';
import { say } from '../platform/language.js';
import type { Role } from '../platform/platform.schema.js';
import type { WorkspaceService } from '../platform/workspace.service.js';

/** Roles as the dashboard names them in Chinese (zh.ts workspace.roles). */
const ROLE_ZH: Record<Role, string> = { admin: '管理员', member: '成员', viewer: '只读' };

/**
 * Who may call a route. Every route declares one in `config.access`; a route without one is
 * refused at start-up (fail closed).
 * - `public`: anyone (login, health, docs).
 * - `write`: a workspace's public write key (ingest only).
 * - `user`: a logged-in dashboard user, no workspace needed.
 * - `{ role }`: a workspace member with at least this role (session + X-Nudge-Workspace header),
 *   or the workspace's secret key (acts as admin).
 */
export type Access = 'public' | 'write' | 'user' | { role: Role };

export interface AuthContext {
  kind: 'write' | 'secret' | 'session' | 'public';
  workspaceId: string | null;
  userId: string | null;
  role: Role | null;
  /** For the audit log: `user:<id>` or `key:<id>`. */
  actor: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    auth: AuthContext;
  }
}

export const SESSION_COOKIE = 'nudge_session';
export const WORKSPACE_HEADER = 'x-nudge-workspace';

const PUBLIC: AuthContext = { kind: 'public', workspaceId: null, userId: null, role: null, actor: 'anonymous' };

/** The key presented as HTTP Basic user name (Segment SDKs) or as a Bearer token. */
export function presentedKey(req: FastifyRequest): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  const [scheme, value] = header.split(' ', 2);
  if (!value) return null;
  if (scheme?.toLowerCase() === 'bearer') return value.trim();
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const user = decoded.split(':', 1)[0];
    return user || null;
  }
  return null;
}

/** The workspace a request addresses, as required by a route: from the authenticated context. */
export function workspaceOf(req: FastifyRequest): string {
  const id = req.auth.workspaceId;
  if (!id) throw new UserError('AUTH_WORKSPACE_REQUIRED', say('This route needs a workspace', '此接口需要指定工作区'), { status: 400, field: WORKSPACE_HEADER });
  return id;
}

export function registerAccessControl(app: FastifyInstance, deps: { auth: AuthService; workspaces: WorkspaceService }): void {
  const contexts = new WeakMap<FastifyRequest, AuthContext>();
  app.decorateRequest('auth', {
    getter(this: FastifyRequest) {
      return contexts.get(this) ?? PUBLIC;
    },
    setter(this: FastifyRequest, value: AuthContext) {
      contexts.set(this, value);
    },
  });

  app.addHook('onRoute', (route) => {
    // Routes added by the OpenAPI plugins serve the public API description.
    if (route.url.startsWith('/docs')) {
      route.config = { ...(route.config ?? {}), access: 'public' } as typeof route.config;
      return;
    }
    const access = (route.config as { access?: Access } | undefined)?.access;
    if (!access) throw new Error(`Route ${route.method} ${route.url} does not declare who may call it (config.access)`);
  });

  app.addHook('onRequest', async (req) => {
    const access = req.routeOptions.config.access;
    if (!access) {
      // Unknown route (404 handler) or a route without a declaration: nothing is exposed.
      setAuth(req, PUBLIC);
      return;
    }
    if (access === 'public') {
      setAuth(req, PUBLIC);
      return;
    }
    if (access === 'write') {
      const key = presentedKey(req);
      if (!key) throw new UserError('AUTH_WRITE_KEY_REQUIRED', say('Send the workspace write key as the HTTP Basic user name or a Bearer token', '请以 HTTP Basic 用户名或 Bearer 令牌的方式提供工作区的写入密钥'), { status: 401, field: 'authorization' });
      const resolved = await deps.workspaces.resolveKey(key);
      if (!resolved || resolved.kind !== 'write') throw new UserError('AUTH_INVALID_KEY', say('Unknown or revoked write key', '写入密钥无效或已撤销'), { status: 401, field: 'authorization' });
      setAuth(req, { kind: 'write', workspaceId: resolved.workspaceId, userId: null, role: null, actor: `key:${resolved.keyId}` });
      return;
    }
    // Secret key: admin of its workspace.
    const key = presentedKey(req);
    if (key && !key.startsWith('wk_') && access !== 'user') {
      const resolved = await deps.workspaces.resolveKey(key);
      if (!resolved || resolved.kind !== 'secret') throw new UserError('AUTH_INVALID_KEY', say('Unknown or revoked secret key', '私密密钥无效或已撤销'), { status: 401, field: 'authorization' });
      setAuth(req, { kind: 'secret', workspaceId: resolved.workspaceId, userId: null, role: 'admin', actor: `key:${resolved.keyId}` });
      return;
    }
    if (key?.startsWith('wk_')) throw new UserError('AUTH_FORBIDDEN', say('A write key can only send events; use a secret key for the admin API', '写入密钥只能用于发送事件；调用管理 API 请使用私密密钥'), { status: 403, field: 'authorization' });
    const token = req.cookies[SESSION_COOKIE];
    const user = token ? await deps.auth.userForSession(token) : null;
    if (!user) throw new UserError('AUTH_REQUIRED', say('Log in, or send a secret key as a Bearer token', '请先登录，或以 Bearer 令牌的方式提供私密密钥'), { status: 401 });
    if (access === 'user') {
      setAuth(req, { kind: 'session', workspaceId: null, userId: user.id, role: null, actor: `user:${user.id}` });
      return;
    }
    const header = req.headers[WORKSPACE_HEADER];
    const workspaceId = Array.isArray(header) ? header[0] : header;
    if (!workspaceId) throw new UserError('AUTH_WORKSPACE_REQUIRED', say(`Send the workspace id in the ${WORKSPACE_HEADER} header`, `请在 ${WORKSPACE_HEADER} 请求头中提供工作区 ID`), { status: 400, field: WORKSPACE_HEADER });
    const role = await deps.auth.roleIn(user.id, workspaceId);
    // Not a member: answer as if the workspace did not exist, so ids cannot be probed.
    if (!role) throw new UserError('NOT_FOUND', say('Workspace not found', '未找到工作区'), { status: 404, field: WORKSPACE_HEADER });
    if (!roleAtLeast(role, access.role)) throw new UserError('AUTH_FORBIDDEN', say(`This needs the ${access.role} role`, `此操作需要「${ROLE_ZH[access.role]}」或更高的角色`), { status: 403 });
    setAuth(req, { kind: 'session', workspaceId, userId: user.id, role, actor: `user:${user.id}` });
  });
}

function setAuth(req: FastifyRequest, ctx: AuthContext): void {
  req.auth = ctx;
}
