import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Clock } from '../platform/clock.js';
import { UserError } from '../platform/errors.js';
import { say } from '../platform/language.js';
import { ErrorBody } from '../platform/platform.schema.js';
import { workspaceOf } from '../server/access.js';
import { ChatMessage, Conversation, MessageText } from './assistant.schema.js';
import type { AssistantService } from './assistant.service.js';
import { createRateLimiter } from './rate-limit.js';
import { WIDGET_JS } from './widget.script.js';
import { zodText } from '../platform/zod-text.js';

export const VisitorId = z.string().regex(/^[A-Za-z0-9_-]{8,100}$/, zodText(say('a visitor id is 8–100 letters, digits, "_" or "-"', '访客 ID 须为 8–100 个字母、数字、“_”或“-”')));
const SendBody = z.object({
  visitorId: VisitorId,
  text: MessageText,
  userId: z.string().min(1).max(320).nullish(),
  userHash: z.string().max(200).nullish(),
  language: z.enum(['zh', 'en']).optional(),
});
const PollQuery = z.object({ visitorId: VisitorId, after: z.coerce.number().int().min(0).default(0) });
const IdentifyBody = z.object({ visitorId: VisitorId, userId: z.string().min(1).max(320), userHash: z.string().max(200).nullish(), traits: z.record(z.string(), z.unknown()).default({}) });
const Exchange = z.object({ conversation: Conversation.nullable(), messages: z.array(ChatMessage) });
const errors = { 400: ErrorBody, 401: ErrorBody, 429: ErrorBody };

export interface WidgetLimits {
  /** Messages a visitor may send per minute (default 20). */
  messagesPerMinute?: number;
  /** Messages one IP address may send per minute across visitor ids (default 120). */
  messagesPerIpPerMinute?: number;
  /** Polls a visitor may make per minute (default 120: one every half second). */
  pollsPerMinute?: number;
}

/**
 * The chat widget's routes: the script itself (public) and its API, authenticated by the
 * workspace's public write key (`Authorization: Bearer wk_…`), callable from any origin (CORS:
 * no cookies are involved, so `*` is safe). A visitor only ever reaches its own conversation, by
 * its random anonymous id, inside the key's workspace.
 */
export function widgetRoutes(app: FastifyInstance, deps: { assistant: AssistantService; clock: Clock; limits?: WidgetLimits }): void {
  const perVisitor = createRateLimiter(deps.clock, deps.limits?.messagesPerMinute ?? 20, 60_000);
  const perIp = createRateLimiter(deps.clock, deps.limits?.messagesPerIpPerMinute ?? 120, 60_000);
  const polls = createRateLimiter(deps.clock, deps.limits?.pollsPerMinute ?? 120, 60_000);

  void app.register(async (scope) => {
    // onSend runs for error replies too (a bad key, a 429), so the browser can read every answer.
    scope.addHook('onSend', async (_req, reply, payload) => {
      reply.header('access-control-allow-origin', '*');
      reply.header('access-control-allow-headers', 'authorization, content-type');
      reply.header('access-control-allow-methods', 'GET, POST, OPTIONS');
      reply.header('access-control-max-age', '600');
      reply.header('x-content-type-options', 'nosniff');
      return payload;
    });
    const r = scope.withTypeProvider<ZodTypeProvider>();

    r.get('/widget.js', {
      config: { access: 'public' },
      schema: { tags: ['assistant'], summary: 'The embeddable chat widget script' },
      handler: async (_req, reply) => reply.type('application/javascript; charset=utf-8').header('cache-control', 'public, max-age=300').send(WIDGET_JS),
    });

    r.options('/widget/v1/*', {
      config: { access: 'public' },
      schema: { hide: true },
      handler: async (_req, reply) => reply.code(204).send(),
    });

    r.post('/widget/v1/messages', {
      config: { access: 'write' },
      bodyLimit: 256 * 1024,
      schema: { tags: ['assistant'], summary: 'A visitor sends a chat message; the bot answers while it holds the conversation', body: SendBody, response: { 200: Exchange, ...errors } },
      handler: async (req) => {
        const ws = workspaceOf(req);
        perIp.hit(`${ws}:${req.ip}`, 'WIDGET_RATE_LIMITED', say('messages from this address', '该地址发送消息'));
        perVisitor.hit(`${ws}:${req.body.visitorId}`, 'WIDGET_RATE_LIMITED', say('messages', '发送消息'));
        return deps.assistant.customerMessage(ws, { visitorId: req.body.visitorId, text: req.body.text, userId: req.body.userId ?? null, userHash: req.body.userHash ?? null, language: req.body.language });
      },
    });

    r.get('/widget/v1/conversation', {
      config: { access: 'write' },
      schema: { tags: ['assistant'], summary: "The visitor's latest conversation: messages after `after` (polling)", querystring: PollQuery, response: { 200: Exchange, ...errors } },
      handler: async (req) => {
        const ws = workspaceOf(req);
        polls.hit(`${ws}:${req.query.visitorId}`, 'WIDGET_RATE_LIMITED', say('polls', '轮询'));
        return deps.assistant.visitorConversation(ws, req.query.visitorId, req.query.after);
      },
    });

    r.post('/widget/v1/identify', {
      config: { access: 'write' },
      bodyLimit: 32 * 1024,
      schema: { tags: ['assistant'], summary: "Link the visitor's anonymous id to a known customer (merges into the profile)", body: IdentifyBody, response: { 200: z.object({ success: z.literal(true), verified: z.boolean() }), ...errors } },
      handler: async (req) => {
        const ws = workspaceOf(req);
        perVisitor.hit(`${ws}:${req.body.visitorId}`, 'WIDGET_RATE_LIMITED', say('messages', '发送消息'));
        if (JSON.stringify(req.body.traits).length > 16_000) throw new UserError('WIDGET_TRAITS_TOO_LARGE', say('Traits may be at most 16,000 characters of JSON', '客户属性（JSON）最多 16,000 个字符'), { field: 'traits' });
        const { verified } = await deps.assistant.identify(ws, req.body.visitorId, req.body.userId, req.body.traits, req.body.userHash);
        return { success: true as const, verified };
      },
    });
  });
}
