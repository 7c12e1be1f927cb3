import type { Kysely, Migration } from 'kysely';
import type { DialectHelpers } from '../dialect.js';

/**
 * A workspace's own time zone (IANA name): where a customer has no `timezone` trait, journeys'
 * times of day and broadcasts' quiet hours are read in it. Existing workspaces keep UTC, which is
 * what they used until now.
 */
export function workspaceTimezone(_d: DialectHelpers): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('workspaces').addColumn('timezone', 'text', (c) => c.notNull().defaultTo('UTC')).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('workspaces').dropColumn('timezone').execute();
    },
  };
}
