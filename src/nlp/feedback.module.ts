import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/database.js';
import type { DialectHelpers } from '../db/dialect.js';
import type { EventStore } from '../events/event.store.js';
import type { IngestService } from '../ingest/ingest.service.js';
import type { Clock } from '../platform/clock.js';
import { UserError } from '../platform/errors.js';
import { say } from '../platform/language.js';
import type { ComputedTraitService } from '../profiles/computed-trait.service.js';
import type { ProfileService } from '../profiles/profile.service.js';
import type { JobQueue } from '../queue/queue.js';
import type { NlpModelProvider } from './enrich.js';
import { feedbackRoutes } from './feedback.routes.js';
import { EnrichJobPayload } from './feedback.schema.js';
import { BACKFILL_QUEUE, createFeedbackService, ENRICH_QUEUE, TRAITS_QUEUE, type FeedbackService } from './feedback.service.js';
import { recomputeFeedbackTraits } from './feedback.traits.js';

const DAY = 86_400_000;
const DAILY_QUEUE = 'nlp.traits.daily';
const TraitsPayload = z.object({ workspaceId: z.string().min(1) });
const BackfillPayload = z.object({ workspaceId: z.string().min(1), days: z.number().int().min(1).max(3650) });

export interface Feedback {
  service: FeedbackService;
  /** Recompute a workspace's feedback traits now (the job handler and tests). */
  recomputeTraits(workspaceId: string): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * Language understanding of customer texts, wired: committed events → `nlp.enrich` jobs (batches,
 * off the ingest path) → stored results → `nlp.traits` (profile traits), and a daily recompute so
 * 90-day windows move on as time passes.
 */
export function createFeedback(deps: {
  db: Kysely<Database>;
  dialect: DialectHelpers;
  clock: Clock;
  queue: JobQueue;
  eventStore: EventStore;
  ingest: IngestService;
  computedTraits: ComputedTraitService;
  profiles: ProfileService;
  models: NlpModelProvider;
  workspaceIds: () => Promise<string[]>;
  onError: (err: unknown) => void;
}): Feedback {
  const { db, clock, queue } = deps;
  const service = createFeedbackService({ db, dialect: deps.dialect, clock, queue, eventStore: deps.eventStore, models: deps.models });
  const liveProfiles = async (ws: string, ids: readonly string[]) => new Map([...(await deps.profiles.contacts(ws, ids))].map(([asked, p]) => [asked, p.id]));
  const recomputeTraits = (ws: string) => recomputeFeedbackTraits({ db, clock, traits: deps.computedTraits, liveProfiles }, ws);

  queue.register<unknown>(
    ENRICH_QUEUE,
    async (payload) => {
      const parsed = EnrichJobPayload.safeParse(payload);
      if (!parsed.success) throw new UserError('FEEDBACK_INVALID_JOB', say('An nlp.enrich job needs { workspaceId, items }', 'nlp.enrich 任务需要 { workspaceId, items }'), { field: 'payload' });
      return service.enrich(parsed.data);
    },
    { concurrency: 1, maxAttempts: 5 },
  );
  queue.register<unknown>(
    TRAITS_QUEUE,
    async (payload) => {
      const parsed = TraitsPayload.safeParse(payload);
      if (!parsed.success) throw new UserError('FEEDBACK_INVALID_JOB', say('An nlp.traits job needs { workspaceId }', 'nlp.traits 任务需要 { workspaceId }'), { field: 'payload.workspaceId' });
      return { changed: (await recomputeTraits(parsed.data.workspaceId)).length };
    },
    { concurrency: 1, maxAttempts: 3 },
  );
  queue.register<unknown>(
    BACKFILL_QUEUE,
    async (payload, ctx) => {
      const parsed = BackfillPayload.safeParse(payload);
      if (!parsed.success) throw new UserError('FEEDBACK_INVALID_JOB', say('An nlp.backfill job needs { workspaceId, days }', 'nlp.backfill 任务需要 { workspaceId, days }'), { field: 'payload' });
      return service.backfill(parsed.data.workspaceId, parsed.data.days, (note) => ctx.progress(0.5, note));
    },
    { concurrency: 1, maxAttempts: 3 },
  );
  queue.register(DAILY_QUEUE, async () => {
    const ids = await deps.workspaceIds();
    for (const workspaceId of ids) await queue.enqueue(TRAITS_QUEUE, { workspaceId }, { workspaceId, dedupeKey: `${TRAITS_QUEUE}:${workspaceId}` });
    return { workspaces: ids.length };
  });
  queue.every(DAILY_QUEUE, DAY, {}, { dedupeKey: DAILY_QUEUE, firstDelayMs: 10 * 60_000 });

  const inFlight = new Set<Promise<void>>();
  deps.ingest.onCommitted((batch) => {
    const p = service
      .ingested(batch)
      .catch(deps.onError)
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  });

  return {
    service,
    recomputeTraits,
    async close() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

/** Every feedback route. */
export function feedbackModuleRoutes(app: FastifyInstance, f: Feedback): void {
  feedbackRoutes(app, { feedback: f.service });
}
