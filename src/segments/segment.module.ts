import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { DialectHelpers } from '../db/dialect.js';
import type { HeavyReader } from '../db/sqlite-reader.js';
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

const DAY_MS = 86_400_000;
const COUNTS_TTL_MS = 10 * 60_000;

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
  /** Where full evaluations run their scan (off the event loop on SQLite). */
  read?: HeavyReader;
}): Segments {
  const { db } = deps;
  // Recent event counts by name choose a sequence's join order; rough and slow-changing, so kept 10 minutes.
  const counts = new Map<string, { at: number; value: Promise<ReadonlyMap<string, number>> }>();
  const lookups: CompileLookups = {
    async computedTraits(workspaceId) {
      return new Map((await deps.computedTraits.definitions(workspaceId)).map((d) => [d.key, { valueType: d.valueType }]));
    },
    async subscriptionGroups(workspaceId) {
      return new Map((await listSubscriptionGroups(db, workspaceId)).map((g) => [g.id, { type: g.type }]));
    },
    eventCounts(workspaceId) {
      const now = deps.clock.now();
      const hit = counts.get(workspaceId);
      if (hit && now - hit.at < COUNTS_TTL_MS) return hit.value;
      const value = deps.eventStore.topNames(db, workspaceId, now - 30 * DAY_MS, now, 1000).then((rows) => new Map(rows.map((r) => [r.name, r.count])));
      value.catch(() => counts.delete(workspaceId));
      counts.set(workspaceId, { at: now, value });
      return value;
    },
  };
  const engine = createSegmentEngine({ db, dialect: deps.dialect, clock: deps.clock, lookups, ...(deps.read ? { read: deps.read } : {}) });
  const live = createLiveSegments({ db, queue: deps.queue, engine, onError: deps.onError }, { sweepEveryMs: deps.sweepEveryMs });
  deps.ingest.onCommitted((batch) => live.ingested(batch));
  deps.computedTraits.onChanged((change) =>
    live.changed({ workspaceId: change.workspaceId, profileIds: change.profileIds, eventNames: [], traitsChanged: false, computedKeys: change.keys }),
  );
  const service = createSegmentService({ db, dialect: deps.dialect, clock: deps.clock, eventStore: deps.eventStore, profiles: deps.profiles, computedTraits: deps.computedTraits, lookups, engine, recompute: live });
  return { service, engine, live };
}
