import type { Kysely, Migration } from 'kysely';
import type { DialectHelpers } from '../dialect.js';

/** imports.rows_skipped: rows an import left alone because they were already stored (re-imported orders). */
export function importRowsSkipped(_d: DialectHelpers): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('imports').addColumn('rows_skipped', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    },
  };
}
