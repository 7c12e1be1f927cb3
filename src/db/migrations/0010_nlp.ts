import { type Kysely, type Migration, sql } from 'kysely';
import type { DialectHelpers } from '../dialect.js';

/**
 * Language understanding of text-bearing events (reviews, chat messages, survey answers): one
 * result row per analysed event (keyed by its message id, so re-processing changes nothing), the
 * aspects a text liked or disliked and its keywords as rows (so the dashboard groups them with
 * plain GROUP BY on both dialects), and each workspace's choice of events and properties to read.
 */
export function nlp(d: DialectHelpers): Migration {
  const json = sql.raw(d.jsonType);
  const real = d.name === 'sqlite' ? 'real' : 'double precision';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('nlp_results')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('message_id', 'text', (c) => c.notNull())
        .addColumn('profile_id', 'text', (c) => c.notNull())
        .addColumn('event_name', 'text', (c) => c.notNull())
        .addColumn('property', 'text', (c) => c.notNull())
        .addColumn('timestamp', 'bigint', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('sentiment', 'text')
        .addColumn('score', real)
        .addColumn('intent', 'text')
        .addColumn('intent_confidence', real)
        .addColumn('spam', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('complaint', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('flags', json, (c) => c.notNull())
        .addColumn('keywords', json, (c) => c.notNull())
        .addColumn('aspects', json, (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('nlp_results_pk', ['workspace_id', 'message_id'])
        .execute();
      await db.schema.createIndex('nlp_results_time').on('nlp_results').columns(['workspace_id', 'timestamp']).execute();
      await db.schema.createIndex('nlp_results_profile').on('nlp_results').columns(['workspace_id', 'profile_id', 'timestamp']).execute();

      await db.schema
        .createTable('nlp_aspects')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('message_id', 'text', (c) => c.notNull())
        .addColumn('aspect', 'text', (c) => c.notNull())
        .addColumn('polarity', 'text', (c) => c.notNull())
        .addColumn('score', real, (c) => c.notNull())
        .addColumn('timestamp', 'bigint', (c) => c.notNull())
        .addColumn('language', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('nlp_aspects_pk', ['workspace_id', 'message_id', 'aspect'])
        .execute();
      await db.schema.createIndex('nlp_aspects_time').on('nlp_aspects').columns(['workspace_id', 'timestamp']).execute();
      // The texts behind a bar: "delivery, disliked".
      await db.schema.createIndex('nlp_aspects_aspect').on('nlp_aspects').columns(['workspace_id', 'aspect', 'polarity']).execute();

      await db.schema
        .createTable('nlp_keywords')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('message_id', 'text', (c) => c.notNull())
        .addColumn('keyword', 'text', (c) => c.notNull())
        .addColumn('timestamp', 'bigint', (c) => c.notNull())
        .addColumn('language', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('nlp_keywords_pk', ['workspace_id', 'message_id', 'keyword'])
        .execute();
      await db.schema.createIndex('nlp_keywords_time').on('nlp_keywords').columns(['workspace_id', 'timestamp']).execute();
      await db.schema.createIndex('nlp_keywords_keyword').on('nlp_keywords').columns(['workspace_id', 'keyword']).execute();

      await db.schema
        .createTable('nlp_settings')
        .addColumn('workspace_id', 'text', (c) => c.primaryKey().references('workspaces.id').onDelete('cascade'))
        .addColumn('settings', json, (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      for (const t of ['nlp_settings', 'nlp_keywords', 'nlp_aspects', 'nlp_results']) await db.schema.dropTable(t).ifExists().execute();
    },
  };
}
