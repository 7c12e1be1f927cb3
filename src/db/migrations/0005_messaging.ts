import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectHelpers } from '../dialect.js';

/**
 * Messaging: templates, per-workspace channel settings (secrets sealed with the instance key),
 * the `messages` outbox that is also the delivery log, per-message events (delivered, open,
 * click, bounce, complaint, unsubscribe), the suppression list, frequency caps and channel-wide
 * marketing opt-outs. Subscription groups (0004) gain the fields the preference page shows.
 */
export function messaging(d: DialectHelpers): Migration {
  const json = sql.raw(d.jsonType);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('templates')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('subscription_group_id', 'text')
        .addColumn('default_locale', 'text', (c) => c.notNull())
        .addColumn('body', json, (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('templates_pk', ['workspace_id', 'id'])
        .execute();

      // One row per workspace and kind (email | sms | webhook | inbound): the non-secret settings
      // as JSON, the secret part (SMTP password, SMS token, signing secret) sealed with AES-GCM.
      await db.schema
        .createTable('channel_settings')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('settings', json, (c) => c.notNull())
        .addColumn('secret_sealed', 'text')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('channel_settings_pk', ['workspace_id', 'kind'])
        .execute();

      await db.schema
        .createTable('messages')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('idempotency_key', 'text', (c) => c.notNull())
        .addColumn('profile_id', 'text')
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('template_id', 'text')
        .addColumn('template_version', 'integer')
        .addColumn('subscription_group_id', 'text')
        .addColumn('source_kind', 'text', (c) => c.notNull())
        .addColumn('source_id', 'text')
        .addColumn('source_node_id', 'text')
        .addColumn('source_entry_id', 'text')
        .addColumn('to_address', 'text')
        .addColumn('locale', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('max_attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', 'bigint')
        .addColumn('lease_until', 'bigint')
        // Set durably just before a provider call passes its point of no return (SMTP: the end of DATA).
        .addColumn('committed_at', 'bigint')
        .addColumn('last_error', 'text')
        .addColumn('provider_message_id', 'text')
        .addColumn('provider_response', json)
        .addColumn('subject', 'text')
        .addColumn('preview', 'text')
        .addColumn('request', json, (c) => c.notNull())
        .addColumn('payload', json)
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('sent_at', 'bigint')
        .addPrimaryKeyConstraint('messages_pk', ['workspace_id', 'id'])
        .addUniqueConstraint('messages_idempotency', ['workspace_id', 'idempotency_key'])
        .execute();
      await db.schema.createIndex('messages_profile').on('messages').columns(['workspace_id', 'profile_id', 'channel', 'created_at']).execute();
      await db.schema.createIndex('messages_status').on('messages').columns(['workspace_id', 'status', 'updated_at']).execute();
      await db.schema.createIndex('messages_provider_id').on('messages').columns(['workspace_id', 'provider_message_id']).execute();
      // The recovery sweep looks across workspaces for rows left queued or sending.
      await db.schema.createIndex('messages_pending').on('messages').columns(['status', 'next_attempt_at']).execute();

      await db.schema
        .createTable('message_events')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('message_id', 'text', (c) => c.notNull())
        .addColumn('profile_id', 'text')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('data', json, (c) => c.notNull())
        // A provider that re-sends the same notification is recorded once (null: no dedupe).
        .addColumn('dedupe_key', 'text')
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('message_events_pk', ['workspace_id', 'id'])
        .execute();
      await db.schema.createIndex('message_events_message').on('message_events').columns(['workspace_id', 'message_id', 'at']).execute();
      await sql`create unique index message_events_dedupe on message_events (workspace_id, dedupe_key) where dedupe_key is not null`.execute(db);

      await db.schema
        .createTable('suppressions')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .addColumn('message_id', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('suppressions_pk', ['workspace_id', 'channel', 'address'])
        .execute();

      await db.schema
        .createTable('frequency_caps')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('max_messages', 'integer', (c) => c.notNull())
        .addColumn('window_days', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('frequency_caps_pk', ['workspace_id', 'channel'])
        .execute();

      // "Unsubscribe from all marketing on this channel": stronger than any one group, weaker than a
      // suppression (transactional messages still go, as CAN-SPAM and GDPR allow).
      await db.schema
        .createTable('channel_opt_outs')
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('profile_id', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('channel_opt_outs_pk', ['workspace_id', 'profile_id', 'channel'])
        .execute();

      await db.schema.alterTable('subscription_groups').addColumn('name_zh', 'text').execute();
      await db.schema.alterTable('subscription_groups').addColumn('description', 'text', (c) => c.notNull().defaultTo('')).execute();
      await db.schema.alterTable('subscription_groups').addColumn('status', 'text', (c) => c.notNull().defaultTo('active')).execute();
      await db.schema.alterTable('subscription_groups').addColumn('updated_at', 'bigint').execute();
      await db.schema.createIndex('subscriptions_profile').on('subscriptions').columns(['workspace_id', 'profile_id']).execute();
    },
  };
}
