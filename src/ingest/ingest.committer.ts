import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { DialectHelpers } from '../db/dialect.js';
import { withTransaction } from '../db/transaction.js';
import type { EventStore, StagedEvent } from '../events/event.store.js';

/** Most events one transaction takes; requests beyond wait for the next group. */
const MAX_GROUP_EVENTS = 10_000;

/**
 * Group commit of accepted events into the inbox: requests that arrive while a transaction is
 * being written go together into the next one, so many requests share one commit. Each caller's
 * promise resolves only after the transaction holding its events has committed, so acknowledging
 * then is safe. If a shared transaction fails, its requests are retried one by one, so one
 * request's failure never fails another's.
 */
export function createGroupCommitter(deps: {
  db: Kysely<Database>;
  dialect: DialectHelpers;
  eventStore: EventStore;
  onCommitted: () => void;
}): { submit(events: StagedEvent[]): Promise<void> } {
  const { db, dialect, eventStore } = deps;
  // SQLite has one writer; PostgreSQL takes a few transactions at once.
  const maxInFlight = dialect.name === 'sqlite' ? 1 : 4;
  const queue: { events: StagedEvent[]; resolve: () => void; reject: (e: unknown) => void }[] = [];
  let inFlight = 0;

  function pump(): void {
    while (inFlight < maxInFlight && queue.length > 0) {
      const group: typeof queue = [];
      let size = 0;
      while (queue.length > 0 && (group.length === 0 || size + (queue[0]?.events.length ?? 0) <= MAX_GROUP_EVENTS)) {
        const next = queue.shift();
        if (!next) break;
        group.push(next);
        size += next.events.length;
      }
      inFlight++;
      void run(group).finally(() => {
        inFlight--;
        pump();
      });
    }
  }

  async function run(group: typeof queue): Promise<void> {
    try {
      await withTransaction(db, (trx) => eventStore.stage(trx, group.flatMap((g) => g.events)));
      for (const g of group) g.resolve();
      deps.onCommitted();
    } catch (err) {
      if (group.length === 1) {
        group[0]?.reject(err);
        return;
      }
      for (const g of group) await run([g]);
    }
  }

  return {
    submit(events) {
      return new Promise<void>((resolve, reject) => {
        queue.push({ events, resolve, reject });
        pump();
      });
    },
  };
}
