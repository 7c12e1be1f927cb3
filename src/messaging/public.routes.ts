import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { UserError } from '../platform/errors.js';
import { requestLanguage, say } from '../platform/language.js';
import { ErrorBody } from '../platform/platform.schema.js';
import { EmailFeedback, FeedbackResult, TwilioStatusCallback } from './feedback.schema.js';
import type { FeedbackService } from './feedback.service.js';
import { oneClickConfirmation, renderPreferencePage } from './preference.page.js';
import type { TrackingService } from './tracking.service.js';
import { PIXEL_GIF } from './tracking.js';
import type { UnsubscribeService } from './unsubscribe.service.js';

type Form = Record<string, string | string[]>;

/** application/x-www-form-urlencoded into fields; a repeated name (checkboxes) becomes a list. */
function parseForm(text: string): Form {
  const out: Form = {};
  for (const [k, v] of new URLSearchParams(text)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
const all = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const asForm = (body: unknown): Form => (typeof body === 'object' && body !== null ? Object.fromEntries(Object.entries(body).filter((e): e is [string, string | string[]] => typeof e[1] === 'string' || Array.isArray(e[1]))) : {});

/** The secret a provider presents: Bearer token, HTTP Basic password (credentials in the callback URL), or ?secret=. */
function presentedSecret(req: FastifyRequest): string | null {
  const header = req.headers.authorization;
  if (header) {
    const [scheme, value] = header.split(' ', 2);
    if (scheme?.toLowerCase() === 'bearer' && value) return value.trim();
    if (scheme?.toLowerCase() === 'basic' && value) {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      return colon >= 0 ? decoded.slice(colon + 1) : decoded;
    }
  }
  // Runs before validation: the query is read as whatever arrived.
  const query: unknown = req.query;
  return typeof query === 'object' && query !== null && 'secret' in query && typeof query.secret === 'string' ? query.secret : null;
}

const errorPage = (status: number, en: string, zh: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Nudge</title></head><body style="font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem"><h1>${status === 400 ? 'Link not valid · 链接无效' : 'Something went wrong · 出错了'}</h1><p>${en}</p><p lang="zh-CN">${zh}</p></body></html>`;

/**
 * Routes customers and providers reach without a Nudge login: click and open tracking, unsubscribe
 * and preferences, provider webhooks. Each authenticates what it needs itself (a signed token, a
 * workspace secret). Registered in their own scope so the form parsers they need (RFC 8058 one-click
 * bodies, HTML forms, Twilio callbacks) apply to these routes only.
 */
export function publicMessagingRoutes(app: FastifyInstance, deps: { tracking: TrackingService; unsubscribe: UnsubscribeService; feedback: FeedbackService; publicUrl: string }): void {
  void app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, parseForm(String(body))));
    // RFC 8058 §3.2 allows multipart/form-data for the one-click POST: read the one field it carries.
    scope.addContentTypeParser('multipart/form-data', { parseAs: 'string' }, (_req, body, done) => {
      const text = String(body);
      done(null, /name="List-Unsubscribe"\s*\r?\n\r?\n\s*One-Click/i.test(text) ? { 'List-Unsubscribe': 'One-Click' } : {});
    });
    const r = scope.withTypeProvider<ZodTypeProvider>();
    // Tokens outgrow find-my-way's 100-character limit for `:param` segments; a wildcard has none.
    const Token = z.object({ '*': z.string().min(1).max(8192) });
    const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store, private').header('referrer-policy', 'no-referrer');

    r.get('/t/c/*', {
      config: { access: 'public' },
      schema: { hide: true, params: Token },
      handler: async (req, reply) => {
        const url = await deps.tracking.click(req.params['*'], { userAgent: req.headers['user-agent'] });
        return noStore(reply).redirect(url, 302);
      },
    });

    r.get('/t/o/*', {
      config: { access: 'public' },
      schema: { hide: true, params: Token },
      handler: async (req, reply) => {
        const file = req.params['*'];
        if (!file.endsWith('.gif')) throw new UserError('TRACKING_INVALID_LINK', say('This link is not valid', '此链接无效'), { status: 400, field: 'token' });
        await deps.tracking.open(file.slice(0, -4), { userAgent: req.headers['user-agent'] });
        return noStore(reply).type('image/gif').send(PIXEL_GIF);
      },
    });

    const page = async (req: FastifyRequest, reply: FastifyReply, work: () => Promise<string>) => {
      noStore(reply).header('x-robots-tag', 'noindex');
      try {
        return reply.type('text/html; charset=utf-8').send(await work());
      } catch (err) {
        if (!(err instanceof UserError)) throw err;
        return reply.code(err.status).type('text/html; charset=utf-8').send(errorPage(err.status, 'This unsubscribe link is not valid. Use the link in the most recent message.', '此退订链接无效，请使用最近一封邮件中的链接。'));
      }
    };

    r.get('/u/*', {
      config: { access: 'public' },
      schema: { hide: true, params: Token, querystring: z.object({ lang: z.enum(['en', 'zh']).optional() }) },
      // GET never changes anything (RFC 8058 §3.1: link scanners fetch URLs); it shows the preference page.
      handler: async (req, reply) =>
        page(req, reply, async () =>
          renderPreferencePage(await deps.unsubscribe.page({ token: req.params['*'], acceptLanguage: req.headers['accept-language'], lang: req.query.lang, action: `/u/${req.params['*']}` })),
        ),
    });

    r.post('/u/*', {
      config: { access: 'public' },
      schema: { hide: true, params: Token },
      handler: async (req, reply) => {
        const form = asForm(req.body);
        if (first(form['List-Unsubscribe']) === 'One-Click') {
          // RFC 8058 one-click: the mail client posts on the customer's behalf; no page, no confirmation step.
          try {
            await deps.unsubscribe.oneClick(req.params['*']);
          } catch (err) {
            if (err instanceof UserError) return reply.code(err.status).type('text/plain; charset=utf-8').send(err.in(requestLanguage(req)));
            throw err;
          }
          return noStore(reply).type('text/plain; charset=utf-8').send(oneClickConfirmation());
        }
        const request = { token: req.params['*'], acceptLanguage: req.headers['accept-language'], lang: first(form.lang), action: `/u/${req.params['*']}` };
        return page(req, reply, async () => renderPreferencePage(await deps.unsubscribe.save(request, { groupIds: all(form.group), all: first(form.all) === '1' })));
      },
    });

    const Workspace = z.object({ workspaceId: z.string().min(1).max(100) });
    const SecretQuery = z.object({ secret: z.string().max(512).optional() });
    const denied = () => new UserError('WEBHOOK_UNAUTHORIZED', say('Send the workspace inbound secret as a Bearer token, Basic password or ?secret=', '请提供工作区的入站密钥：Bearer 令牌、Basic 认证密码或 ?secret= 参数均可'), { status: 401, field: 'authorization' });

    r.post('/api/v1/webhooks/email/:workspaceId', {
      config: { access: 'public' },
      schema: { tags: ['messaging'], summary: 'Email provider notifications: delivered, bounce (hard/soft), complaint (see feedback.schema.ts)', params: Workspace, querystring: SecretQuery, body: EmailFeedback, response: { 200: FeedbackResult, 400: ErrorBody, 401: ErrorBody } },
      // Authenticate before the body is validated, so a stranger learns nothing about the shape.
      preValidation: async (req) => {
        const params = Workspace.safeParse(req.params); // this hook runs before schema validation
        if (!params.success || !(await deps.feedback.authenticate(params.data.workspaceId, { secret: presentedSecret(req) }))) throw denied();
      },
      handler: async (req) => deps.feedback.email(req.params.workspaceId, req.body),
    });

    r.post('/api/v1/webhooks/sms/:workspaceId', {
      config: { access: 'public' },
      schema: { tags: ['messaging'], summary: "SMS delivery reports in Twilio's StatusCallback form", params: Workspace, querystring: SecretQuery, body: TwilioStatusCallback, response: { 200: FeedbackResult, 400: ErrorBody, 401: ErrorBody } },
      preValidation: async (req) => {
        const params = Workspace.safeParse(req.params); // as above
        if (!params.success) throw denied();
        const form = Object.fromEntries(Object.entries(asForm(req.body)).map(([k, v]) => [k, first(v) ?? '']));
        const signature = req.headers['x-twilio-signature'];
        const proof = {
          secret: presentedSecret(req),
          twilioSignature: Array.isArray(signature) ? signature[0] : signature,
          // Twilio signs the URL it called: the public base URL and the path with its query.
          url: `${deps.publicUrl.replace(/\/+$/, '')}${req.url}`,
          form,
        };
        if (!(await deps.feedback.authenticate(params.data.workspaceId, proof))) throw denied();
      },
      handler: async (req) => deps.feedback.sms(req.params.workspaceId, req.body),
    });
  });
}
