import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { DialectHelpers } from '../db/dialect.js';
import { stagedBatch, type AcceptedEvent, type EventRow, type EventStore } from '../events/event.store.js';
import type { Clock } from '../platform/clock.js';
import { checkpointsHere, databaseSource } from '../db/connection.js';
import { createAnnouncements } from './ingest.announcements.js';
import { encodeAccepted, normalizeEvent } from './ingest.normalize.js';
import { createInProcessPipeline, type IngestPipeline } from './ingest.pipeline.js';
import type { ProcessedBatch } from './ingest.processor.js';
import { createWorkerPipeline } from './ingest.worker-pipeline.js';
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
  /**
   * `ingest` for events Nudge's own code builds (a delivery's `message.sent`, a journey's
   * `journey.entered`): already in their accepted form, so they are encoded and staged without
   * being validated and normalised again. Their size and NUL rules still apply.
   */
  ingestAccepted(workspaceId: string, events: readonly AcceptedEvent[]): Promise<IngestResult>;
  /** Resolves once every event accepted before the call is on its profile. */
  flush(): Promise<void>;
  /** Accepted events not yet on profiles. */
  backlog(): Promise<number>;
  /**
   * Called after each batch is committed. A durable listener returns a promise and is announced
   * every batch at least once, even across a crash (ingest.announcements.ts); it must tolerate a repeat.
   */
  onCommitted(listener: (batch: CommittedBatch) => void): void;
  onCommitted(listener: (batch: CommittedBatch) => Promise<void>, options: { durable: true }): void;
  /** Announce again the batches a crash (or a failed durable listener) left unannounced; runs by itself a minute apart. Returns how many. */
  recoverAnnouncements(): Promise<number>;
  stop(): Promise<void>;
}

/** How soon after start, and how often, batches a crash left unannounced are announced again. */
const RECOVER_FIRST_MS = 5_000;
const RECOVER_EVERY_MS = 60_000;

export function createIngestService(deps: {
  db: Kysely<Database>;
  dialect: DialectHelpers;
  eventStore: EventStore;
  clock: Clock;
  onError?: (err: unknown) => void;
  /**
   * Stage and process in a worker thread with its own connection (default: whenever the database
   * can be opened twice, i.e. not in-memory SQLite), leaving this thread to parse and acknowledge.
   */
  worker?: boolean;
}): IngestService {
  const listeners: ((batch: CommittedBatch) => void)[] = [];
  const onError = deps.onError ?? ((err: unknown) => console.error('ingest processor:', err));
  const announcements = createAnnouncements({ db: deps.db, eventStore: deps.eventStore, clock: deps.clock, onError });
  const onProcessed = (batches: ProcessedBatch[]) => {
    for (const b of batches) {
      const batch: CommittedBatch = { workspaceId: b.workspaceId, events: b.rows, profileIds: b.profileIds };
      for (const l of listeners) {
        // The events are stored whatever a listener does; its failure is reported, not thrown into the pipeline.
        try {
          l(batch);
        } catch (err) {
          onError(err);
        }
      }
      announcements.announce(batch, b.announcementId);
    }
  };
  const listening = () => listeners.length > 0 || announcements.any();
  const source = deps.worker === false ? null : databaseSource(deps.db);
  const workerPipeline = source
    ? createWorkerPipeline({ source, dialect: deps.dialect.name, clock: deps.clock, onProcessed, onError, listening, durable: () => announcements.any(), checkpointing: (worker) => checkpointsHere(deps.db, !worker) })
    : null;
  const pipeline: IngestPipeline = workerPipeline ?? createInProcessPipeline({ ...deps, onProcessed, onError, announce: () => announcements.any() });
  const timers: NodeJS.Timeout[] = [];
  const recover = () => void announcements.recover().catch(onError);
  /** Stage encoded events as one inbox row; resolves once committed. */
  const submit = async (workspaceId: string, encoded: string[]): Promise<IngestResult> => {
    if (encoded.length > 0) await pipeline.submit(stagedBatch(workspaceId, encoded));
    return { accepted: encoded.length };
  };

  return {
    onCommitted(listener: (batch: CommittedBatch) => void | Promise<void>, options?: { durable: true }) {
      const first = !listening();
      if (options?.durable) {
        const startRecovery = !announcements.any();
        // Overloads: a durable listener is the promise-returning one.
        announcements.add(listener as (batch: CommittedBatch) => Promise<void>);
        // The worker now writes announcement rows (it is told again if it listened already).
        if (!first) workerPipeline?.listen();
        if (startRecovery) {
          timers.push(setTimeout(recover, RECOVER_FIRST_MS).unref(), setInterval(recover, RECOVER_EVERY_MS).unref());
        }
      } else listeners.push(listener);
      if (first) workerPipeline?.listen();
    },

    async ingest(workspaceId, rawEvents, options = {}) {
      const receivedAt = deps.clock.now();
      const prefix = options.pathPrefix ?? '';
      // Validate everything before writing anything: a bad event rejects the whole request.
      const encoded = rawEvents.map((raw, i) => {
        const path = prefix ? `${prefix}[${i}]` : '';
        const event = normalizeEvent(raw, {
          workspaceId,
          receivedAt,
          batchSentAt: options.batchSentAt,
          batchContext: options.batchContext,
          ...(options.forcedType ? { forcedType: options.forcedType } : {}),
          path,
          makeMessageId: () => `nudge-${randomUUID()}`,
        });
        return encodeAccepted(event, path);
      });
      return submit(workspaceId, encoded);
    },

    ingestAccepted: (workspaceId, events) => submit(workspaceId, events.map((e) => encodeAccepted(e, ''))),

    flush: () => pipeline.flush(),
    recoverAnnouncements: () => announcements.recover(),
    backlog: () => deps.eventStore.stagedCount(deps.db),
    async stop() {
      for (const t of timers) clearTimeout(t);
      await pipeline.stop();
      await announcements.idle();
    },
  };
}
