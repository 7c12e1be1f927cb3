import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectHelpers } from '../dialect.js';

/**
 * Journeys and broadcasts: journeys with immutable published versions, one row per customer entry
 * (its interpreter state and a sequence number that fences concurrent writers), the effect outbox
 * written in the same transaction as the state, step history, per-node counters for the canvas,
 * and broadcasts with their recipient list (the progress and the A/B assignment).
 */
export function journeys(d: DialectHelpers): Migration {
  const json = sql.raw(d.jsonType);
  const serial = d.name === 'sqlite' ? 'integer' : 'bigserial';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('journeys')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('draft', json, (c) => c.notNull())
        .addColumn('current_version', 'integer')
        .addColumn('entry_kind', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('journeys_pk', ['workspace_id', 'id'])
        .execute();
      await db.schema.createIndex('journeys_status').on('journeys').columns(['workspace_id', 'status']).execute();

      await db.schema
        .createTable('journey_versions')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('journey_id', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('definition', json, (c) => c.notNull())
        .addColumn('published_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('journey_versions_pk', ['workspace_id', 'journey_id', 'version'])
        .execute();

      await db.schema
        .createTable('journey_entries')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('journey_id', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('profile_id', 'text', (c) => c.notNull())
        .addColumn('trigger_key', 'text', (c) => c.notNull())
        .addColumn('state', json, (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('node_id', 'text')
        .addColumn('wake_at', 'bigint')
        .addColumn('entered_at', 'bigint', (c) => c.notNull())
        .addColumn('ended_at', 'bigint')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('journey_entries_pk', ['workspace_id', 'id'])
        .execute();
      // The timer recovery sweep looks across workspaces for waits past due.
      await db.schema.createIndex('journey_entries_wake').on('journey_entries').columns(['status', 'wake_at']).execute();
      await db.schema.createIndex('journey_entries_profile').on('journey_entries').columns(['workspace_id', 'profile_id', 'status']).execute();
      await db.schema.createIndex('journey_entries_journey').on('journey_entries').columns(['workspace_id', 'journey_id', 'status', 'node_id']).execute();

      // Effects the interpreter asked for, written with the state: a crash after commit loses none.
      await db.schema
        .createTable('journey_effects')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('entry_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('effect', json, (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('result', json)
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('journey_effects_pk', ['workspace_id', 'id'])
        .execute();
      await db.schema.createIndex('journey_effects_pending').on('journey_effects').columns(['status', 'created_at']).execute();

      await db.schema
        .createTable('journey_steps')
        .addColumn('id', serial, (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('entry_id', 'text', (c) => c.notNull())
        .addColumn('node_id', 'text')
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('handle', 'text')
        .addColumn('at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('journey_steps_entry').on('journey_steps').columns(['workspace_id', 'entry_id', 'id']).execute();

      // Counters kept in the state transaction; "waiting now" is counted live from journey_entries.
      await db.schema
        .createTable('journey_node_stats')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('journey_id', 'text', (c) => c.notNull())
        .addColumn('node_id', 'text', (c) => c.notNull())
        .addColumn('entered', 'integer', (c) => c.notNull())
        .addColumn('ended', 'integer', (c) => c.notNull())
        .addColumn('converted', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('journey_node_stats_pk', ['workspace_id', 'journey_id', 'node_id'])
        .execute();

      await db.schema
        .createTable('broadcasts')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('segment_id', 'text', (c) => c.notNull())
        .addColumn('template_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('scheduled_at', 'bigint')
        .addColumn('throttle_per_minute', 'integer')
        .addColumn('quiet_hours', json)
        .addColumn('variants', json, (c) => c.notNull())
        .addColumn('test_percent', 'integer', (c) => c.notNull())
        .addColumn('winner_metric', 'text', (c) => c.notNull())
        .addColumn('test_window_minutes', 'integer', (c) => c.notNull())
        .addColumn('winner', 'text')
        .addColumn('started_at', 'bigint')
        .addColumn('finished_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('broadcasts_pk', ['workspace_id', 'id'])
        .execute();

      await db.schema
        .createTable('broadcast_recipients')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('broadcast_id', 'text', (c) => c.notNull())
        .addColumn('profile_id', 'text', (c) => c.notNull())
        .addColumn('variant', 'text')
        .addColumn('time_zone', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('send_at', 'bigint', (c) => c.notNull())
        .addColumn('message_id', 'text')
        .addColumn('reason', 'text')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('broadcast_recipients_pk', ['workspace_id', 'broadcast_id', 'profile_id'])
        .execute();
      await db.schema.createIndex('broadcast_recipients_due').on('broadcast_recipients').columns(['workspace_id', 'broadcast_id', 'status', 'send_at']).execute();
    },
    async down(db: Kysely<unknown>) {
      for (const t of ['broadcast_recipients', 'broadcasts', 'journey_node_stats', 'journey_steps', 'journey_effects', 'journey_entries', 'journey_versions', 'journeys']) {
        await db.schema.dropTable(t).ifExists().execute();
      }
    },
  };
}
