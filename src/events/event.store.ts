import { sql } from 'kysely';
import type { DbOrTrx, DialectHelpers } from '../db/dialect.js';
import { readJson } from '../db/dialect.js';
import { toIso } from '../platform/ids.js';
import type { StoredEvent } from '../profiles/profile.schema.js';

/** An event ready to store: validated, timestamps corrected, profile resolved. */
export interface EventRow {
  id: string;
  messageId: string;
  type: StoredEvent['type'];
  name: string | null;
  profileId: string;
  userId: string | null;
  anonymousId: string | null;
  /** Already-serialised JSON, so the hot path stringifies once. */
  propertiesJson: string;
  contextJson: string;
  timestamp: number;
  receivedAt: number;
  sentAt: number | null;
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

export function createSqlEventStore(dialect: DialectHelpers): EventStore {
  return {
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
      let inserted = 0;
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
        const chunk = rows.slice(i, i + INSERT_CHUNK);
        const result = await db
          .insertInto('events')
          .values(
            chunk.map((e) => ({
              id: e.id,
              workspace_id: workspaceId,
              message_id: e.messageId,
              type: e.type,
              name: e.name,
              profile_id: e.profileId,
              user_id: e.userId,
              anonymous_id: e.anonymousId,
              properties: e.propertiesJson,
              context: e.contextJson,
              timestamp: e.timestamp,
              received_at: e.receivedAt,
              sent_at: e.sentAt,
            })),
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
        id: r.id,
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
