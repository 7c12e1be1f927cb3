import fs from 'node:fs';
import path from 'node:path';
import { isUtf8 } from 'node:buffer';
import { createGunzip, createInflate } from 'node:zlib';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { overviewRoutes } from '../analytics/overview.routes.js';
import { catalogRoutes } from '../catalog/catalog.routes.js';
import { importRoutes } from '../imports/import.routes.js';
import { ingestRoutes, INGEST_LIMITS } from '../ingest/ingest.routes.js';
import { UserError } from '../platform/errors.js';
import { say } from '../platform/language.js';
import { platformRoutes } from '../platform/platform.routes.js';
import { profileRoutes } from '../profiles/profile.routes.js';
import { jobRoutes } from '../queue/job.routes.js';
import { rfmRoutes } from '../segments/rfm.routes.js';
import { segmentRoutes } from '../segments/segment.routes.js';
import { messagingRoutes } from '../messaging/messaging.module.js';
import { journeysRoutes } from '../journeys/journey.module.js';
import { recommendationsRoutes } from '../recommend/recommend.module.js';
import { feedbackModuleRoutes } from '../nlp/feedback.module.js';
import { assistantModuleRoutes } from '../assistant/assistant.module.js';
import { registerAccessControl } from './access.js';
import { registerErrorHandling } from './errors.js';
import type { Nudge } from './nudge.js';

export interface AppOptions {
  /** Folder of the built dashboard (web/dist); not served when absent. */
  webDir?: string | null;
  logger?: boolean | { level: string };
  /** Extra route modules (later issues, tests). */
  plugins?: ((app: FastifyInstance) => void)[];
}

/** The HTTP app: every module's routes over the services in `nudge`. */
export async function buildApp(nudge: Nudge, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    trustProxy: true,
    bodyLimit: 1024 * 1024,
    // Plugins load while background jobs (a first training run, live segment updates after the demo
    // seed) share the event loop; on a busy two-core machine the 10 s default has been too short.
    pluginTimeout: 120_000,
    ajv: { customOptions: { coerceTypes: false } },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app, INGEST_LIMITS);

  // Segment SDKs may compress bodies; the body limits then apply to the inflated bytes.
  app.addHook('preParsing', async (req, _reply, payload) => {
    const enc = req.headers['content-encoding'];
    if (enc === 'gzip') return payload.pipe(createGunzip());
    if (enc === 'deflate') return payload.pipe(createInflate());
    return payload;
  });
  // JSON with a check that the bytes are UTF-8: Node would otherwise replace bad bytes silently.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => {
    const buf = body as Buffer;
    if (buf.length === 0) return done(new UserError('MALFORMED_JSON', say('The body is empty', '请求体为空'), { field: 'body' }));
    if (!isUtf8(buf)) return done(new UserError('INVALID_UTF8', say('The body is not valid UTF-8', '请求体不是有效的 UTF-8'), { field: 'body' }));
    try {
      done(null, JSON.parse(buf.toString('utf8')));
    } catch (err) {
      done(new UserError('MALFORMED_JSON', say(`The body is not valid JSON: ${(err as Error).message}`, `请求体不是有效的 JSON：${(err as Error).message}`), { field: 'body' }));
    }
  });
  // CSV uploads are streamed to the importer, never buffered whole.
  app.addContentTypeParser(['text/csv', 'application/octet-stream'], (_req, payload, done) => done(null, payload));

  await app.register(cookie);
  registerAccessControl(app, { auth: nudge.auth, workspaces: nudge.workspaces });

  await app.register(swagger, {
    openapi: {
      info: { title: 'Nudge API', version: '0.1.0', description: 'Segment-compatible ingestion (/v1) and the admin API (/api/v1, secret key as Bearer).' },
      components: {
        securitySchemes: {
          writeKey: { type: 'http', scheme: 'basic', description: 'Workspace write key as the user name' },
          secretKey: { type: 'http', scheme: 'bearer', description: 'Workspace secret key' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.get('/healthz', { config: { access: 'public' }, schema: { hide: true } }, async () => ({ ok: true }));
  ingestRoutes(app, { ingest: nudge.ingest });
  platformRoutes(app, { auth: nudge.auth, workspaces: nudge.workspaces });
  profileRoutes(app, { profiles: nudge.profiles });
  catalogRoutes(app, { catalog: nudge.catalog });
  importRoutes(app, { imports: nudge.imports });
  overviewRoutes(app, { overview: nudge.overview });
  jobRoutes(app, { queue: nudge.queue });
  rfmRoutes(app, { rfm: nudge.rfm });
  segmentRoutes(app, { segments: nudge.segments.service });
  messagingRoutes(app, nudge.messaging);
  journeysRoutes(app, nudge.journeys);
  recommendationsRoutes(app, nudge.recommendations);
  feedbackModuleRoutes(app, nudge.feedback);
  assistantModuleRoutes(app, nudge.assistant);
  for (const plugin of options.plugins ?? []) plugin(app);

  const webDir = options.webDir;
  if (webDir && fs.existsSync(path.join(webDir, 'index.html'))) {
    // serve: false — files are sent by the catch-all below, so every route still declares its access.
    await app.register(fastifyStatic, { root: webDir, serve: false });
    const indexHtml = fs.readFileSync(path.join(webDir, 'index.html'), 'utf8');
    // The dashboard is a single-page app: any other GET that is not an API path gets index.html.
    app.get('/*', { config: { access: 'public' }, schema: { hide: true } }, async (req, reply) => {
      const url = req.url.split('?')[0] ?? '';
      if (url.startsWith('/api/') || url.startsWith('/v1/')) throw new UserError('NOT_FOUND', say(`No route GET ${url}`, `没有这个路由：GET ${url}`), { status: 404 });
      const file = path.join(webDir, path.normalize(url).replace(/^(\.\.[/\\])+/, ''));
      if (url !== '/' && file.startsWith(webDir) && fs.existsSync(file) && fs.statSync(file).isFile()) return reply.sendFile(path.relative(webDir, file));
      return reply.type('text/html').send(indexHtml);
    });
  }
  await app.ready();
  return app;
}
