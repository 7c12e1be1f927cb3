import { sql } from 'kysely';
import type { DbOrTrx, DialectHelpers } from '../db/dialect.js';
import { readJson } from '../db/dialect.js';
import { UnexpectedError } from '../platform/errors.js';
import { toIso } from '../platform/ids.js';
import type { StoredEvent } from '../profiles/profile.schema.js';

/** An accepted event: validated, timestamps corrected, not yet tied to a profile. */
export interface StagedEvent {
  workspaceId: string;
  messageId: string;
  type: StoredEvent['type'];
  name: string | null;
  userId: string | null;
  anonymousId: string | null;
  /** Serialised JSON, as the events table stores it. */
  propertiesJson: string;
  contextJson: string;
  timestamp: number;
  receivedAt: number;
  sentAt: number | null;
  /** Nudge's own event about a profile it names (AcceptedEvent.knownProfileId); null: the profile is found from userId / anonymousId. */
  knownProfileId: string | null;
}

/** An event ready to store: its profile resolved. */
export type EventRow = StagedEvent & { profileId: string };

const parsedProperties = new WeakMap<StagedEvent, Record<string, unknown>>();

/**
 * An event's properties, parsed once per event object: the listeners of a committed batch
 * (journey triggers, feedback, recommendations) each read them, and a broadcast commits a hundred
 * thousand `message.sent` events. Shared between readers, so never to be mutated. Properties that
 * are not a JSON object (validated at ingest, so only a corrupt row) read as {}.
 */
export function eventProperties(e: StagedEvent): Record<string, unknown> {
  let p = parsedProperties.get(e);
  if (p === undefined) {
    const value = readJson<unknown>(e.propertiesJson, {});
    p = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {}; // a plain object, checked
    parsedProperties.set(e, p);
  }
  return p;
}

/** An accepted event as the request path produces it: properties and context still parsed. */
export interface AcceptedEvent {
  messageId: string;
  type: StoredEvent['type'];
  name: string | null;
  userId: string | null;
  anonymousId: string | null;
  properties: Record<string, unknown>;
  context: Record<string, unknown>;
  timestamp: number;
  receivedAt: number;
  sentAt: number | null;
  /**
   * Set only by Nudge itself, for its own records about a customer (`message.sent`,
   * `journey.entered`, …): the event goes on this profile (or the one it was merged into) without
   * identity resolution, and does not count as the customer being seen (last seen, event count).
   * Never taken from a request.
   */
  knownProfileId?: string;
}

/** One request's accepted events as one inbox row: a JSON array of `encodeStagedEvent` texts. */
export interface StagedBatch {
  workspaceId: string;
  eventCount: number;
  eventsJson: string;
}

/**
 * The inbox form of one event: short keys, properties and context embedded as JSON rather than
 * as escaped strings, so the request path serialises each event exactly once (one
 * JSON.stringify); the processor, off the request path, pays for turning them back into text.
 */
export function encodeStagedEvent(e: AcceptedEvent): string {
  return JSON.stringify({ m: e.messageId, t: e.type, n: e.name, u: e.userId, a: e.anonymousId, ts: e.timestamp, r: e.receivedAt, s: e.sentAt, p: e.properties, c: e.context, k: e.knownProfileId });
}

/** An inbox row for encoded events of one workspace. */
export function stagedBatch(workspaceId: string, encoded: readonly string[]): StagedBatch {
  return { workspaceId, eventCount: encoded.length, eventsJson: `[${encoded.join(',')}]` };
}

export interface DailyActivity {
  date: string;
  events: number;
  activeCustomers: number;
}

/**
 * The event store: the narrow interface that a columnar engine (ClickHouse) would implement
 * in the scaled shape. Everything else reads events through it.
 */
export interface EventStore {
  /** Append accepted batches to the inbox, one row each (durable once the caller's transaction commits). */
  stage(db: DbOrTrx, batches: readonly StagedBatch[]): Promise<void>;
  /**
   * The oldest staged batches, whole, until they hold about `limit` events (at least one batch),
   * locked for this transaction where the database can; with their inbox ids, and whether rows
   * were left for lack of room.
   */
  takeStaged(trx: DbOrTrx, limit: number): Promise<{ ids: number[]; events: StagedEvent[]; more: boolean }>;
  /** Remove processed batches from the inbox. */
  deleteStaged(trx: DbOrTrx, ids: readonly number[]): Promise<void>;
  /** Events (not rows) waiting in the inbox. */
  stagedCount(db: DbOrTrx): Promise<number>;
  /** Message ids among `messageIds` already stored for the workspace. */
  existingMessageIds(db: DbOrTrx, workspaceId: string, messageIds: readonly string[]): Promise<Set<string>>;
  /** Insert events; a message id already stored is skipped. Returns how many rows were inserted. */
  insert(db: DbOrTrx, workspaceId: string, rows: readonly EventRow[]): Promise<number>;
  /** Stored events by message id, as they were inserted (a committed batch announced again). */
  byMessageIds(db: DbOrTrx, workspaceId: string, messageIds: readonly string[]): Promise<EventRow[]>;
  /** Move all events of one profile to another (identity merge). */
  reassignProfile(db: DbOrTrx, workspaceId: string, fromProfileId: string, toProfileId: string): Promise<void>;
  /** A profile's events, newest first, optionally older than `before`. */
  listForProfile(db: DbOrTrx, workspaceId: string, profileId: string, options: { limit: number; before?: number }): Promise<StoredEvent[]>;
  count(db: DbOrTrx, workspaceId: string): Promise<number>;
  /** Events and distinct active profiles per UTC day in [from, to). */
  dailyActivity(db: DbOrTrx, workspaceId: string, from: number, to: number): Promise<DailyActivity[]>;
  topNames(db: DbOrTrx, workspaceId: string, from: number, to: number, limit: number): Promise<{ name: string; count: number }[]>;
  /** Track events named one of `names` in [from, to) with an id after `afterId`, by id, at most `limit` (model training pages through them). */
  scanNamed(db: DbOrTrx, workspaceId: string, names: readonly string[], page: { from: number; to: number; afterId: number; limit: number }): Promise<ScannedEvent[]>;
}

/** An event as a scan returns it: enough to build training data. */
export interface ScannedEvent {
  id: number;
  messageId: string;
  profileId: string;
  userId: string | null;
  name: string;
  properties: Record<string, unknown>;
  timestamp: number;
}

const INSERT_CHUNK = 400;
/** Inbox rows looked at per query while taking a round. */
const TAKE_PAGE = 64;

const EVENT_TYPE_SET: ReadonlySet<string> = new Set<StagedEvent['type']>(['identify', 'track', 'page', 'screen', 'group', 'alias']);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Read an inbox row back (STYLE §7: JSON read back is checked); the events of one request, in order. */
export function decodeStagedEvents(workspaceId: string, text: string): StagedEvent[] {
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed)) throw new UnexpectedError('Inbox row is not a JSON array');
  return parsed.map((x: unknown) => {
    if (!isObj(x)) throw new UnexpectedError('Inbox event is not an object');
    const { m, t, n, u, a, ts, r, s, p, c, k } = x;
    if (!isStr(m) || !isStr(t) || !EVENT_TYPE_SET.has(t) || !isNum(ts) || !isNum(r) || !isObj(p) || !isObj(c)) {
      throw new UnexpectedError(`Inbox event ${String(m)} is malformed`);
    }
    return {
      workspaceId,
      messageId: m,
      type: t as StagedEvent['type'], // checked against the event types just above
      name: isStr(n) ? n : null,
      userId: isStr(u) ? u : null,
      anonymousId: isStr(a) ? a : null,
      propertiesJson: JSON.stringify(p),
      contextJson: JSON.stringify(c),
      timestamp: ts,
      receivedAt: r,
      sentAt: isNum(s) ? s : null,
      knownProfileId: isStr(k) ? k : null,
    };
  });
}

/** An event's columns in the event table (all but the profile). */
function eventColumns(e: StagedEvent) {
  return {
    workspace_id: e.workspaceId,
    message_id: e.messageId,
    type: e.type,
    name: e.name,
    user_id: e.userId,
    anonymous_id: e.anonymousId,
    properties: e.propertiesJson,
    context: e.contextJson,
    timestamp: e.timestamp,
    received_at: e.receivedAt,
    sent_at: e.sentAt,
  };
}

export function createSqlEventStore(dialect: DialectHelpers): EventStore {
  return {
    async stage(db, batches) {
      if (batches.length === 0) return;
      // Few rows per commit (one per request), so one statement; the text is up to 500 KB a row.
      await db
        .insertInto('event_inbox_batches')
        .values(batches.map((b) => ({ workspace_id: b.workspaceId, event_count: b.eventCount, events: b.eventsJson })))
        .execute();
    },

    async takeStaged(trx, limit) {
      const chosen: { id: number; workspaceId: string }[] = [];
      let count = 0;
      let more = false;
      let after = -1;
      // Row headers in id order, a page at a time, until the limit is reached; a batch is never split.
      // Bodies are read afterwards, only for the rows taken (a row holds up to 500 KB).
      pages: for (;;) {
        let q = trx.selectFrom('event_inbox_batches').select(['id', 'workspace_id', 'event_count']).where('id', '>', after).orderBy('id').limit(TAKE_PAGE);
        // Several workers on PostgreSQL each take their own rows.
        if (dialect.supportsRowLocks) q = q.forUpdate().skipLocked();
        const rows = await q.execute();
        for (const r of rows) {
          if (chosen.length > 0 && count + r.event_count > limit) {
            more = true;
            break pages;
          }
          chosen.push({ id: r.id, workspaceId: r.workspace_id });
          count += r.event_count;
        }
        const last = rows[rows.length - 1];
        if (!last || rows.length < TAKE_PAGE) break;
        if (count >= limit) {
          more = true;
          break;
        }
        after = last.id;
      }
      const bodies = new Map<number, string>();
      for (let i = 0; i < chosen.length; i += TAKE_PAGE) {
        const rows = await trx.selectFrom('event_inbox_batches').select(['id', 'events']).where('id', 'in', chosen.slice(i, i + TAKE_PAGE).map((c) => c.id)).execute();
        for (const r of rows) bodies.set(r.id, r.events);
      }
      const events: StagedEvent[] = [];
      for (const c of chosen) {
        const body = bodies.get(c.id);
        // Rows taken are locked (or the database has one writer): a vanished row is a bug, never skipped.
        if (body === undefined) throw new UnexpectedError(`Inbox row ${c.id} vanished while being taken`);
        for (const e of decodeStagedEvents(c.workspaceId, body)) events.push(e);
      }
      return { ids: chosen.map((c) => c.id), events, more };
    },

    async deleteStaged(trx, ids) {
      for (let i = 0; i < ids.length; i += 1000) await trx.deleteFrom('event_inbox_batches').where('id', 'in', ids.slice(i, i + 1000)).execute();
    },

    async stagedCount(db) {
      const row = await db
        .selectFrom('event_inbox_batches')
        .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('event_count'), eb.lit(0)).as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async existingMessageIds(db, workspaceId, messageIds) {
      const found = new Set<string>();
      for (let i = 0; i < messageIds.length; i += INSERT_CHUNK) {
        const chunk = messageIds.slice(i, i + INSERT_CHUNK);
        const rows = await db
          .selectFrom('events')
          .select('message_id')
          .where('workspace_id', '=', workspaceId)
          .where('message_id', 'in', chunk)
          .execute();
        for (const r of rows) found.add(r.message_id);
      }
      return found;
    },

    async insert(db, workspaceId, rows) {
      if (rows.length === 0) return 0;
      let inserted = 0;
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
        const chunk = rows.slice(i, i + INSERT_CHUNK);
        const result = await db
          .insertInto('events')
          .values(
            chunk.map((e) => ({ ...eventColumns(e), workspace_id: workspaceId, profile_id: e.profileId })),
          )
          .onConflict((oc) => oc.columns(['workspace_id', 'message_id']).doNothing())
          .executeTakeFirst();
        inserted += Number(result.numInsertedOrUpdatedRows ?? 0);
      }
      return inserted;
    },

    async byMessageIds(db, workspaceId, messageIds) {
      const out: EventRow[] = [];
      for (let i = 0; i < messageIds.length; i += INSERT_CHUNK) {
        const rows = await db
          .selectFrom('events')
          .select(['message_id', 'type', 'name', 'user_id', 'anonymous_id', 'properties', 'context', 'timestamp', 'received_at', 'sent_at', 'profile_id'])
          .where('workspace_id', '=', workspaceId)
          .where('message_id', 'in', messageIds.slice(i, i + INSERT_CHUNK))
          .execute();
        for (const r of rows) {
          out.push({
            workspaceId,
            messageId: r.message_id,
            type: r.type as StagedEvent['type'], // stored from a checked StagedEvent
            name: r.name,
            userId: r.user_id,
            anonymousId: r.anonymous_id,
            // JSON columns come back as text (SQLite) or already parsed (PostgreSQL's jsonb).
            propertiesJson: typeof r.properties === 'string' ? r.properties : JSON.stringify(r.properties ?? {}),
            contextJson: typeof r.context === 'string' ? r.context : JSON.stringify(r.context ?? {}),
            timestamp: Number(r.timestamp),
            receivedAt: Number(r.received_at),
            sentAt: r.sent_at === null ? null : Number(r.sent_at),
            // Stored: its profile is resolved either way.
            knownProfileId: null,
            profileId: r.profile_id,
          });
        }
      }
      // In the batch's order (the order they were processed in).
      const order = new Map(messageIds.map((m, i) => [m, i]));
      return out.sort((a, b) => (order.get(a.messageId) ?? 0) - (order.get(b.messageId) ?? 0));
    },

    async reassignProfile(db, workspaceId, fromProfileId, toProfileId) {
      await db
        .updateTable('events')
        .set({ profile_id: toProfileId })
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', '=', fromProfileId)
        .execute();
    },

    async listForProfile(db, workspaceId, profileId, { limit, before }) {
      let q = db
        .selectFrom('events')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', '=', profileId);
      if (before !== undefined) q = q.where('timestamp', '<', before);
      const rows = await q.orderBy('timestamp', 'desc').orderBy('id', 'desc').limit(limit).execute();
      return rows.map((r) => ({
        id: String(r.id),
        messageId: r.message_id,
        type: r.type as StoredEvent['type'], // written only from the validated EVENT_TYPES union
        name: r.name,
        userId: r.user_id,
        anonymousId: r.anonymous_id,
        properties: readJson(r.properties, {}),
        context: readJson(r.context, {}),
        timestamp: toIso(r.timestamp),
        receivedAt: toIso(r.received_at),
      }));
    },

    async count(db, workspaceId) {
      const row = await db
        .selectFrom('events')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('workspace_id', '=', workspaceId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async dailyActivity(db, workspaceId, from, to) {
      const day = dialect.utcDay('timestamp');
      const rows = await db
        .selectFrom('events')
        .select([
          day.as('date'),
          (eb) => eb.fn.countAll<number>().as('events'),
          sql<number>`count(distinct profile_id)`.as('active'),
        ])
        .where('workspace_id', '=', workspaceId)
        .where('timestamp', '>=', from)
        .where('timestamp', '<', to)
        .groupBy(day)
        .execute();
      return rows.map((r) => ({ date: String(r.date), events: Number(r.events), activeCustomers: Number(r.active) }));
    },

    async topNames(db, workspaceId, from, to, limit) {
      const rows = await db
        .selectFrom('events')
        .select(['name', (eb) => eb.fn.countAll<number>().as('n')])
        .where('workspace_id', '=', workspaceId)
        .where('timestamp', '>=', from)
        .where('timestamp', '<', to)
        .where('name', 'is not', null)
        .groupBy('name')
        .orderBy('n', 'desc')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ name: String(r.name), count: Number(r.n) }));
    },

    async scanNamed(db, workspaceId, names, page) {
      if (names.length === 0) return [];
      const rows = await db
        .selectFrom('events')
        .select(['id', 'message_id', 'profile_id', 'user_id', 'name', 'properties', 'timestamp'])
        .where('workspace_id', '=', workspaceId)
        .where('name', 'in', [...names])
        .where('timestamp', '>=', page.from)
        .where('timestamp', '<', page.to)
        .where('id', '>', page.afterId)
        .orderBy('id')
        .limit(page.limit)
        .execute();
      return rows.map((r) => ({ id: Number(r.id), messageId: r.message_id, profileId: r.profile_id, userId: r.user_id, name: String(r.name), properties: readJson(r.properties, {}), timestamp: Number(r.timestamp) }));
    },
  };
}
