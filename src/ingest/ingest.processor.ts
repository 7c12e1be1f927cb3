import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { DialectHelpers } from '../db/dialect.js';
import { withTransaction } from '../db/transaction.js';
import type { EventRow, EventStore, StagedEvent } from '../events/event.store.js';
import type { Clock } from '../platform/clock.js';
import { resolveClaims } from '../profiles/identity.resolver.js';
import { insertOrders, type OrderRow } from '../profiles/order.repository.js';
import { interpretStaged } from './ingest.normalize.js';

export interface ProcessedBatch {
  workspaceId: string;
  rows: EventRow[];
  profileIds: string[];
}

export interface IngestProcessor {
  /** New events were staged: process soon. */
  kick(): void;
  /** Resolves once every event staged before the call has been processed. */
  flush(): Promise<void>;
  /** Events processed since start. */
  processed(): number;
  stop(): Promise<void>;
}

/** Events moved from the inbox per transaction: large groups share each touched index page. */
const ROUND_SIZE = 5_000;
/** Poll interval when idle, for inboxes filled by other processes (scaled shape). */
const IDLE_POLL_MS = 500;
/** After new events arrive, wait this long for more before a round (unless flushing): bigger rounds, fewer page writes. */
const LINGER_MS = 100;

/**
 * Moves accepted events from the inbox into the event store: drops retried message ids, resolves
 * identities (merging profiles), stores events and orders, and deletes the inbox rows, all in one
 * transaction per round. A crash mid-round rolls the round back; the rows are still in the inbox
 * and are processed on restart, so an acknowledged event is never lost nor stored twice.
 */
export function createIngestProcessor(deps: {
  db: Kysely<Database>;
  dialect: DialectHelpers;
  eventStore: EventStore;
  clock: Clock;
  onProcessed: (batches: ProcessedBatch[]) => void;
  onError: (err: unknown) => void;
}): IngestProcessor {
  const { db, dialect, eventStore, clock } = deps;
  let running = false;
  let again = false;
  let stopped = false;
  let processedCount = 0;
  let current: Promise<void> = Promise.resolve();
  let idleTimer: NodeJS.Timeout | null = null;
  const waiters: (() => void)[] = [];

  async function round(): Promise<number> {
    const result = await withTransaction(db, async (trx) => {
      const { ids, events } = await eventStore.takeStaged(trx, ROUND_SIZE);
      const batches: ProcessedBatch[] = [];
      const byWorkspace = new Map<string, StagedEvent[]>();
      for (const e of events) {
        let list = byWorkspace.get(e.workspaceId);
        if (!list) byWorkspace.set(e.workspaceId, (list = []));
        list.push(e);
      }
      for (const [workspaceId, list] of [...byWorkspace].sort(([a], [b]) => a.localeCompare(b))) {
        await dialect.lockKeys(trx, list.map((e) => `${workspaceId}\u0000msg\u0000${e.messageId}`), workspaceId);
        const seen = await eventStore.existingMessageIds(trx, workspaceId, list.map((e) => e.messageId));
        const fresh: StagedEvent[] = [];
        for (const e of list) {
          if (seen.has(e.messageId)) continue; // a retry: acknowledged before, stored once
          seen.add(e.messageId);
          fresh.push(e);
        }
        if (fresh.length === 0) continue;
        const interpreted = fresh.map(interpretStaged);
        const profileIds = await resolveClaims(trx, { dialect, eventStore, now: clock.now() }, workspaceId, interpreted.map((x) => x.claim));
        const rows: EventRow[] = fresh.map((e, i) => ({ ...e, profileId: profileIds[i] ?? '' }));
        await eventStore.insert(trx, workspaceId, rows);
        const orders: OrderRow[] = [];
        interpreted.forEach((x, i) => {
          if (x.order) orders.push({ ...x.order, profileId: profileIds[i] ?? '', placedAt: fresh[i]?.timestamp ?? 0, source: 'event' });
        });
        await insertOrders(trx, workspaceId, orders);
        batches.push({ workspaceId, rows, profileIds });
      }
      await eventStore.deleteStaged(trx, ids);
      return { taken: ids.length, batches };
    });
    processedCount += result.taken;
    if (result.batches.length) deps.onProcessed(result.batches);
    return result.taken;
  }

  async function loop(): Promise<void> {
    running = true;
    try {
      for (;;) {
        again = false;
        const taken = await round();
        // A full round means more is waiting; otherwise let new arrivals gather (flush asks again at once).
        if (taken < ROUND_SIZE && !(again && flushing > 0)) break;
      }
    } catch (err) {
      deps.onError(err);
      // Back off, then try again: the rows are still in the inbox.
      scheduleIdle(1000);
    } finally {
      running = false;
      for (const w of waiters.splice(0)) w();
      // Events staged during the round that the loop did not take: pick them up after the linger.
      if (again && !stopped) kick();
    }
  }

  function scheduleIdle(ms: number): void {
    if (stopped) return;
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      idleTimer = null;
      kick();
      scheduleIdle(IDLE_POLL_MS);
    }, ms);
    idleTimer.unref();
  }

  let lingerTimer: NodeJS.Timeout | null = null;
  let flushing = 0;

  function startNow(): void {
    if (stopped) return;
    if (lingerTimer) {
      clearTimeout(lingerTimer);
      lingerTimer = null;
    }
    if (running) {
      again = true;
      return;
    }
    current = loop();
  }

  function kick(): void {
    if (stopped || running || lingerTimer) {
      if (running) again = true;
      return;
    }
    lingerTimer = setTimeout(() => {
      lingerTimer = null;
      startNow();
    }, LINGER_MS);
  }

  scheduleIdle(IDLE_POLL_MS);

  return {
    kick,
    async flush() {
      if (stopped) return;
      flushing++;
      try {
        for (let i = 0; i < 10_000; i++) {
          const wait = new Promise<void>((resolve) => waiters.push(resolve));
          startNow();
          await wait;
          if ((await eventStore.stagedCount(db)) === 0) return;
        }
      } finally {
        flushing--;
      }
    },
    processed: () => processedCount,
    async stop() {
      stopped = true;
      if (idleTimer) clearTimeout(idleTimer);
      if (lingerTimer) clearTimeout(lingerTimer);
      await current;
    },
  };
}
