import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { OperationalError, UserError } from '../platform/errors.js';
import { requestLanguage, say, type Bilingual, type Language } from '../platform/language.js';
import type { ErrorBody } from '../platform/platform.schema.js';
import { zodIssueZh } from '../platform/zod-text.js';

const body = (code: string, message: string, field: string | null = null, details?: unknown): ErrorBody => ({
  error: { code, message, field, ...(details === undefined ? {} : { details }) },
});

/** Map Fastify's own error codes to stable Nudge codes. */
const FASTIFY_CODES: Record<string, { status: number; code: string; message: Bilingual }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'PAYLOAD_TOO_LARGE', message: say('Request body too large', '请求体过大') },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: say('Unsupported Content-Type', '不支持的 Content-Type') },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'MALFORMED_JSON', message: say('Body is empty but Content-Type is application/json', '请求体为空，但 Content-Type 为 application/json') },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'MALFORMED_JSON', message: say('Body is not valid JSON', '请求体不是有效的 JSON') },
};

/** One error format for every route: `{ error: { code, message, field } }`; never a stack trace. */
export interface BodyLimitMessage {
  code: string;
  message: Bilingual;
}

/** zod's `received X` names, as values of that type: the issues fastify-type-provider-zod hands over carry no input, and zod's Chinese names its type. */
const SAMPLES: Record<string, unknown> = { string: '', number: 0, nan: Number.NaN, boolean: false, bigint: 0n, undefined: undefined, null: null, array: [], object: {}, date: new Date(0), function: () => undefined };

interface ValidationItem {
  keyword: string;
  instancePath: string;
  message?: string;
  params: Record<string, unknown>;
}

/**
 * A request-validation issue's message in `language`: zod's English, or its Chinese (zod-text.ts)
 * from the issue as fastify-type-provider-zod keeps it (every field but path, code and message).
 */
export function validationMessage(v: ValidationItem, language: Language): string {
  const english = v.message ?? 'invalid';
  if (language === 'en') return english;
  const received = /received (\w+)$/.exec(english)?.[1];
  const issue = { ...v.params, code: v.keyword, message: english, path: [], ...(received !== undefined && received in SAMPLES ? { input: SAMPLES[received] } : {}) };
  return zodIssueZh(issue as Parameters<typeof zodIssueZh>[0]); // rebuilt from zod's own issue fields
}

const isBilingual = (x: object): x is Bilingual => Object.keys(x).length === 2 && typeof (x as { en?: unknown }).en === 'string' && typeof (x as { zh?: unknown }).zh === 'string';

/** `details` as the caller reads them: every Bilingual inside (an issue's message) in `language`. */
export function inLanguage(details: unknown, language: Language): unknown {
  if (Array.isArray(details)) return details.map((d) => inLanguage(d, language));
  if (typeof details !== 'object' || details === null) return details;
  if (isBilingual(details)) return details[language];
  return Object.fromEntries(Object.entries(details).map(([k, v]) => [k, inLanguage(v, language)]));
}

/**
 * @param limits per route URL: the code and message for a body over that route's bodyLimit
 *   (Segment's own limits: 32 KB an event, 500 KB a batch).
 */
export function registerErrorHandling(app: FastifyInstance, limits: Record<string, BodyLimitMessage> = {}): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const language = requestLanguage(req);
    if (err instanceof UserError) return reply.code(err.status).send(body(err.code, err.in(language), err.field, inLanguage(err.details, language)));
    if (hasZodFastifySchemaValidationErrors(err)) {
      const first = err.validation[0];
      const where = err.validationContext ?? 'body';
      const path = first?.instancePath?.replace(/^\//, '').replace(/\//g, '.') ?? '';
      const field = path ? `${where}.${path}` : where;
      const text = (v: (typeof err.validation)[number]) => validationMessage(v as ValidationItem, language);
      return reply.code(400).send(body('VALIDATION_FAILED', `${field}: ${first ? text(first) : 'invalid'}`, field, err.validation.map((v) => ({ path: v.instancePath, message: text(v) }))));
    }
    const mapped = err.code ? FASTIFY_CODES[err.code] : undefined;
    if (mapped) {
      const limit = mapped.status === 413 ? limits[req.routeOptions.url ?? ''] : undefined;
      return reply.code(mapped.status).send(limit ? body(limit.code, limit.message[language]) : body(mapped.code, mapped.message[language]));
    }
    if (err instanceof OperationalError) {
      req.log.warn({ err }, 'operational error');
      return reply.code(503).header('retry-after', '1').send(body(err.code, err.in(language)));
    }
    if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.code(err.statusCode).send(body(err.code ?? 'BAD_REQUEST', err.message));
    }
    req.log.error({ err }, 'unexpected error');
    return reply.code(500).send(body('INTERNAL', say('Something went wrong on our side; it has been logged', '服务器内部出错，已记录日志')[language]));
  });
  app.setNotFoundHandler((req, reply) => {
    const route = `${req.method} ${req.url.split('?')[0]}`;
    return reply.code(404).send(body('NOT_FOUND', say(`No route ${route}`, `没有这个路由：${route}`)[requestLanguage(req)]));
  });
}
