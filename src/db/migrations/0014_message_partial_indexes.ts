import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectHelpers } from '../dialect.js';

/**
 * Every message is inserted `sending` with no provider id and updated once the provider answers,
 * and almost every one then stays `sent` for good. Two of its indexes held every row for the sake
 * of a few:
 * - `messages_provider_id` kept a (workspace, NULL) entry for each message until its answer came,
 *   then moved it: now only messages with a provider id are indexed (lookups by id imply it).
 * - `messages_pending` (status, next_attempt_at) held every sent message for the recovery sweep,
 *   which looks only at queued rows by their next attempt and sending rows by their lease: now one
 *   partial index each, which a message leaves when it is sent.
 * A message's insert and its outcome update touch three index entries fewer, and the sweep's
 * indexes stay as small as the work in flight. Queries name the status as a literal (message.repository.ts
 * stuckMessages), so both planners can match the partial indexes.
 */
export function messagePartialIndexes(_d: DialectHelpers): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.dropIndex('messages_provider_id').execute();
      await db.schema.createIndex('messages_provider_id').on('messages').columns(['workspace_id', 'provider_message_id']).where(sql.ref('provider_message_id'), 'is not', null).execute();
      await db.schema.dropIndex('messages_pending').execute();
      await db.schema.createIndex('messages_queued').on('messages').column('next_attempt_at').where(sql.ref('status'), '=', sql.lit('queued')).execute();
      await db.schema.createIndex('messages_sending').on('messages').column('lease_until').where(sql.ref('status'), '=', sql.lit('sending')).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('messages_sending').execute();
      await db.schema.dropIndex('messages_queued').execute();
      await db.schema.createIndex('messages_pending').on('messages').columns(['status', 'next_attempt_at']).execute();
      await db.schema.dropIndex('messages_provider_id').execute();
      await db.schema.createIndex('messages_provider_id').on('messages').columns(['workspace_id', 'provider_message_id']).execute();
    },
  };
}
