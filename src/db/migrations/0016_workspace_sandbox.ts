import type { Kysely, Migration } from 'kysely';
import type { DialectHelpers } from '../dialect.js';

/**
 * A workspace's sandbox switch (0 or 1): while it is on, every message is rendered, checked against
 * consent and recorded as sent, but no provider is called, so nothing leaves Nudge. Existing
 * workspaces keep sending for real.
 */
export function workspaceSandbox(_d: DialectHelpers): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('workspaces').addColumn('sandbox', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('workspaces').dropColumn('sandbox').execute();
    },
  };
}
