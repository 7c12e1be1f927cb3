import type { Kysely, Migration } from 'kysely';
import type { DialectHelpers } from '../dialect.js';

/**
 * A workspace's default send hour (0–23, in its time zone): the hour a journey's "best time" delay
 * waits for until send-time prediction takes over. Existing workspaces keep 10:00, the engine's
 * default until now.
 */
export function workspaceSendHour(_d: DialectHelpers): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('workspaces').addColumn('default_send_hour', 'integer', (c) => c.notNull().defaultTo(10)).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('workspaces').dropColumn('default_send_hour').execute();
    },
  };
}
