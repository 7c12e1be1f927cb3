import fs from 'node:fs';
import os from 'node:os';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { UserError } from '../platform/errors.js';
import { say } from '../platform/language.js';
import { ErrorBody } from '../platform/platform.schema.js';
import { workspaceOf } from '../server/access.js';
import { ImportCreateQuery, ImportJob } from './import.schema.js';
import type { ImportService } from './import.service.js';
import { receiveToFile } from './import.spool.js';

/** Media types the upload accepts; both arrive as the raw stream (see the content-type parser in server/app.ts). */
const CSV_TYPES = new Set(['text/csv', 'application/octet-stream']);

const Params = z.object({ id: z.string().min(1).max(100) });

/**
 * CSV imports. The upload is received whole into a temporary file before the answer (so a
 * browser never sees a response while it is still sending, and a dropped connection imports
 * nothing), then imported in the background; the dashboard polls the job for progress.
 * A file whose header is wrong is refused at once with 400 and the missing column as `field`.
 */
export function importRoutes(app: FastifyInstance, deps: { imports: ImportService; tmpDir?: string }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tmpDir = deps.tmpDir ?? os.tmpdir();

  r.post('/api/v1/imports', {
    config: { access: { role: 'member' } },
    // Checked before the body is read: anything but CSV is refused without receiving it.
    onRequest: async (req) => {
      const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      if (!CSV_TYPES.has(type)) {
        throw new UserError('UNSUPPORTED_MEDIA_TYPE', say('Send the CSV file as the request body with Content-Type: text/csv', '请将 CSV 文件作为请求体发送，并设置 Content-Type: text/csv'), { status: 415, field: 'content-type' });
      }
    },
    schema: {
      tags: ['imports'],
      summary: 'Import a CSV of profiles, orders or catalog items (body: the file, Content-Type: text/csv)',
      querystring: ImportCreateQuery,
      response: { 202: ImportJob, 400: ErrorBody, 403: ErrorBody, 415: ErrorBody },
    },
    handler: async (req, reply) => {
      const workspaceId = workspaceOf(req);
      const body: unknown = req.body;
      if (!(body instanceof Readable)) throw new UserError('IMPORT_FILE_EMPTY', say('Send the CSV file as the request body', '请将 CSV 文件作为请求体发送'), { field: 'body' });
      const upload = await receiveToFile(body, tmpDir).catch((err: unknown) => {
        throw new UserError('IMPORT_UPLOAD_INCOMPLETE', say(`The upload did not complete (${err instanceof Error ? err.message : String(err)}); nothing was imported`, `上传未完成（${err instanceof Error ? err.message : String(err)}），未导入任何数据`), { field: 'body' });
      });
      const input = fs.createReadStream(upload.file);
      // The import destroys its input when done, whatever the outcome; the temporary file goes with it.
      input.once('close', () => void fs.promises.rm(upload.file, { force: true }));
      const job = await deps.imports.start(
        workspaceId,
        { kind: req.query.kind, mode: req.query.mode, fileName: req.query.fileName ?? null, totalBytes: upload.bytes },
        input,
        req.auth.actor,
      );
      if (job.status === 'failed' && job.failure) {
        // Known before any row was read (wrong header, empty file, not UTF-8): a plain 4xx; the failed job stays in the history.
        // The job stores its failure in English only ({ code, message }), so the Chinese carries it as the detail.
        const first = job.errors[0];
        throw new UserError(job.failure.code, say(job.failure.message, `文件未能导入：${job.failure.message}`), { status: 400, field: first?.field ?? null, details: { jobId: job.id } });
      }
      return reply.code(202).send(job);
    },
  });

  r.get('/api/v1/imports', {
    config: { access: { role: 'viewer' } },
    schema: { tags: ['imports'], summary: 'The newest 50 imports', response: { 200: z.object({ items: z.array(ImportJob) }) } },
    handler: async (req) => ({ items: await deps.imports.list(workspaceOf(req)) }),
  });

  r.get('/api/v1/imports/:id', {
    config: { access: { role: 'viewer' } },
    schema: { tags: ['imports'], summary: 'One import: progress, counts and the row error report', params: Params, response: { 200: ImportJob, 404: ErrorBody } },
    handler: async (req) => deps.imports.get(workspaceOf(req), req.params.id),
  });
}
