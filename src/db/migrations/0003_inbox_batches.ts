import { sql, type Kysely, type Migration } from 'kysely';
import { encodeStagedEvent, type AcceptedEvent } from '../../events/event.store.js';
import type { DialectHelpers } from '../dialect.js';

/** Old per-event inbox rows moved per statement, and most events one moved batch holds. */
const MOVE_PAGE = 1000;
const MAX_MOVED_BATCH = 500;

interface OldInboxRow {
  /** BIGINT columns may arrive as strings through an untyped PostgreSQL handle. */
  id: number | string;
  workspace_id: string;
  message_id: string;
  type: string;
  name: string | null;
  user_id: string | null;
  anonymous_id: string | null;
  properties: string;
  context: string;
  timestamp: number | string;
  received_at: number | string;
  sent_at: number | string | null;
}

/**
 * The ingest inbox holds one row per request (a JSON array of its events) instead of one row per
 * event: the request path writes one row, and the processor reads few. Events still waiting in
 * the old per-event inbox are moved over, in order, before it is dropped, so an upgrade loses no
 * acknowledged event (Kysely runs each migration in one transaction on both dialects).
 */
export function inboxBatches(d: DialectHelpers): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const hasOldInbox = (await db.introspection.getTables()).some((t) => t.name === 'event_inbox');
      // Kysely wraps migrations in a transaction on PostgreSQL only; on SQLite this one opens its
      // own, so a crash mid-move leaves the old inbox whole (and re-running finds nothing half done).
      const atomically = (fn: (trx: Kysely<unknown>) => Promise<void>) => (db.isTransaction ? fn(db) : db.transaction().execute(fn));
      await atomically(async (trx) => {
        await trx.schema
          .createTable('event_inbox_batches')
          .ifNotExists()
          .addColumn('id', d.name === 'sqlite' ? 'integer' : 'bigserial', (c) => c.primaryKey())
          .addColumn('workspace_id', 'text', (c) => c.notNull())
          .addColumn('event_count', 'integer', (c) => c.notNull())
          .addColumn('events', 'text', (c) => c.notNull())
          .execute();
        if (!hasOldInbox) return;
        let after = -1;
        for (;;) {
          // Raw SQL: the old table is no longer in the typed schema.
          const { rows } = await sql<OldInboxRow>`select * from event_inbox where id > ${after} order by id limit ${MOVE_PAGE}`.execute(trx);
          if (rows.length === 0) break;
          // Consecutive rows of one workspace become one batch, so the order of events is kept.
          let current: { workspaceId: string; events: string[] } | null = null;
          const batches: { workspaceId: string; events: string[] }[] = [];
          for (const r of rows) {
            if (!current || current.workspaceId !== r.workspace_id || current.events.length >= MAX_MOVED_BATCH) {
              current = { workspaceId: r.workspace_id, events: [] };
              batches.push(current);
            }
            current.events.push(encodeStagedEvent(oldRowToEvent(r)));
          }
          for (const b of batches) {
            await sql`insert into event_inbox_batches (workspace_id, event_count, events) values (${b.workspaceId}, ${b.events.length}, ${`[${b.events.join(',')}]`})`.execute(trx);
          }
          after = Number(rows[rows.length - 1]?.id ?? after);
        }
        await trx.schema.dropTable('event_inbox').execute();
      });
    },
  };
}

function oldRowToEvent(r: OldInboxRow): AcceptedEvent {
  return {
    messageId: r.message_id,
    type: r.type as AcceptedEvent['type'], // staged only from the validated event types
    name: r.name,
    userId: r.user_id,
    anonymousId: r.anonymous_id,
    properties: JSON.parse(r.properties) as Record<string, unknown>, // written by JSON.stringify of an object
    context: JSON.parse(r.context) as Record<string, unknown>,
    timestamp: Number(r.timestamp),
    receivedAt: Number(r.received_at),
    sentAt: r.sent_at === null ? null : Number(r.sent_at),
  };
}
