import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectHelpers } from '../dialect.js';

/** Workspaces, auth, events, profiles and identities, catalog, orders, imports. */
export function foundation(d: DialectHelpers): Migration {
  const json = sql.raw(d.jsonType);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('workspaces')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('slug', 'text', (c) => c.notNull().unique())
        .addColumn('is_demo', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('currency', 'text', (c) => c.notNull().defaultTo('CNY'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('memberships')
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('memberships_pk', ['user_id', 'workspace_id'])
        .execute();
      await db.schema
        .createTable('sessions')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('api_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('key_hash', 'text', (c) => c.notNull().unique())
        .addColumn('key_stored', 'text', (c) => c.notNull())
        .addColumn('key_last4', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_used_at', 'bigint')
        .addColumn('revoked_at', 'bigint')
        .execute();
      await db.schema
        .createTable('audit_log')
        .addColumn('id', d.name === 'sqlite' ? 'integer' : 'bigserial', (c) =>
          d.name === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey(),
        )
        .addColumn('workspace_id', 'text')
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target', 'text')
        .addColumn('data', json, (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('profiles')
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('user_id', 'text')
        .addColumn('email', 'text')
        .addColumn('phone', 'text')
        .addColumn('traits', json, (c) => c.notNull())
        .addColumn('trait_times', json, (c) => c.notNull())
        .addColumn('first_seen_at', 'bigint', (c) => c.notNull())
        .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
        .addColumn('event_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('merged_into', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        // Workspace first: lookups by id within a workspace use the key, never a workspace-wide scan.
        .addPrimaryKeyConstraint('profiles_pk', ['workspace_id', 'id'])
        .execute();
      await db.schema.createIndex('profiles_ws_last_seen').on('profiles').columns(['workspace_id', 'last_seen_at']).execute();
      await db.schema.createIndex('profiles_ws_first_seen').on('profiles').columns(['workspace_id', 'first_seen_at']).execute();
      await db.schema.createIndex('profiles_ws_email').on('profiles').columns(['workspace_id', 'email']).execute();

      await db.schema
        .createTable('identities')
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('profile_id', 'text', (c) => c.notNull())
        .addColumn('first_seen_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('identities_pk', ['workspace_id', 'kind', 'value'])
        .execute();
      await db.schema.createIndex('identities_profile').on('identities').columns(['profile_id']).execute();

      await db.schema
        .createTable('profile_merges')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('from_profile_id', 'text', (c) => c.notNull())
        .addColumn('into_profile_id', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('merged_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('profile_merges_into').on('profile_merges').columns(['into_profile_id']).execute();

      await db.schema
        .createTable('events')
        // An integer key in insertion order: the row's own B-tree, no extra index to maintain per event.
        .addColumn('id', d.name === 'sqlite' ? 'integer' : 'bigserial', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('message_id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('name', 'text')
        .addColumn('profile_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text')
        .addColumn('anonymous_id', 'text')
        .addColumn('properties', json, (c) => c.notNull())
        .addColumn('context', json, (c) => c.notNull())
        .addColumn('timestamp', 'bigint', (c) => c.notNull())
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .addColumn('sent_at', 'bigint')
        .addUniqueConstraint('events_message_id', ['workspace_id', 'message_id'])
        .execute();
      // Accepted events waiting for identity resolution: appended on the request path (sequential
      // writes only), moved into \`events\` in large groups by the ingest processor.
      await db.schema
        .createTable('event_inbox')
        .addColumn('id', d.name === 'sqlite' ? 'integer' : 'bigserial', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('message_id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('name', 'text')
        .addColumn('user_id', 'text')
        .addColumn('anonymous_id', 'text')
        .addColumn('properties', 'text', (c) => c.notNull())
        .addColumn('context', 'text', (c) => c.notNull())
        .addColumn('timestamp', 'bigint', (c) => c.notNull())
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .addColumn('sent_at', 'bigint')
        .execute();
      await db.schema.createIndex('events_profile_time').on('events').columns(['profile_id', 'timestamp']).execute();
      await db.schema.createIndex('events_ws_time').on('events').columns(['workspace_id', 'timestamp']).execute();
      await db.schema.createIndex('events_ws_name_time').on('events').columns(['workspace_id', 'name', 'timestamp']).execute();

      await db.schema
        .createTable('products')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('names', json, (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('descriptions', json, (c) => c.notNull())
        .addColumn('categories', json, (c) => c.notNull())
        .addColumn('category', 'text')
        .addColumn('price', 'double precision')
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('in_stock', 'integer', (c) => c.notNull())
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('url', 'text')
        .addColumn('image_url', 'text')
        .addColumn('brand', 'text')
        .addColumn('attributes', json, (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('products_pk', ['workspace_id', 'id'])
        .execute();
      await db.schema.createIndex('products_ws_category').on('products').columns(['workspace_id', 'category']).execute();

      await db.schema
        .createTable('orders')
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('order_id', 'text', (c) => c.notNull())
        .addColumn('profile_id', 'text', (c) => c.notNull())
        .addColumn('total', 'double precision', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('placed_at', 'bigint', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('orders_pk', ['workspace_id', 'order_id'])
        .execute();
      await db.schema.createIndex('orders_profile').on('orders').columns(['profile_id', 'placed_at']).execute();
      await db.schema.createIndex('orders_ws_time').on('orders').columns(['workspace_id', 'placed_at']).execute();
      await db.schema
        .createTable('order_items')
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('order_id', 'text', (c) => c.notNull())
        .addColumn('line', 'integer', (c) => c.notNull())
        .addColumn('product_id', 'text', (c) => c.notNull())
        .addColumn('quantity', 'double precision', (c) => c.notNull())
        .addColumn('price', 'double precision', (c) => c.notNull())
        .addPrimaryKeyConstraint('order_items_pk', ['workspace_id', 'order_id', 'line'])
        .execute();
      await db.schema.createIndex('order_items_product').on('order_items').columns(['workspace_id', 'product_id']).execute();

      await db.schema
        .createTable('imports')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('file_name', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('total_bytes', 'bigint')
        .addColumn('processed_bytes', 'bigint', (c) => c.notNull())
        .addColumn('rows_processed', 'integer', (c) => c.notNull())
        .addColumn('rows_imported', 'integer', (c) => c.notNull())
        .addColumn('rows_failed', 'integer', (c) => c.notNull())
        .addColumn('errors', json, (c) => c.notNull())
        .addColumn('failure', json, (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('finished_at', 'bigint')
        .execute();
    },
  };
}
