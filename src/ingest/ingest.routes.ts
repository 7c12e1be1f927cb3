import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { workspaceOf } from '../server/access.js';
import type { BodyLimitMessage } from '../server/errors.js';
import { jsonPath, UserError } from '../platform/errors.js';
import { say } from '../platform/language.js';
import { ErrorBody } from '../platform/platform.schema.js';
import type { IngestService } from './ingest.service.js';
import { BatchRequest, EVENT_TYPES, MAX_BATCH_BYTES, MAX_EVENT_BYTES } from './ingest.schema.js';

const Ack = z.object({ success: z.literal(true), accepted: z.number().int().describe('Events accepted (committed); identity resolution follows within moments') });
const responses = { 200: Ack, 400: ErrorBody, 401: ErrorBody, 413: ErrorBody };

/** Body-limit messages for the ingest routes, registered with the error handler. */
export const INGEST_LIMITS: Record<string, BodyLimitMessage> = {
  '/v1/batch': { code: 'BATCH_TOO_LARGE', message: say(`A batch may be at most 500 KB (${MAX_BATCH_BYTES} bytes)`, `单个批次不能超过 500 KB（${MAX_BATCH_BYTES} 字节）`) },
  ...Object.fromEntries(
    EVENT_TYPES.map((t) => [`/v1/${t}`, { code: 'EVENT_TOO_LARGE', message: say(`An event may be at most 32 KB (${MAX_EVENT_BYTES} bytes)`, `单个事件不能超过 32 KB（${MAX_EVENT_BYTES} 字节）`) }]),
  ),
};

/** The Segment HTTP tracking API (https://segment.com/docs/connections/sources/catalog/libraries/server/http-api/). */
export function ingestRoutes(app: FastifyInstance, deps: { ingest: IngestService }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  // Bodies are validated by the ingest service (one error names the event and field at fault).
  const Body = z.record(z.string(), z.unknown());

  for (const type of EVENT_TYPES) {
    r.post(`/v1/${type}`, {
      config: { access: 'write' },
      bodyLimit: MAX_EVENT_BYTES + 1024,
      schema: { tags: ['ingest'], summary: `Segment ${type} call`, body: Body, response: responses },
      handler: async (req) => {
        const result = await deps.ingest.ingest(workspaceOf(req), [req.body], { forcedType: type, pathPrefix: '' });
        return { success: true as const, ...result };
      },
    });
  }

  r.post('/v1/batch', {
    config: { access: 'write' },
    bodyLimit: MAX_BATCH_BYTES,
    schema: { tags: ['ingest'], summary: 'Segment batch call: up to 500 KB of events', body: Body, response: responses },
    handler: async (req) => {
      const parsed = BatchRequest.safeParse(req.body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const at = jsonPath(issue?.path ?? []);
        throw new UserError('BATCH_INVALID', say(`${at}: ${issue?.message ?? 'invalid'}`, `${at}: ${issue?.message ?? '无效'}`), { field: at || 'batch' });
      }
      const { batch, sentAt, context } = parsed.data;
      const result = await deps.ingest.ingest(workspaceOf(req), batch, { batchSentAt: sentAt, batchContext: context, pathPrefix: 'batch' });
      return { success: true as const, ...result };
    },
  });
}
