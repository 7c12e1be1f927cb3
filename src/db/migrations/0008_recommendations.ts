import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectHelpers } from '../dialect.js';

/**
 * Recommendations: training runs (the interaction snapshot a run trained on, its range and
 * parameters), model versions (one algorithm each, with offline metrics; one promoted per
 * workspace), the workspace's serving rules, and the slots recommendations were shown in with
 * their clicks and purchases (online metrics).
 */
export function recommendations(d: DialectHelpers): Migration {
  const json = sql.raw(d.jsonType);
  const real = d.name === 'sqlite' ? 'real' : 'double precision';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('recommend_runs')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('job_id', 'text')
        .addColumn('params', json, (c) => c.notNull())
        .addColumn('data_from', 'bigint')
        .addColumn('data_to', 'bigint')
        .addColumn('customers', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('items', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('interactions', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('note', 'text')
        // The interaction snapshot (JSON text, typed arrays as base64): large, read only to load a model.
        .addColumn('snapshot', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('finished_at', 'bigint')
        .addPrimaryKeyConstraint('recommend_runs_pk', ['workspace_id', 'id'])
        .execute();
      await db.schema.createIndex('recommend_runs_created').on('recommend_runs').columns(['workspace_id', 'created_at']).execute();

      await db.schema
        .createTable('recommend_models')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('algorithm', 'text', (c) => c.notNull())
        .addColumn('params', json, (c) => c.notNull())
        .addColumn('metrics', json, (c) => c.notNull())
        .addColumn('train_ms', 'integer', (c) => c.notNull())
        .addColumn('promoted', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('promoted_at', 'bigint')
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('recommend_models_pk', ['workspace_id', 'id'])
        .execute();
      await db.schema.createIndex('recommend_models_version').on('recommend_models').columns(['workspace_id', 'version']).unique().execute();
      await db.schema.createIndex('recommend_models_promoted').on('recommend_models').columns(['workspace_id', 'promoted']).execute();

      await db.schema
        .createTable('recommend_settings')
        .addColumn('workspace_id', 'text', (c) => c.primaryKey().references('workspaces.id').onDelete('cascade'))
        .addColumn('settings', json, (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('recommend_slots')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('model_id', 'text')
        .addColumn('profile_id', 'text')
        .addColumn('surface', 'text', (c) => c.notNull())
        .addColumn('items', json, (c) => c.notNull())
        .addColumn('item_count', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('recommend_slots_pk', ['workspace_id', 'id'])
        .execute();
      await db.schema.createIndex('recommend_slots_profile').on('recommend_slots').columns(['workspace_id', 'profile_id', 'created_at']).execute();
      await db.schema.createIndex('recommend_slots_created').on('recommend_slots').columns(['workspace_id', 'created_at']).execute();

      await db.schema
        .createTable('recommend_outcomes')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('slot_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('product_id', 'text', (c) => c.notNull())
        .addColumn('revenue', real, (c) => c.notNull().defaultTo(0))
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('recommend_outcomes_pk', ['workspace_id', 'slot_id', 'kind', 'product_id'])
        .execute();
      await db.schema.createIndex('recommend_outcomes_at').on('recommend_outcomes').columns(['workspace_id', 'at']).execute();
    },
    async down(db: Kysely<unknown>) {
      for (const t of ['recommend_outcomes', 'recommend_slots', 'recommend_settings', 'recommend_models', 'recommend_runs']) await db.schema.dropTable(t).ifExists().execute();
    },
  };
}
