import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { DialectHelpers } from '../db/dialect.js';
import type { EventStore } from '../events/event.store.js';
import type { IngestService } from '../ingest/ingest.service.js';
import { listSubscriptionGroups } from '../messaging/subscription.repository.js';
import type { Clock } from '../platform/clock.js';
import type { ComputedTraitService } from '../profiles/computed-trait.service.js';
import type { ProfileService } from '../profiles/profile.service.js';
import type { JobQueue } from '../queue/queue.js';
import { createSegmentEngine, type CompileLookups, type SegmentEngine } from './segment.engine.js';
import { createLiveSegments, type LiveSegments } from './segment.live.js';
import { createSegmentService, type SegmentService } from './segment.service.js';

export interface Segments {
  service: SegmentService;
  engine: SegmentEngine;
  live: LiveSegments;
}

/** The segments module, wired: engine, live updates through the queue, and the service the routes call. */
export function createSegments(deps: {
  db: Kysely<Database>;
  dialect: DialectHelpers;
  clock: Clock;
  eventStore: EventStore;
  profiles: ProfileService;
  computedTraits: ComputedTraitService;
  ingest: IngestService;
  queue: JobQueue;
  sweepEveryMs: number;
  onError: (err: unknown) => void;
}): Segments {
  const { db } = deps;
  const lookups: CompileLookups = {
    async computedTraits(workspaceId) {
      return new Map((await deps.computedTraits.definitions(workspaceId)).map((d) => [d.key, { valueType: d.valueType }]));
    },
    async subscriptionGroups(workspaceId) {
      return new Map((await listSubscriptionGroups(db, workspaceId)).map((g) => [g.id, { type: g.type }]));
    },
  };
  const engine = createSegmentEngine({ db, dialect: deps.dialect, clock: deps.clock, lookups });
  const live = createLiveSegments({ db, queue: deps.queue, engine, onError: deps.onError }, { sweepEveryMs: deps.sweepEveryMs });
  deps.ingest.onCommitted((batch) => live.ingested(batch));
  deps.computedTraits.onChanged((change) =>
    live.changed({ workspaceId: change.workspaceId, profileIds: change.profileIds, eventNames: [], traitsChanged: false, computedKeys: change.keys }),
  );
  const service = createSegmentService({ db, dialect: deps.dialect, clock: deps.clock, eventStore: deps.eventStore, profiles: deps.profiles, computedTraits: deps.computedTraits, lookups, engine, recompute: live });
  return { service, engine, live };
}
