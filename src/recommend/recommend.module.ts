import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { CatalogService } from '../catalog/catalog.service.js';
import type { Database } from '../db/database.js';
import type { EventStore } from '../events/event.store.js';
import type { IngestService } from '../ingest/ingest.service.js';
import type { Clock } from '../platform/clock.js';
import { UserError } from '../platform/errors.js';
import { say } from '../platform/language.js';
import type { JobQueue } from '../queue/queue.js';
import { listRuns } from './recommend.repository.js';
import { recommendRoutes } from './recommend.routes.js';
import { TrainJobPayload, type TrainableAlgorithm, type TrainResult } from './recommend.schema.js';
import { catalogSnapshot, createRecommendService, TRAIN_QUEUE, TRAIN_SCHEDULE_QUEUE, type RecommendService } from './recommend.service.js';
import { trainWorkspace } from './recommend.trainer.js';

const HOUR_MS = 3_600_000;

export interface Recommendations {
  service: RecommendService;
  /** Train a workspace now, in this process (the job handler and the demo call this). */
  trainNow(workspaceId: string, options?: { algorithms?: TrainableAlgorithm[]; onProgress?: (fraction: number, note: string) => Promise<void> }): Promise<TrainResult>;
  close(): Promise<void>;
}

/** The recommendations module, wired: serving, training as queue jobs (on demand and scheduled), attribution from ingest. */
export function createRecommendations(deps: {
  db: Kysely<Database>;
  clock: Clock;
  queue: JobQueue;
  catalog: CatalogService;
  eventStore: EventStore;
  ingest: IngestService;
  workspaceIds: () => Promise<string[]>;
  onError: (err: unknown) => void;
}): Recommendations {
  const { db, clock, queue } = deps;
  const service = createRecommendService({ db, clock, queue, catalog: deps.catalog, eventStore: deps.eventStore, onError: deps.onError });
  const trainerDeps = { db, clock, eventStore: deps.eventStore, catalog: async (ws: string) => (await catalogSnapshot(deps.catalog, ws)).entries };

  async function trainNow(workspaceId: string, onProgress?: (fraction: number, note: string) => Promise<void>, jobId: string | null = null, algorithms?: TrainJobPayload['algorithms']): Promise<TrainResult> {
    const settings = await service.settings(workspaceId);
    const result = await trainWorkspace(trainerDeps, workspaceId, settings.training, { algorithms, jobId, ...(onProgress ? { onProgress } : {}) });
    service.invalidate(workspaceId);
    return result;
  }

  queue.register<unknown>(
    TRAIN_QUEUE,
    async (payload, ctx) => {
      const parsed = TrainJobPayload.safeParse(payload);
      if (!parsed.success) throw new UserError('RECOMMEND_INVALID_JOB', say('A recommend.train job needs { workspaceId }', 'recommend.train 任务需要 { workspaceId }'), { field: 'payload.workspaceId' });
      const { workspaceId, algorithms } = parsed.data;
      if (!(await deps.workspaceIds()).includes(workspaceId)) throw new UserError('NOT_FOUND', say(`Workspace ${workspaceId} not found`, `未找到工作区 ${workspaceId}`), { status: 404, field: 'workspaceId' });
      return trainNow(workspaceId, (f, note) => ctx.progress(f, note), ctx.jobId, algorithms);
    },
    { concurrency: 1, maxAttempts: 2, backoffMs: 60_000 },
  );
  // Hourly: each workspace whose schedule is due (its everyHours since the last run) gets a run.
  queue.register(TRAIN_SCHEDULE_QUEUE, async () => {
    let enqueued = 0;
    for (const id of await deps.workspaceIds()) {
      const { training } = await service.settings(id);
      if (training.everyHours === 0) continue;
      const [last] = await listRuns(db, id, 1);
      if (last && clock.now() - Number(last.created_at) < training.everyHours * HOUR_MS) continue;
      await service.train(id);
      enqueued++;
    }
    return { enqueued };
  });
  queue.every(TRAIN_SCHEDULE_QUEUE, HOUR_MS, {}, { dedupeKey: TRAIN_SCHEDULE_QUEUE, firstDelayMs: 5 * 60_000 });

  const inFlight = new Set<Promise<void>>();
  deps.ingest.onCommitted((batch) => {
    const p = service.ingested(batch).catch(deps.onError).finally(() => inFlight.delete(p));
    inFlight.add(p);
  });

  return {
    service,
    trainNow: (ws, options = {}) => trainNow(ws, options.onProgress, null, options.algorithms),
    async close() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      await service.close();
    },
  };
}

/** Every recommendation route. */
export function recommendationsRoutes(app: FastifyInstance, r: Recommendations): void {
  recommendRoutes(app, { recommend: r.service });
}
