import type { Kysely } from 'kysely';
import { yieldToOtherWriters } from '../db/connection.js';
import type { Database } from '../db/database.js';
import type { DialectHelpers } from '../db/dialect.js';
import type { TableStats } from '../db/table-stats.js';
import { withTransaction } from '../db/transaction.js';
import type { EventRow, EventStore, StagedEvent } from '../events/event.store.js';
import type { Clock } from '../platform/clock.js';
import { resolveClaims } from '../profiles/identity.resolver.js';
import { liveProfileIds } from '../profiles/profile.repository.js';
import { insertOrders, type OrderRow } from '../profiles/order.repository.js';
import { interpretStaged } from './ingest.interpret.js';
import { pushTo } from '../platform/collections.js';

export interface ProcessedBatch {
  workspaceId: string;
  rows: EventRow[];
  profileIds: string[];
  /** Its ingest_announcements row, written with its events when durable listeners wait for it. */
  announcementId?: number;
}

export interface IngestProcessor {
  /** `events` new events were staged: process soon. */
  kick(events: number): void;
  /** Resolves once every event staged before the call has been processed. */
  flush(): Promise<void>;
  /** Events processed since start. */
  processed(): number;
  stop(): Promise<void>;
}

/**
 * Events moved from the inbox per transaction when idle: larger rounds share each touched index
 * page (5,000 drained ~10k events/s, 1,000 ~6.5k) but hold more in memory (peak RSS); 2,500 between.
 */
const ROUND_SIZE = 2_500;
/**
 * While requests keep arriving, a round holds SQLite's one write lock (and, in process, the event
 * loop) for about this long, so acknowledgements wait at most that for the processor. PostgreSQL
 * commits staging beside a round (row locks), so its rounds stay full size.
 */
const BUSY_ROUND_MS = 20;
const MIN_ROUND = 50;
/**
 * Overloaded (events staged faster than OVERLOAD x what the processor can take), the processor
 * holds the database at most BUSY_DUTY of the time (rounds, then pauses): it cannot keep up
 * anyway, and acknowledgements go first. Below that it runs at full speed and keeps up.
 */
const BUSY_DUTY = 0.25;
const OVERLOAD = 1;
/** Time constant of the staged-events rate. */
const RATE_TAU_MS = 1000;
/** Requests arrived within this window: the ingest path is busy. */
const BUSY_WINDOW_MS = 250;
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
/** What the processor (and the pipeline around it) needs. */
export interface ProcessorDeps {
  db: Kysely<Database>;
  dialect: DialectHelpers;
  eventStore: EventStore;
  clock: Clock;
  onProcessed: (batches: ProcessedBatch[]) => void;
  onError: (err: unknown) => void;
  /** Whether durable listeners wait for announcements: each batch then gets its ingest_announcements row in the same transaction. */
  announce?: () => boolean;
  /** Told how many events rounds insert (PostgreSQL re-plans fast-growing tables: table-stats.ts). */
  stats?: TableStats;
}

export function createIngestProcessor(deps: ProcessorDeps & {
  /** Staging waiting to commit: a round starts only after it (acknowledgements go first). */
  staging?: { drain(): Promise<void>; pending(): number };
}): IngestProcessor {
  const { db, dialect, eventStore, clock } = deps;
  let running = false;
  let again = false;
  let stopped = false;
  let processedCount = 0;
  let current: Promise<void> = Promise.resolve();
  let idleTimer: NodeJS.Timeout | null = null;
  const waiters: (() => void)[] = [];

  let lastArrival = -Infinity;
  /** Measured cost of a round per event (EWMA), to size rounds by time while busy. */
  let msPerEvent = 0.1;
  /** Events staged per ms, decaying with RATE_TAU_MS. */
  let stagedRate = 0;
  let rateAt = performance.now();
  const decayedRate = () => stagedRate * Math.exp(-(performance.now() - rateAt) / RATE_TAU_MS);
  const overloaded = () => decayedRate() * msPerEvent > OVERLOAD;
  const busy = () => performance.now() - lastArrival < BUSY_WINDOW_MS;
  const singleWriter = !dialect.supportsRowLocks;
  const roundLimit = () => (singleWriter && busy() ? Math.max(MIN_ROUND, Math.min(ROUND_SIZE, Math.round(BUSY_ROUND_MS / msPerEvent))) : ROUND_SIZE);

  /** One transaction: returns whether the inbox held more than the round took. */
  async function round(limit: number): Promise<boolean> {
    const started = performance.now();
    const result = await withTransaction(db, async (trx) => {
      const { ids, events, more } = await eventStore.takeStaged(trx, limit);
      const batches: ProcessedBatch[] = [];
      const byWorkspace = new Map<string, StagedEvent[]>();
      for (const e of events) pushTo(byWorkspace, e.workspaceId, e);
      for (const [workspaceId, list] of [...byWorkspace].sort(([a], [b]) => a.localeCompare(b))) {
        await dialect.lockKeys(trx, list.map((e) => `${workspaceId}\u0000msg\u0000${e.messageId}`), `${workspaceId}\u0000msg`);
        const seen = await eventStore.existingMessageIds(trx, workspaceId, list.map((e) => e.messageId));
        const fresh: StagedEvent[] = [];
        for (const e of list) {
          if (seen.has(e.messageId)) continue; // a retry: acknowledged before, stored once
          seen.add(e.messageId);
          fresh.push(e);
        }
        if (fresh.length === 0) continue;
        const claimed = fresh.filter((e) => e.knownProfileId === null);
        const interpreted = claimed.map(interpretStaged);
        const claimedIds = claimed.length === 0 ? [] : await resolveClaims(trx, { dialect, eventStore, now: clock.now() }, workspaceId, interpreted.map((x) => x.claim));
        // Nudge's own events (message.sent, journey.entered, …) name their profile: no identity to
        // resolve and no profile row to rewrite (they are not the customer being seen). Read after
        // the claims, so a merge in this round leads them to its survivor; a deleted profile's are dropped.
        const named = fresh.length === claimed.length ? new Map<string, string>() : await liveProfileIds(trx, workspaceId, fresh.flatMap((e) => (e.knownProfileId === null ? [] : [e.knownProfileId])));
        const rows: EventRow[] = [];
        let c = 0;
        for (const e of fresh) {
          const profileId = e.knownProfileId === null ? claimedIds[c++] : named.get(e.knownProfileId);
          if (profileId !== undefined) rows.push({ ...e, profileId });
        }
        if (rows.length === 0) continue;
        await eventStore.insert(trx, workspaceId, rows);
        deps.stats?.added('events', rows.length);
        const orders: OrderRow[] = [];
        interpreted.forEach((x, i) => {
          if (x.order) orders.push({ ...x.order, profileId: claimedIds[i] ?? '', placedAt: claimed[i]?.timestamp ?? 0, source: 'event' });
        });
        await insertOrders(trx, workspaceId, orders);
        let announcementId: number | undefined;
        if (deps.announce?.()) {
          const row = await trx.insertInto('ingest_announcements').values({ workspace_id: workspaceId, message_ids: JSON.stringify(rows.map((r) => r.messageId)), created_at: clock.now() }).returning('id').executeTakeFirstOrThrow();
          announcementId = Number(row.id);
        }
        batches.push({ workspaceId, rows, profileIds: rows.map((r) => r.profileId), ...(announcementId !== undefined ? { announcementId } : {}) });
      }
      await eventStore.deleteStaged(trx, ids);
      return { taken: events.length, more, batches };
    });
    processedCount += result.taken;
    if (result.taken > 0) msPerEvent = 0.7 * msPerEvent + 0.3 * ((performance.now() - started) / result.taken);
    if (result.batches.length) deps.onProcessed(result.batches);
    return result.more;
  }

  async function loop(): Promise<void> {
    running = true;
    try {
      for (;;) {
        again = false;
        await deps.staging?.drain();
        // Writers on other connections (the main thread's) waiting for SQLite's lock go first too.
        await yieldToOtherWriters(db);
        const started = performance.now();
        const more = await round(roundLimit());
        // Go on while more is waiting; otherwise let new arrivals gather (flush asks again at once).
        if (!more && !(again && flushing > 0)) break;
        // Let requests that arrived during the round in (messages, sockets: the poll phase), then
        // see whether they had to wait for it. If so, and overloaded, back off (BUSY_DUTY) so that
        // their successors rarely find a round in progress.
        await new Promise((resolve) => setImmediate(resolve));
        if (deps.staging && deps.staging.pending() > 0 && overloaded()) {
          const pause = ((performance.now() - started) * (1 - BUSY_DUTY)) / BUSY_DUTY;
          await deps.staging.drain();
          await new Promise((resolve) => setTimeout(resolve, pause));
        }
      }
    } catch (err) {
      deps.onError(err);
      // Back off, then try again: the rows are still in the inbox.
      scheduleIdle(1000);
    } finally {
      running = false;
      for (const w of waiters.splice(0)) w();
      // Events staged during the round that the loop did not take: pick them up after the linger.
      if (again && !stopped) schedule();
    }
  }

  function scheduleIdle(ms: number): void {
    if (stopped) return;
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      idleTimer = null;
      schedule();
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

  /** New events were staged: the ingest path is busy, and a round follows after the linger. */
  function kick(events: number): void {
    const now = performance.now();
    stagedRate = decayedRate() + events / RATE_TAU_MS;
    rateAt = now;
    lastArrival = now;
    schedule();
  }

  function schedule(): void {
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
