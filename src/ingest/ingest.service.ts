import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { DialectHelpers } from '../db/dialect.js';
import { withTransaction } from '../db/transaction.js';
import type { EventRow, EventStore } from '../events/event.store.js';
import type { Clock } from '../platform/clock.js';
import { newId } from '../platform/ids.js';
import { resolveClaims } from '../profiles/identity.resolver.js';
import { insertOrders, type OrderRow } from '../profiles/order.repository.js';
import { normalizeEvent, type NormalizedEvent } from './ingest.normalize.js';
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
  const { db, dialect, eventStore, clock } = deps;
  const listeners: ((batch: CommittedBatch) => void)[] = [];

  return {
    onCommitted(listener) {
      listeners.push(listener);
    },

    async ingest(workspaceId, rawEvents, options = {}) {
      const receivedAt = clock.now();
      const prefix = options.pathPrefix ?? '';
      // Validate everything before writing anything: a bad event rejects the whole request.
      const normalized: NormalizedEvent[] = rawEvents.map((raw, i) =>
        normalizeEvent(raw, {
          receivedAt,
          batchSentAt: options.batchSentAt,
          batchContext: options.batchContext,
          ...(options.forcedType ? { forcedType: options.forcedType } : {}),
          path: prefix ? `${prefix}[${i}]` : '',
          makeMessageId: () => `nudge-${randomUUID()}`,
        }),
      );

      const committed = await withTransaction(db, async (trx) => {
        await dialect.lockKeys(trx, normalized.map((e) => `${workspaceId}\u0000msg\u0000${e.messageId}`));
        const seen = await eventStore.existingMessageIds(trx, workspaceId, normalized.map((e) => e.messageId));
        const fresh: NormalizedEvent[] = [];
        for (const e of normalized) {
          if (seen.has(e.messageId)) continue;
          seen.add(e.messageId);
          fresh.push(e);
        }
        if (fresh.length === 0) return { rows: [] as EventRow[], profileIds: [] as string[] };

        const profileIds = await resolveClaims(trx, { dialect, eventStore, now: receivedAt }, workspaceId, fresh.map((e) => e.claim));
        const rows: EventRow[] = fresh.map((e, i) => ({
          id: newId('evt', receivedAt),
          messageId: e.messageId,
          type: e.type,
          name: e.name,
          profileId: profileIds[i] ?? '',
          userId: e.userId,
          anonymousId: e.anonymousId,
          propertiesJson: JSON.stringify(e.properties),
          contextJson: JSON.stringify(e.context),
          timestamp: e.timestamp,
          receivedAt,
          sentAt: e.sentAt,
        }));
        await eventStore.insert(trx, workspaceId, rows);
        const orders: OrderRow[] = [];
        fresh.forEach((e, i) => {
          if (e.order) orders.push({ ...e.order, profileId: profileIds[i] ?? '', placedAt: e.timestamp, source: 'event' });
        });
        await insertOrders(trx, workspaceId, orders);
        return { rows, profileIds };
      });

      if (committed.rows.length > 0) {
        const batch: CommittedBatch = { workspaceId, events: committed.rows, profileIds: committed.profileIds };
        for (const l of listeners) l(batch);
      }
      return { accepted: committed.rows.length, duplicates: normalized.length - committed.rows.length };
    },
  };
}
