import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { DialectHelpers } from '../db/dialect.js';
import type { EventRow, EventStore } from '../events/event.store.js';
import type { Clock } from '../platform/clock.js';
import { createGroupCommitter } from './ingest.committer.js';
import { normalizeEvent } from './ingest.normalize.js';
import { createIngestProcessor } from './ingest.processor.js';
import type { EventType } from './ingest.schema.js';

export interface IngestResult {
  /** Events accepted and committed (a retried messageId is accepted again and stored once). */
  accepted: number;
}

/** What listeners learn after events are stored on profiles (segments and journeys subscribe from later issues on). */
export interface CommittedBatch {
  workspaceId: string;
  events: readonly EventRow[];
  profileIds: readonly string[];
}

export interface IngestOptions {
  batchSentAt?: string | number | null;
  batchContext?: Record<string, unknown> | null;
  /** Single-event endpoints (`/v1/track`, …) set the type from the path. */
  forcedType?: EventType;
  /** JSON path prefix for error messages: 'batch' for /v1/batch, '' for single events. */
  pathPrefix?: 'batch' | '';
}

export interface IngestService {
  /**
   * Validate and durably accept events; resolves only after they are committed. Identity
   * resolution and profile updates follow within moments (see `flush`).
   */
  ingest(workspaceId: string, rawEvents: readonly unknown[], options?: IngestOptions): Promise<IngestResult>;
  /** Resolves once every event accepted before the call is on its profile. */
  flush(): Promise<void>;
  /** Accepted events not yet on profiles. */
  backlog(): Promise<number>;
  onCommitted(listener: (batch: CommittedBatch) => void): void;
  stop(): Promise<void>;
}

export function createIngestService(deps: {
  db: Kysely<Database>;
  dialect: DialectHelpers;
  eventStore: EventStore;
  clock: Clock;
  onError?: (err: unknown) => void;
}): IngestService {
  const listeners: ((batch: CommittedBatch) => void)[] = [];
  const processor = createIngestProcessor({
    ...deps,
    onProcessed: (batches) => {
      for (const b of batches) for (const l of listeners) l({ workspaceId: b.workspaceId, events: b.rows, profileIds: b.profileIds });
    },
    onError: deps.onError ?? ((err) => console.error('ingest processor:', err)),
  });
  const committer = createGroupCommitter({ ...deps, onCommitted: () => processor.kick() });

  return {
    onCommitted(listener) {
      listeners.push(listener);
    },

    async ingest(workspaceId, rawEvents, options = {}) {
      const receivedAt = deps.clock.now();
      const prefix = options.pathPrefix ?? '';
      // Validate everything before writing anything: a bad event rejects the whole request.
      const events = rawEvents.map((raw, i) =>
        normalizeEvent(raw, {
          workspaceId,
          receivedAt,
          batchSentAt: options.batchSentAt,
          batchContext: options.batchContext,
          ...(options.forcedType ? { forcedType: options.forcedType } : {}),
          path: prefix ? `${prefix}[${i}]` : '',
          makeMessageId: () => `nudge-${randomUUID()}`,
        }),
      );
      if (events.length > 0) await committer.submit(events);
      return { accepted: events.length };
    },

    flush: () => processor.flush(),
    backlog: () => deps.eventStore.stagedCount(deps.db),
    stop: () => processor.stop(),
  };
}
