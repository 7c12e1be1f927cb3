import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { OperationalError, UserError } from '../platform/errors.js';
import type { ErrorBody } from '../platform/platform.schema.js';

const body = (code: string, message: string, field: string | null = null, details?: unknown): ErrorBody => ({
  error: { code, message, field, ...(details === undefined ? {} : { details }) },
});

/** Map Fastify's own error codes to stable Nudge codes. */
const FASTIFY_CODES: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'Request body too large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Unsupported Content-Type' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'MALFORMED_JSON', message: 'Body is empty but Content-Type is application/json' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'MALFORMED_JSON', message: 'Body is not valid JSON' },
};

/** One error format for every route: `{ error: { code, message, field } }`; never a stack trace. */
export interface BodyLimitMessage {
  code: string;
  message: string;
}

/**
 * @param limits per route URL: the code and message for a body over that route's bodyLimit
 *   (Segment's own limits: 32 KB an event, 500 KB a batch).
 */
export function registerErrorHandling(app: FastifyInstance, limits: Record<string, BodyLimitMessage> = {}): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof UserError) return reply.code(err.status).send(body(err.code, err.message, err.field, err.details));
    if (hasZodFastifySchemaValidationErrors(err)) {
      const first = err.validation[0];
      const where = err.validationContext ?? 'body';
      const path = first?.instancePath?.replace(/^\//, '').replace(/\//g, '.') ?? '';
      const field = path ? `${where}.${path}` : where;
      return reply.code(400).send(body('VALIDATION_FAILED', `${field}: ${first?.message ?? 'invalid'}`, field, err.validation.map((v) => ({ path: v.instancePath, message: v.message }))));
    }
    const mapped = err.code ? FASTIFY_CODES[err.code] : undefined;
    if (mapped) {
      const limit = mapped.status === 413 ? limits[req.routeOptions.url ?? ''] : undefined;
      return reply.code(mapped.status).send(limit ? body(limit.code, limit.message) : body(mapped.code, mapped.message));
    }
    if (err instanceof OperationalError) {
      req.log.warn({ err }, 'operational error');
      return reply.code(503).header('retry-after', '1').send(body(err.code, err.message));
    }
    if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.code(err.statusCode).send(body(err.code ?? 'BAD_REQUEST', err.message));
    }
    req.log.error({ err }, 'unexpected error');
    return reply.code(500).send(body('INTERNAL', 'Something went wrong on our side; it has been logged'));
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send(body('NOT_FOUND', `No route ${req.method} ${req.url.split('?')[0]}`)));
}
