import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { DialectHelpers } from '../db/dialect.js';
import { withTransaction } from '../db/transaction.js';
import type { EventStore, StagedBatch } from '../events/event.store.js';

/** Most events one transaction takes; requests beyond wait for the next group. */
const MAX_GROUP_EVENTS = 10_000;

/**
 * Group commit of accepted batches into the inbox (one row per request): requests that arrive
 * while a transaction is being written go together into the next one, so many requests share one
 * commit (and one fsync). Each caller's promise resolves only after the transaction holding its
 * events has committed, so acknowledging then is safe. A group starts on the next turn of the event
 * loop (setImmediate), so everything submitted in one turn (requests read together, or messages to
 * the worker) shares a commit. If a shared transaction fails, its requests are retried one by one,
 * so one request's failure never fails another's.
 */
export function createGroupCommitter(deps: {
  db: Kysely<Database>;
  dialect: DialectHelpers;
  eventStore: EventStore;
  /** A group of this many events was committed. */
  onCommitted: (events: number) => void;
}): { submit(batch: StagedBatch): Promise<void>; drain(): Promise<void>; pending(): number } {
  const { db, dialect, eventStore } = deps;
  // SQLite has one writer; PostgreSQL takes a few transactions at once.
  const maxInFlight = dialect.name === 'sqlite' ? 1 : 4;
  const queue: { batch: StagedBatch; resolve: () => void; reject: (e: unknown) => void }[] = [];
  let inFlight = 0;
  let scheduled = false;
  const drained: (() => void)[] = [];

  function pump(): void {
    scheduled = false;
    while (inFlight < maxInFlight && queue.length > 0) {
      const group: typeof queue = [];
      let size = 0;
      while (queue.length > 0 && (group.length === 0 || size + (queue[0]?.batch.eventCount ?? 0) <= MAX_GROUP_EVENTS)) {
        const next = queue.shift();
        if (!next) break;
        group.push(next);
        size += next.batch.eventCount;
      }
      inFlight++;
      void run(group).finally(() => {
        inFlight--;
        pump();
      });
    }
    if (inFlight === 0 && queue.length === 0) for (const d of drained.splice(0)) d();
  }

  async function run(group: typeof queue): Promise<void> {
    try {
      await withTransaction(db, (trx) => eventStore.stage(trx, group.map((g) => g.batch)));
      for (const g of group) g.resolve();
      deps.onCommitted(group.reduce((n, g) => n + g.batch.eventCount, 0));
    } catch (err) {
      if (group.length === 1) {
        group[0]?.reject(err);
        return;
      }
      for (const g of group) await run([g]);
    }
  }

  return {
    submit(batch) {
      return new Promise<void>((resolve, reject) => {
        queue.push({ batch, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(pump);
        }
      });
    },
    /** Requests submitted and not yet committed. */
    pending: () => queue.length + inFlight,
    drain() {
      if (inFlight === 0 && queue.length === 0) return Promise.resolve();
      return new Promise<void>((resolve) => drained.push(resolve));
    },
  };
}
