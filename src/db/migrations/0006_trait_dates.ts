import { sql, type Kysely, type Migration } from 'kysely';
import { traitDates } from '../../profiles/trait-dates.js';
import type { DialectHelpers } from '../dialect.js';
import { readJson } from '../dialect.js';

/**
 * `profiles.trait_dates`: each top-level trait that is a date, as epoch ms (profiles/trait-dates.ts),
 * so segment date rules compare numbers instead of parsing ISO strings per profile per evaluation.
 * Existing profiles are filled in pages.
 */
export function traitDatesColumn(d: DialectHelpers): Migration {
  const json = sql.raw(d.jsonType);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('profiles')
        .addColumn('trait_dates', json, (c) => c.notNull().defaultTo(sql`'{}'`))
        .execute();
      // Untyped handle (migrations create what the typed one describes): rows are read as they come.
      const untyped = db as Kysely<{ profiles: { workspace_id: string; id: string; traits: unknown; trait_dates: string } }>;
      let after: { workspace_id: string; id: string } | null = null;
      for (;;) {
        const cursor: { workspace_id: string; id: string } | null = after;
        const rows: { workspace_id: string; id: string; traits: unknown }[] = await untyped
          .selectFrom('profiles')
          .select(['workspace_id', 'id', 'traits'])
          .$if(cursor !== null, (q) => q.where((eb) => eb.or([eb('workspace_id', '>', cursor?.workspace_id ?? ''), eb.and([eb('workspace_id', '=', cursor?.workspace_id ?? ''), eb('id', '>', cursor?.id ?? '')])])))
          .orderBy('workspace_id')
          .orderBy('id')
          .limit(2000)
          .execute();
        if (rows.length === 0) break;
        const page = async (trx: typeof untyped) => {
          for (const r of rows) {
            const dates = traitDates(readJson<Record<string, unknown>>(r.traits, {}));
            if (Object.keys(dates).length === 0) continue;
            await trx.updateTable('profiles').set({ trait_dates: JSON.stringify(dates) }).where('workspace_id', '=', r.workspace_id).where('id', '=', r.id).execute();
          }
        };
        // PostgreSQL runs each migration in a transaction already; SQLite's (no transactional DDL in
        // Kysely) does not, and a commit per row would cost an fsync per row.
        if (untyped.isTransaction) await page(untyped);
        else await untyped.transaction().execute(page);
        const last: { workspace_id: string; id: string } | undefined = rows[rows.length - 1];
        after = last ? { workspace_id: last.workspace_id, id: last.id } : null;
      }
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('profiles').dropColumn('trait_dates').execute();
    },
  };
}
