import type { Kysely, Migration } from 'kysely';
import type { DialectHelpers } from '../dialect.js';

/**
 * A broadcast tick takes its due recipients in (send_at, profile_id) order. The index ended at
 * send_at, so every tick sorted all of the broadcast's pending recipients to take the first few
 * thousand (66 ms a tick at 100,000 on SQLite); with profile_id in the index the rows come in order.
 */
export function broadcastDueOrder(_d: DialectHelpers): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.dropIndex('broadcast_recipients_due').execute();
      await db.schema.createIndex('broadcast_recipients_due').on('broadcast_recipients').columns(['workspace_id', 'broadcast_id', 'status', 'send_at', 'profile_id']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('broadcast_recipients_due').execute();
      await db.schema.createIndex('broadcast_recipients_due').on('broadcast_recipients').columns(['workspace_id', 'broadcast_id', 'status', 'send_at']).execute();
    },
  };
}
