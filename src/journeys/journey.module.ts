import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { DialectHelpers } from '../db/dialect.js';
import { createTableStats } from '../db/table-stats.js';
import type { IngestService } from '../ingest/ingest.service.js';
import type { Messaging } from '../messaging/messaging.module.js';
import type { Clock } from '../platform/clock.js';
import { UserError } from '../platform/errors.js';
import type { ProfileService } from '../profiles/profile.service.js';
import type { JobQueue } from '../queue/queue.js';
import type { SegmentDefinition } from '../segments/segment.schema.js';
import type { Segments } from '../segments/segment.module.js';
import { createProfileEventRecorder } from '../messaging/profile-events.js';
import { broadcastRoutes } from './broadcast.routes.js';
import { createBroadcastService, type BroadcastService } from './broadcast.service.js';
import { createEffectRunner } from './journey.effects.js';
import { createJourneyEngine, RELEASE_QUEUE, type JourneyEngine, type JourneyLifecycleChange } from './journey.engine.js';
import { journeyRoutes } from './journey.routes.js';
import { createJourneyService, type JourneyService } from './journey.service.js';
import { createTriggers, type Triggers } from './journey.triggers.js';
import { pushTo } from '../platform/collections.js';

export interface Journeys {
  service: JourneyService;
  engine: JourneyEngine;
  triggers: Triggers;
  broadcasts: BroadcastService;
  /** Resolves once the trigger listeners started so far have enqueued their jobs (tests, shutdown). */
  idle(): Promise<void>;
}

/** The journeys module, wired: service, durable engine on the queue, triggers from ingest and segments, broadcasts. */
export function createJourneys(deps: {
  db: Kysely<Database>;
  dialect: DialectHelpers;
  clock: Clock;
  queue: JobQueue;
  profiles: ProfileService;
  ingest: IngestService;
  segments: Segments;
  messaging: Messaging;
  onError: (err: unknown) => void;
  /** The workspace's time zone (Settings), for customers without a timezone trait; default UTC. */
  workspaceTimezone?(workspaceId: string): Promise<string>;
  /** The zone and the default send hour (Settings) journeys read times of day in; default UTC, 10:00. */
  workspaceSending?(workspaceId: string): Promise<{ timezone: string; defaultSendHour: number }>;
  /** Replace fetch for webhook nodes (tests). */
  fetch?: typeof fetch;
}): Journeys {
  const { db, clock, queue, profiles, onError } = deps;
  const matches = async (workspaceId: string, profileId: string, rule: SegmentDefinition): Promise<boolean> =>
    (await deps.segments.engine.matchAmong(workspaceId, rule, [profileId])).has(profileId);
  const segmentExists = async (workspaceId: string, segmentId: string): Promise<boolean> => {
    try {
      await deps.segments.service.get(workspaceId, segmentId);
      return true;
    } catch (err) {
      if (err instanceof UserError && err.status === 404) return false;
      throw err;
    }
  };
  // The runner needs the engine (to answer entries) and the engine enqueues the runner's jobs: tied late.
  let engineRef: JourneyEngine | null = null;
  const effects = createEffectRunner({
    db,
    clock,
    queue,
    delivery: deps.messaging.delivery,
    ingest: deps.ingest,
    profiles,
    engine: () => {
      if (!engineRef) throw new Error('journey engine not built yet');
      return engineRef;
    },
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    onError,
  });
  // Listeners are called synchronously after a commit; their enqueueing is tracked so idle() can wait for it.
  const inFlight = new Set<Promise<void>>();
  const track = (p: Promise<void>): void => {
    const tracked = p.catch(onError).finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };
  // Entering and leaving a journey are events on the profile (journey.entered, journey.converted, …),
  // usable in segments and other journeys like any event; the id makes a repeated notice harmless.
  const profileEvents = createProfileEventRecorder({ clock, ingest: deps.ingest });
  // Changes announced together (a batch of entries) are recorded with one ingest call per workspace.
  let pending: JourneyLifecycleChange[] = [];
  const flushLifecycle = async (): Promise<void> => {
    const changes = pending;
    pending = [];
    const byWorkspace = new Map<string, JourneyLifecycleChange[]>();
    for (const c of changes) pushTo(byWorkspace, c.workspaceId, c);
    for (const [workspaceId, list] of byWorkspace) {
      await profileEvents.recordMany(
        workspaceId,
        list.map((c) => ({
          profileId: c.profileId,
          id: `${c.entryId}:${c.kind}`,
          name: `journey.${c.kind}`,
          properties: { journeyId: c.journeyId, version: c.version, entryId: c.entryId, ...(c.reason ? { reason: c.reason } : {}) },
          at: c.at,
        })),
      );
    }
  };
  const onLifecycle = (c: JourneyLifecycleChange): void => {
    if (pending.length === 0) track(new Promise<void>((resolve) => setImmediate(resolve)).then(flushLifecycle));
    pending.push(c);
  };
  const stats = createTableStats(db, deps.dialect, onError);
  // Engine, simulator and broadcasts read customers without a timezone trait in the workspace's
  // zone; the engine and the simulator also take its default send hour.
  const zone = deps.workspaceTimezone ? { workspaceTimezone: deps.workspaceTimezone } : {};
  const sending = deps.workspaceSending ? { workspaceSending: deps.workspaceSending } : {};
  const engine = createJourneyEngine({ db, dialect: deps.dialect, clock, queue, profiles, matches, runEffect: effects.run, runEffects: effects.many, runWritten: effects.written, onError, onLifecycle, stats, ...sending });
  engineRef = engine;
  const triggers = createTriggers({ db, clock, queue, profiles, engine });
  // Durable: a batch a crash left unannounced is announced again after the restart (entries are keyed by their trigger, so a repeat changes nothing).
  deps.ingest.onCommitted(
    (batch) => {
      const p = triggers.onCommitted(batch);
      // Its failure is reported by ingest, which announces the batch again later.
      track(p.catch(() => {}));
      return p;
    },
    { durable: true },
  );
  deps.segments.engine.onTransition((t) => track(triggers.onTransitions(t)));
  const service = createJourneyService({
    db,
    clock,
    templates: deps.messaging.templates,
    profiles,
    segmentExists,
    matches,
    onArchived: async (workspaceId, journeyId) => {
      await queue.enqueue(RELEASE_QUEUE, { workspaceId, journeyId }, { workspaceId, dedupeKey: `release:${journeyId}` });
    },
    ...sending,
  });
  const broadcasts = createBroadcastService({ db, clock, queue, profiles, segments: deps.segments.service, messaging: deps.messaging, segmentExists, onError, ...zone });
  return {
    service,
    engine,
    triggers,
    broadcasts,
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      await effects.idle();
    },
  };
}

/** Every journey and broadcast route. */
export function journeysRoutes(app: FastifyInstance, j: Journeys): void {
  journeyRoutes(app, { journeys: j.service });
  broadcastRoutes(app, { broadcasts: j.broadcasts });
}
