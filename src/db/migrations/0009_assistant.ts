import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectHelpers } from '../dialect.js';

/**
 * The customer-service assistant: FAQ articles (the knowledge base), conversations with their
 * dialogue state (bot → pending_human → human → resolved), their messages, and the workspace's
 * assistant settings (the optional LLM endpoint, its key sealed with the instance key).
 */
export function assistant(d: DialectHelpers): Migration {
  const json = sql.raw(d.jsonType);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('kb_articles')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('questions', json, (c) => c.notNull())
        .addColumn('tags', json, (c) => c.notNull())
        .addColumn('intent', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('kb_articles_pk', ['workspace_id', 'id'])
        .execute();

      await db.schema
        .createTable('assistant_conversations')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('visitor_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text')
        // 1 when the user id came with a valid identity hash (assistant/identity.ts).
        .addColumn('verified', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('handoff_reason', 'text')
        .addColumn('failed_answers', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('agent', 'text')
        .addColumn('last_text', 'text')
        .addColumn('message_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('assistant_conversations_pk', ['workspace_id', 'id'])
        .execute();
      await db.schema.createIndex('assistant_conversations_state').on('assistant_conversations').columns(['workspace_id', 'state', 'updated_at']).execute();
      await db.schema.createIndex('assistant_conversations_visitor').on('assistant_conversations').columns(['workspace_id', 'visitor_id', 'created_at']).execute();

      await db.schema
        .createTable('assistant_messages')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('conversation_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('author', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('meta', json, (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('assistant_messages_pk', ['workspace_id', 'conversation_id', 'seq'])
        .execute();

      await db.schema
        .createTable('assistant_settings')
        .addColumn('workspace_id', 'text', (c) => c.primaryKey().references('workspaces.id').onDelete('cascade'))
        .addColumn('settings', json, (c) => c.notNull())
        .addColumn('secret_sealed', 'text')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      for (const t of ['assistant_settings', 'assistant_messages', 'assistant_conversations', 'kb_articles']) await db.schema.dropTable(t).ifExists().execute();
    },
  };
}
