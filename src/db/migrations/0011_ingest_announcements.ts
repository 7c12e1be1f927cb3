import type { Kysely, Migration } from 'kysely';
import type { DialectHelpers } from '../dialect.js';

/**
 * Committed batches whose announcement to durable listeners (journey triggers) is not known to be
 * complete. A row is written in the transaction that stores the batch's events and deleted once
 * every durable listener finished with it; rows a crash left behind are announced again at the
 * next start (ingest.announcements.ts), so a trigger is never lost between the commit and its job.
 */
export function ingestAnnouncements(d: DialectHelpers): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('ingest_announcements')
        .addColumn('id', d.name === 'sqlite' ? 'integer' : 'bigserial', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        // The batch's message ids (JSON array): its events are read back from the events table.
        .addColumn('message_ids', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('ingest_announcements').execute();
    },
  };
}
