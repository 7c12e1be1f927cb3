import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/database.js';
import { readJson } from '../db/dialect.js';
import { groupCommit } from '../db/group-commit.js';
import type { EventStore } from '../events/event.store.js';
import type { Clock } from '../platform/clock.js';
import type { CommittedBatch } from './ingest.service.js';

/**
 * Committed batches announced at least once to durable listeners (journey triggers). Listeners
 * run after the commit that stored a batch, so a crash in between would lose what they were about
 * to do (a customer who never enters the journey their event triggered). The processor therefore
 * writes an `ingest_announcements` row in that same transaction (ingest.processor.ts); the row is
 * deleted once every durable listener finished with the batch. Rows left behind (a crash, a
 * listener that failed) are found by `recover` once they are older than the grace period: their
 * events are read back and announced again. Durable listeners must tolerate a repeat (journey
 * entries are keyed by their trigger, and an entry ignores an event that already answered it).
 */
export type DurableListener = (batch: CommittedBatch) => Promise<void>;

export interface Announcements {
  add(listener: DurableListener): void;
  /** Whether any durable listener is registered (the processor writes rows only then). */
  any(): boolean;
  /** A batch just committed: its durable listeners, then its row deleted once they all succeeded. */
  announce(batch: CommittedBatch, announcementId: number | undefined): void;
  /** Announce again what rows older than the grace period hold (and not in hand here). Returns how many. */
  recover(): Promise<number>;
  /** Resolves once the announcements in hand have finished and their rows are deleted. */
  idle(): Promise<void>;
}

const MessageIds = z.array(z.string());
/** Rows read per recovery pass. */
const PAGE = 100;
/** How long a finished batch's row waits for others to share its delete. */
const DELETE_LINGER_MS = 500;
/** Ids per delete statement (within SQLite's bound-parameter limit). */
const DELETE_CHUNK = 1000;

export function createAnnouncements(deps: { db: Kysely<Database>; eventStore: EventStore; clock: Clock; onError: (err: unknown) => void; graceMs?: number; deleteLingerMs?: number }): Announcements {
  const { db, clock } = deps;
  const grace = deps.graceMs ?? 60_000;
  const listeners: DurableListener[] = [];
  const inHand = new Map<number, Promise<void>>();
  const loose = new Set<Promise<void>>();

  // Batches finish one by one (each listener's transaction). Their rows are deleted together, once
  // every DELETE_LINGER_MS: under load a statement and a commit per second instead of one per batch
  // (message.sent batches alone come several a second while sending). A crash before the delete
  // leaves rows whose batches were fully announced; recovery announces them again, which durable
  // listeners tolerate by contract.
  const deletes = groupCommit<number, void>(
    async (ids) => {
      for (let i = 0; i < ids.length; i += DELETE_CHUNK) await db.deleteFrom('ingest_announcements').where('id', 'in', ids.slice(i, i + DELETE_CHUNK)).execute();
      return ids.map(() => undefined);
    },
    { lingerMs: deps.deleteLingerMs ?? DELETE_LINGER_MS, max: 50_000 },
  );
  // Ids whose delete is pending: fully announced, so recovery leaves them alone.
  const deleting = new Set<number>();
  const done = (id: number): void => {
    deleting.add(id);
    void deletes
      .add(id)
      .catch(deps.onError)
      .finally(() => deleting.delete(id));
  };
  const everyone = async (batch: CommittedBatch): Promise<void> => {
    const results = await Promise.allSettled(listeners.map((l) => l(batch)));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  };

  return {
    add: (listener) => void listeners.push(listener),
    any: () => listeners.length > 0,

    announce(batch, announcementId) {
      if (listeners.length === 0) return;
      if (announcementId === undefined) {
        // Written before the first durable listener registered: announced once, as before.
        const p: Promise<void> = everyone(batch)
          .catch(deps.onError)
          .finally(() => loose.delete(p));
        loose.add(p);
        return;
      }
      // A failed listener leaves the row for recover(), which announces the batch again.
      const p = everyone(batch)
        .then(() => done(announcementId))
        .catch(deps.onError)
        .finally(() => inHand.delete(announcementId));
      inHand.set(announcementId, p);
    },

    async recover() {
      const rows = await db.selectFrom('ingest_announcements').selectAll().where('created_at', '<', clock.now() - grace).orderBy('id').limit(PAGE).execute();
      let n = 0;
      for (const r of rows) {
        const id = Number(r.id);
        if (inHand.has(id) || deleting.has(id) || listeners.length === 0) continue;
        const parsed = MessageIds.safeParse(readJson(r.message_ids, []));
        const messageIds = parsed.success ? parsed.data : [];
        const events = await deps.eventStore.byMessageIds(db, r.workspace_id, messageIds);
        const p = everyone({ workspaceId: r.workspace_id, events, profileIds: events.map((e) => e.profileId) }).then(() => done(id));
        inHand.set(id, p);
        try {
          await p;
          n++;
        } finally {
          inHand.delete(id);
        }
      }
      return n;
    },

    async idle() {
      while (inHand.size > 0 || loose.size > 0 || deleting.size > 0) {
        await Promise.allSettled([...inHand.values(), ...loose]);
        await deletes.idle();
      }
    },
  };
}
