import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { DialectHelpers } from '../db/dialect.js';
import { withTransaction } from '../db/transaction.js';
import type { EventRow, EventStore } from '../events/event.store.js';
import { resolveClaims } from '../profiles/identity.resolver.js';
import { insertOrders, type OrderRow } from '../profiles/order.repository.js';
import type { NormalizedEvent } from './ingest.normalize.js';

export interface CommitRequest {
  workspaceId: string;
  events: NormalizedEvent[];
  receivedAt: number;
}

export interface CommitOutcome {
  accepted: number;
  duplicates: number;
}

export interface CommittedRows {
  workspaceId: string;
  rows: EventRow[];
  profileIds: string[];
}

/** Most events one transaction takes; requests beyond wait for the next group. */
const MAX_GROUP_EVENTS = 5_000;

/**
 * Group commit: requests that arrive while a transaction is being written are written together
 * in the next one, so many requests share one fsync and one set of multi-row statements. Each
 * caller's promise resolves only after the transaction holding its events has committed, so
 * acknowledging then is safe. If a shared transaction fails, its requests are retried one by one,
 * so one request's failure never fails another's.
 */
export function createGroupCommitter(deps: {
  db: Kysely<Database>;
  dialect: DialectHelpers;
  eventStore: EventStore;
  onCommitted: (batches: CommittedRows[]) => void;
}): { submit(req: CommitRequest): Promise<CommitOutcome> } {
  const { db, dialect, eventStore } = deps;
  // SQLite has one writer; PostgreSQL takes a few transactions at once.
  const maxInFlight = dialect.name === 'sqlite' ? 1 : 4;
  const queue: { req: CommitRequest; resolve: (o: CommitOutcome) => void; reject: (e: unknown) => void }[] = [];
  let inFlight = 0;

  async function writeGroup(reqs: CommitRequest[]): Promise<{ outcomes: CommitOutcome[]; committed: CommittedRows[] }> {
    return withTransaction(db, async (trx) => {
      const outcomes: CommitOutcome[] = reqs.map(() => ({ accepted: 0, duplicates: 0 }));
      const committed: CommittedRows[] = [];
      const workspaces = [...new Set(reqs.map((r) => r.workspaceId))].sort();
      for (const workspaceId of workspaces) {
        const mine = reqs.map((r, i) => [r, i] as const).filter(([r]) => r.workspaceId === workspaceId);
        const all = mine.flatMap(([r]) => r.events);
        await dialect.lockKeys(trx, all.map((e) => `${workspaceId}\u0000msg\u0000${e.messageId}`));
        const seen = await eventStore.existingMessageIds(trx, workspaceId, all.map((e) => e.messageId));
        const fresh: { e: NormalizedEvent; receivedAt: number }[] = [];
        for (const [r, i] of mine) {
          const outcome = outcomes[i] ?? { accepted: 0, duplicates: 0 };
          for (const e of r.events) {
            if (seen.has(e.messageId)) {
              outcome.duplicates++;
              continue;
            }
            seen.add(e.messageId);
            outcome.accepted++;
            fresh.push({ e, receivedAt: r.receivedAt });
          }
        }
        if (fresh.length === 0) continue;
        const now = Math.max(...mine.map(([r]) => r.receivedAt));
        const profileIds = await resolveClaims(trx, { dialect, eventStore, now }, workspaceId, fresh.map((f) => f.e.claim));
        const rows: EventRow[] = fresh.map(({ e, receivedAt }, i) => ({
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
        fresh.forEach(({ e }, i) => {
          if (e.order) orders.push({ ...e.order, profileId: profileIds[i] ?? '', placedAt: e.timestamp, source: 'event' });
        });
        await insertOrders(trx, workspaceId, orders);
        committed.push({ workspaceId, rows, profileIds });
      }
      return { outcomes, committed };
    });
  }

  function pump(): void {
    while (inFlight < maxInFlight && queue.length > 0) {
      const group: typeof queue = [];
      let size = 0;
      while (queue.length > 0 && (group.length === 0 || size + (queue[0]?.req.events.length ?? 0) <= MAX_GROUP_EVENTS)) {
        const next = queue.shift();
        if (!next) break;
        group.push(next);
        size += next.req.events.length;
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
      const { outcomes, committed } = await writeGroup(group.map((g) => g.req));
      group.forEach((g, i) => g.resolve(outcomes[i] ?? { accepted: 0, duplicates: 0 }));
      if (committed.length) deps.onCommitted(committed);
    } catch (err) {
      if (group.length === 1) {
        group[0]?.reject(err);
        return;
      }
      // Isolate the failure: each request on its own.
      for (const g of group) await run([g]);
    }
  }

  return {
    submit(req) {
      return new Promise<CommitOutcome>((resolve, reject) => {
        queue.push({ req, resolve, reject });
        pump();
      });
    },
  };
}
