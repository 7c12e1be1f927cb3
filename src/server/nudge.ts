import path from 'node:path';
import { createOverviewService, type OverviewService } from '../analytics/overview.service.js';
import { createCatalogService, type CatalogService } from '../catalog/catalog.service.js';
import type { Config } from '../config/config.js';
import { openDatabase, type DatabaseHandle } from '../db/connection.js';
import { createHeavyReader } from '../db/sqlite-reader.js';
import { createSqlEventStore, type EventStore } from '../events/event.store.js';
import { createImportService, type ImportService } from '../imports/import.service.js';
import { createIngestService, type IngestService } from '../ingest/ingest.service.js';
import { createAuthService, type AuthService } from '../platform/auth.service.js';
import { systemClock, type Clock } from '../platform/clock.js';
import { loadInstanceKey } from '../platform/instance-key.js';
import { createWorkspaceService, type WorkspaceService } from '../platform/workspace.service.js';
import { createComputedTraitService, type ComputedTraitService } from '../profiles/computed-trait.service.js';
import { createProfileService, type ProfileService } from '../profiles/profile.service.js';
import { createBullmqQueue } from '../queue/bullmq.queue.js';
import type { JobQueue } from '../queue/queue.js';
import { createSqlQueue } from '../queue/sql.queue.js';
import { createRfmService, type RfmService } from '../segments/rfm.service.js';
import { createSegments, type Segments } from '../segments/segment.module.js';
import { createMessaging, type Messaging, type MessagingOptions } from '../messaging/messaging.module.js';
import { createJourneys, type Journeys } from '../journeys/journey.module.js';
import { createRecommendations, type Recommendations } from '../recommend/recommend.module.js';
import type { NlpModelProvider } from '../nlp/enrich.js';
import { createFeedback, type Feedback } from '../nlp/feedback.module.js';
import { defaultModelProvider } from '../nlp/feedback.models.js';
import { createWorkspaceModels } from '../nlp/workspace-models.js';
import { createAssistant, type Assistant, type AssistantOptions } from '../assistant/assistant.module.js';

/** Every service, built once: the composition root (STYLE §1, §3). */
export interface Nudge {
  config: Config;
  database: DatabaseHandle;
  clock: Clock;
  eventStore: EventStore;
  workspaces: WorkspaceService;
  auth: AuthService;
  ingest: IngestService;
  profiles: ProfileService;
  catalog: CatalogService;
  imports: ImportService;
  overview: OverviewService;
  /** Background jobs; `nudge start` and `nudge worker` start it, close() stops it. */
  queue: JobQueue;
  computedTraits: ComputedTraitService;
  rfm: RfmService;
  /** Segment definitions, live membership (through the queue) and the time sweep. */
  segments: Segments;
  /** Templates, consent, channel settings, delivery (`messaging.delivery.send`), tracking. */
  messaging: Messaging;
  /** Journeys (durable engine on the queue) and broadcasts. */
  journeys: Journeys;
  /** Recommendations: training jobs, versions, in-memory serving, online metrics. */
  recommendations: Recommendations;
  /** Language understanding of customer texts: enrichment jobs, feedback traits, the Feedback page's queries. */
  feedback: Feedback;
  /** The customer-service assistant: knowledge base, dialogue and hand-off, inbox, chat widget. */
  assistant: Assistant;
  close(): Promise<void>;
}

export interface NudgeOptions {
  clock?: Clock;
  /** Override the instance key (tests). */
  instanceKey?: Buffer;
  /** Delivery retry/timeout settings and channel overrides (tests). */
  messaging?: MessagingOptions;
  /** Models for text enrichment (tests pass small trained ones; default: the shipped models). */
  nlpModels?: NlpModelProvider;
  /** Assistant sentiment provider, thresholds and widget rate limits (tests). */
  assistant?: AssistantOptions;
}

export async function createNudge(config: Config, options: NudgeOptions = {}): Promise<Nudge> {
  const clock = options.clock ?? systemClock;
  const database = await openDatabase({
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : { sqlitePath: path.join(config.dataDir, 'nudge.db') }),
  });
  const { db, dialect } = database;
  const instanceKey = options.instanceKey ?? loadInstanceKey(config.secretKey, config.dataDir);
  const eventStore = createSqlEventStore(dialect);
  const workspaces = createWorkspaceService({ db, clock, instanceKey });
  const auth = createAuthService({ db, clock });
  // The scaled shape shares work through BullMQ on Redis; the embedded one keeps jobs in the database.
  const bullmq = config.queueUrl ? createBullmqQueue({ connectionUrl: config.queueUrl, clock }) : null;
  const queue: JobQueue = bullmq ?? createSqlQueue({ db, dialect, clock });
  const computedTraits = createComputedTraitService({ db, dialect, clock, onError: (err) => console.error('[computed traits] listener failed:', err) });
  const profiles = createProfileService({ db, dialect, eventStore, clock, computedTraits });
  const rfm = createRfmService({ profiles, traits: computedTraits, queue, clock, workspaceIds: async () => (await workspaces.list()).map((w) => w.id) });
  const catalog = createCatalogService({ db, dialect, clock });
  const ingest = createIngestService({ db, dialect, eventStore, clock });
  const imports = createImportService({
    db,
    profiles,
    catalog,
    clock,
    defaultCurrency: async (ws) => (await workspaces.get(ws)).currency,
    // New orders change RFM scores: rescore once the import is done (deduplicated while one waits).
    onFinished: (ws, job) => {
      if (job.kind === 'orders' && job.rowsImported > 0) rfm.recompute(ws).catch((err: unknown) => console.error('[rfm] recompute after import not enqueued:', err));
    },
  });
  const heavyReader = createHeavyReader(db);
  const segments = createSegments({
    db,
    read: heavyReader.read,
    dialect,
    clock,
    eventStore,
    profiles,
    computedTraits,
    ingest,
    queue,
    sweepEveryMs: config.segmentSweepSeconds * 1000,
    onError: (err) => console.error('[segments] live update not enqueued:', err),
  });
  const recommendations = createRecommendations({
    db,
    clock,
    queue,
    catalog,
    eventStore,
    ingest,
    workspaceIds: async () => (await workspaces.list()).map((w) => w.id),
    onError: (err) => console.error('[recommendations]', err),
  });
  const messaging = createMessaging({
    db,
    dialect,
    clock,
    queue,
    profiles,
    workspaces,
    ingest,
    instanceKey,
    publicUrl: config.publicUrl ?? `http://localhost:${config.port}`,
    ...(options.messaging ? { options: options.messaging } : {}),
    recommendations: (ws) => recommendations.service.templateProvider(ws),
    onError: (err) => console.error('[messaging]', err),
  });
  const feedback = createFeedback({
    db,
    dialect,
    clock,
    queue,
    eventStore,
    ingest,
    computedTraits,
    profiles,
    models: options.nlpModels ?? defaultModelProvider((err) => console.error('[feedback] model not loaded:', err), createWorkspaceModels(config.dataDir, (err) => console.error('[feedback] workspace model not loaded:', err))),
    workspaceIds: async () => (await workspaces.list()).map((w) => w.id),
    onError: (err) => console.error('[feedback]', err),
  });
  const assistant = createAssistant({
    db,
    clock,
    instanceKey,
    profiles,
    ingest,
    recommend: async (ws, customer, n) =>
      (await recommendations.service.recommend(ws, customer, { n }, { surface: 'inbox', log: false })).items.map((i) => ({ productId: i.productId, name: i.name, names: i.names, price: i.price, currency: i.currency, reason: i.reason.text })),
    ...(options.assistant ? { options: options.assistant } : {}),
    onError: (err) => console.error('[assistant]', err),
  });
  const journeys = createJourneys({ db, dialect, clock, queue, profiles, ingest, segments, messaging, workspaceTimezone: (ws) => workspaces.timezone(ws), workspaceSending: (ws) => workspaces.sendDefaults(ws), onError: (err) => console.error('[journeys]', err) });
  const overview = createOverviewService({
    db,
    dialect,
    eventStore,
    clock,
    counts: {
      profiles: (ws) => profiles.count(ws),
      products: (ws) => catalog.count(ws),
      currency: async (ws) => (await workspaces.get(ws)).currency,
    },
  });
  return {
    config,
    database,
    clock,
    eventStore,
    workspaces,
    auth,
    ingest,
    profiles,
    catalog,
    imports,
    overview,
    queue,
    computedTraits,
    rfm,
    segments,
    messaging,
    journeys,
    recommendations,
    feedback,
    assistant,
    close: async () => {
      await ingest.stop();
      await recommendations.close();
      await feedback.close();
      await segments.live.stop();
      await queue.stop();
      // Outbox rows carried out by the last batches are deleted after a short linger.
      await journeys.idle();
      await messaging.close();
      await bullmq?.close();
      await heavyReader.close();
      await imports.close();
      await database.close();
    },
  };
}
