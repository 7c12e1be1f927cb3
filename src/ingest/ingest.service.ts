import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { DialectHelpers } from '../db/dialect.js';
import type { EventRow, EventStore } from '../events/event.store.js';
import type { Clock } from '../platform/clock.js';
import { createGroupCommitter } from './ingest.committer.js';
import { normalizeEvent } from './ingest.normalize.js';
import type { EventType } from './ingest.schema.js';

export interface IngestResult {
  /** Events newly stored. */
  accepted: number;
  /** Events whose messageId was already stored (a retry): acknowledged, not stored again. */
  duplicates: number;
}

/** What listeners learn after a batch is committed (segments and journeys subscribe from later issues on). */
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
  /** Validate, resolve identities and store events atomically; resolves only after commit. */
  ingest(workspaceId: string, rawEvents: readonly unknown[], options?: IngestOptions): Promise<IngestResult>;
  onCommitted(listener: (batch: CommittedBatch) => void): void;
}

export function createIngestService(deps: { db: Kysely<Database>; dialect: DialectHelpers; eventStore: EventStore; clock: Clock }): IngestService {
  const listeners: ((batch: CommittedBatch) => void)[] = [];
  const committer = createGroupCommitter({
    ...deps,
    onCommitted: (batches) => {
      for (const b of batches) for (const l of listeners) l({ workspaceId: b.workspaceId, events: b.rows, profileIds: b.profileIds });
    },
  });

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
          receivedAt,
          batchSentAt: options.batchSentAt,
          batchContext: options.batchContext,
          ...(options.forcedType ? { forcedType: options.forcedType } : {}),
          path: prefix ? `${prefix}[${i}]` : '',
          makeMessageId: () => `nudge-${randomUUID()}`,
        }),
      );
      if (events.length === 0) return { accepted: 0, duplicates: 0 };
      return committer.submit({ workspaceId, events, receivedAt });
    },
  };
}
