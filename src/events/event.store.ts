import { sql } from 'kysely';
import type { DbOrTrx, DialectHelpers } from '../db/dialect.js';
import { readJson } from '../db/dialect.js';
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
  /** Already-serialised JSON, so the hot path stringifies once. */
  propertiesJson: string;
  contextJson: string;
  timestamp: number;
  receivedAt: number;
  sentAt: number | null;
}

/** An event ready to store: its profile resolved. */
export type EventRow = StagedEvent & { profileId: string };

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
  /** Append accepted events to the inbox (durable once the caller's transaction commits). */
  stage(db: DbOrTrx, events: readonly StagedEvent[]): Promise<void>;
  /** The oldest staged events (locked for this transaction where the database can), with their inbox ids. */
  takeStaged(trx: DbOrTrx, limit: number): Promise<{ ids: number[]; events: StagedEvent[] }>;
  /** Remove processed events from the inbox. */
  deleteStaged(trx: DbOrTrx, ids: readonly number[]): Promise<void>;
  stagedCount(db: DbOrTrx): Promise<number>;
  /** Message ids among `messageIds` already stored for the workspace. */
  existingMessageIds(db: DbOrTrx, workspaceId: string, messageIds: readonly string[]): Promise<Set<string>>;
  /** Insert events; a message id already stored is skipped. Returns how many rows were inserted. */
  insert(db: DbOrTrx, workspaceId: string, rows: readonly EventRow[]): Promise<number>;
  /** Move all events of one profile to another (identity merge). */
  reassignProfile(db: DbOrTrx, workspaceId: string, fromProfileId: string, toProfileId: string): Promise<void>;
  /** A profile's events, newest first, optionally older than `before`. */
  listForProfile(db: DbOrTrx, workspaceId: string, profileId: string, options: { limit: number; before?: number }): Promise<StoredEvent[]>;
  count(db: DbOrTrx, workspaceId: string): Promise<number>;
  /** Events and distinct active profiles per UTC day in [from, to). */
  dailyActivity(db: DbOrTrx, workspaceId: string, from: number, to: number): Promise<DailyActivity[]>;
  topNames(db: DbOrTrx, workspaceId: string, from: number, to: number, limit: number): Promise<{ name: string; count: number }[]>;
}

const INSERT_CHUNK = 400;

/** The columns an event has in both the inbox and the event table. */
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
    async stage(db, events) {
      for (let i = 0; i < events.length; i += INSERT_CHUNK) {
        await db
          .insertInto('event_inbox')
          .values(
            events.slice(i, i + INSERT_CHUNK).map(eventColumns),
          )
          .execute();
      }
    },

    async takeStaged(trx, limit) {
      let q = trx.selectFrom('event_inbox').selectAll().orderBy('id').limit(limit);
      // Several workers on PostgreSQL each take their own rows.
      if (dialect.supportsRowLocks) q = q.forUpdate().skipLocked();
      const rows = await q.execute();
      return {
        ids: rows.map((r) => r.id),
        events: rows.map((r) => ({
          workspaceId: r.workspace_id,
          messageId: r.message_id,
          type: r.type as StagedEvent['type'], // staged only from the validated EVENT_TYPES union
          name: r.name,
          userId: r.user_id,
          anonymousId: r.anonymous_id,
          propertiesJson: r.properties,
          contextJson: r.context,
          timestamp: r.timestamp,
          receivedAt: r.received_at,
          sentAt: r.sent_at,
        })),
      };
    },

    async deleteStaged(trx, ids) {
      for (let i = 0; i < ids.length; i += 1000) await trx.deleteFrom('event_inbox').where('id', 'in', ids.slice(i, i + 1000)).execute();
    },

    async stagedCount(db) {
      const row = await db.selectFrom('event_inbox').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
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
  };
}
