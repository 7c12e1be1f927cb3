import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectHelpers } from '../dialect.js';

/**
 * Segments and their live membership, computed traits (RFM now; churn, CLV, persona, sentiment
 * later: each a row of `computed_trait_definitions`, never a schema change), subscription groups
 * (consent, filled by messaging) and the durable job table of the embedded queue.
 */
export function segments(d: DialectHelpers): Migration {
  const json = sql.raw(d.jsonType);
  const serial = d.name === 'sqlite' ? 'integer' : 'bigserial';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('segments')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('definition', json, (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('time_dependent', 'integer', (c) => c.notNull())
        .addColumn('member_count', 'integer', (c) => c.notNull())
        .addColumn('membership_version', 'integer', (c) => c.notNull())
        .addColumn('compute_state', 'text', (c) => c.notNull())
        .addColumn('compute_progress', 'real', (c) => c.notNull())
        .addColumn('compute_error', 'text')
        .addColumn('last_evaluated_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('segments_pk', ['workspace_id', 'id'])
        .execute();

      await db.schema
        .createTable('segment_members')
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('segment_id', 'text', (c) => c.notNull())
        .addColumn('profile_id', 'text', (c) => c.notNull())
        .addColumn('entered_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('segment_members_pk', ['workspace_id', 'segment_id', 'profile_id'])
        .execute();
      await db.schema.createIndex('segment_members_profile').on('segment_members').columns(['workspace_id', 'profile_id']).execute();

      await db.schema
        .createTable('segment_transitions')
        .addColumn('id', serial, (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('segment_id', 'text', (c) => c.notNull())
        .addColumn('profile_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('segment_transitions_segment_at').on('segment_transitions').columns(['workspace_id', 'segment_id', 'at']).execute();
      await db.schema.createIndex('segment_transitions_profile').on('segment_transitions').columns(['workspace_id', 'profile_id', 'at']).execute();

      await db.schema
        .createTable('segment_sizes')
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('segment_id', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('size', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('segment_sizes_pk', ['workspace_id', 'segment_id', 'at'])
        .execute();

      await db.schema
        .createTable('computed_trait_definitions')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('value_type', 'text', (c) => c.notNull())
        .addColumn('label_en', 'text', (c) => c.notNull())
        .addColumn('label_zh', 'text', (c) => c.notNull())
        .addColumn('allowed_values', json)
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('computed_trait_definitions_pk', ['workspace_id', 'key'])
        .execute();

      // One value column per type, so comparisons use an index and never cast at query time.
      await db.schema
        .createTable('profile_computed_traits')
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('profile_id', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('num_value', 'double precision')
        .addColumn('text_value', 'text')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('profile_computed_traits_pk', ['workspace_id', 'key', 'profile_id'])
        .execute();
      await db.schema.createIndex('profile_computed_traits_profile').on('profile_computed_traits').columns(['workspace_id', 'profile_id']).execute();
      await db.schema.createIndex('profile_computed_traits_text').on('profile_computed_traits').columns(['workspace_id', 'key', 'text_value']).execute();
      await db.schema.createIndex('profile_computed_traits_num').on('profile_computed_traits').columns(['workspace_id', 'key', 'num_value']).execute();

      await db.schema
        .createTable('subscription_groups')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('subscription_groups_pk', ['workspace_id', 'id'])
        .execute();
      await db.schema
        .createTable('subscriptions')
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('group_id', 'text', (c) => c.notNull())
        .addColumn('profile_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('subscriptions_pk', ['workspace_id', 'group_id', 'profile_id'])
        .execute();

      await db.schema
        .createTable('jobs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text')
        .addColumn('queue', 'text', (c) => c.notNull())
        .addColumn('payload', json, (c) => c.notNull())
        .addColumn('dedupe_key', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('run_at', 'bigint', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('max_attempts', 'integer', (c) => c.notNull())
        .addColumn('progress', 'real', (c) => c.notNull())
        .addColumn('progress_note', 'text')
        .addColumn('result', json)
        .addColumn('error', 'text')
        .addColumn('locked_until', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('jobs_due').on('jobs').columns(['status', 'run_at']).execute();
      await db.schema.createIndex('jobs_workspace').on('jobs').columns(['workspace_id', 'queue', 'created_at']).execute();
      // At most one pending job per dedupe key: enqueueing again while one waits is a no-op.
      await sql`create unique index jobs_pending_key on jobs (queue, dedupe_key) where status = 'pending' and dedupe_key is not null`.execute(db);
    },
  };
}
