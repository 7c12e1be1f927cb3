import { sql, type Kysely, type Selectable } from 'kysely';
import type { ComputedTraitDefinitionTable, Database } from '../db/database.js';
import type { DbOrTrx } from '../db/dialect.js';
import type { ComputedTraitDefinition } from './computed-trait.schema.js';

/** Tables `computed_trait_definitions` and `profile_computed_traits`; only the computed-trait service calls these. */

export type DefinitionRow = Selectable<ComputedTraitDefinitionTable>;

/** One stored value: numbers, dates (epoch ms) and booleans (0/1) in `num`, strings in `text`. */
export interface StoredValue {
  profileId: string;
  key: string;
  num: number | null;
  text: string | null;
}

const CHUNK = 500;

export async function upsertDefinitions(db: DbOrTrx, workspaceId: string, defs: readonly ComputedTraitDefinition[], now: number): Promise<void> {
  if (defs.length === 0) return;
  await db
    .insertInto('computed_trait_definitions')
    .values(
      defs.map((d) => ({
        workspace_id: workspaceId,
        key: d.key,
        value_type: d.valueType,
        label_en: d.label.en,
        label_zh: d.label.zh,
        allowed_values: d.values ? JSON.stringify(d.values) : null,
        source: d.source,
        updated_at: now,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'key']).doUpdateSet((eb) => ({
        value_type: eb.ref('excluded.value_type'),
        label_en: eb.ref('excluded.label_en'),
        label_zh: eb.ref('excluded.label_zh'),
        allowed_values: eb.ref('excluded.allowed_values'),
        source: eb.ref('excluded.source'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
}

export function listDefinitions(db: DbOrTrx, workspaceId: string): Promise<DefinitionRow[]> {
  return db.selectFrom('computed_trait_definitions').selectAll().where('workspace_id', '=', workspaceId).orderBy('key').execute();
}

/** Mark definitions as recomputed (their values were just replaced). */
export async function touchDefinitions(db: DbOrTrx, workspaceId: string, keys: readonly string[], now: number): Promise<void> {
  await db.updateTable('computed_trait_definitions').set({ updated_at: now }).where('workspace_id', '=', workspaceId).where('key', 'in', keys).execute();
}

export async function readValues(db: DbOrTrx, workspaceId: string, keys: readonly string[]): Promise<StoredValue[]> {
  const rows = await db
    .selectFrom('profile_computed_traits')
    .select(['profile_id', 'key', 'num_value', 'text_value'])
    .where('workspace_id', '=', workspaceId)
    .where('key', 'in', keys)
    .execute();
  return rows.map((r) => ({ profileId: r.profile_id, key: r.key, num: r.num_value === null ? null : Number(r.num_value), text: r.text_value }));
}

export async function writeValues(db: DbOrTrx, workspaceId: string, values: readonly StoredValue[], now: number): Promise<void> {
  for (let i = 0; i < values.length; i += CHUNK) {
    await db
      .insertInto('profile_computed_traits')
      .values(values.slice(i, i + CHUNK).map((v) => ({ workspace_id: workspaceId, profile_id: v.profileId, key: v.key, num_value: v.num, text_value: v.text, updated_at: now })))
      .onConflict((oc) =>
        oc.columns(['workspace_id', 'key', 'profile_id']).doUpdateSet((eb) => ({
          num_value: eb.ref('excluded.num_value'),
          text_value: eb.ref('excluded.text_value'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}

export async function deleteValues(db: DbOrTrx, workspaceId: string, key: string, profileIds: readonly string[]): Promise<void> {
  for (let i = 0; i < profileIds.length; i += CHUNK) {
    await db
      .deleteFrom('profile_computed_traits')
      .where('workspace_id', '=', workspaceId)
      .where('key', '=', key)
      .where('profile_id', 'in', profileIds.slice(i, i + CHUNK))
      .execute();
  }
}

export async function valuesForProfile(db: DbOrTrx, workspaceId: string, profileId: string): Promise<StoredValue[]> {
  const rows = await db
    .selectFrom('profile_computed_traits')
    .select(['key', 'num_value', 'text_value'])
    .where('workspace_id', '=', workspaceId)
    .where('profile_id', '=', profileId)
    .orderBy('key')
    .execute();
  return rows.map((r) => ({ profileId, key: r.key, num: r.num_value === null ? null : Number(r.num_value), text: r.text_value }));
}

export interface TallyRow {
  /** Per `by` key, the stored value pair. */
  values: { num: number | null; text: string | null }[];
  count: number;
  sum: number;
}

/**
 * Count profiles by the combination of their values of `by` (profiles need every one of them),
 * summing `sumKey`'s value, in one grouped query over self-joins of the value table.
 * Table aliases are generated here (t0, t1, …, s); keys and the workspace are bound parameters.
 */
export async function tallyValues(db: Kysely<Database>, workspaceId: string, by: readonly string[], sumKey: string | null): Promise<TallyRow[]> {
  const alias = (i: number) => sql.raw(`t${i}`);
  const joins = by.slice(1).map(
    (key, j) => sql`join profile_computed_traits ${alias(j + 1)} on ${alias(j + 1)}.workspace_id = t0.workspace_id and ${alias(j + 1)}.profile_id = t0.profile_id and ${alias(j + 1)}.key = ${key}`,
  );
  if (sumKey !== null) joins.push(sql`left join profile_computed_traits s on s.workspace_id = t0.workspace_id and s.profile_id = t0.profile_id and s.key = ${sumKey}`);
  const columns = by.flatMap((_, i) => [sql`${alias(i)}.num_value as ${sql.raw(`n${i}`)}`, sql`${alias(i)}.text_value as ${sql.raw(`x${i}`)}`]);
  const groups = by.flatMap((_, i) => [sql`${alias(i)}.num_value`, sql`${alias(i)}.text_value`]);
  const total = sumKey !== null ? sql`sum(s.num_value)` : sql`0`;
  const result = await sql<Record<string, unknown>>`
    select ${sql.join(columns)}, count(*) as cnt, ${total} as total
    from profile_computed_traits t0 ${sql.join(joins, sql` `)}
    where t0.workspace_id = ${workspaceId} and t0.key = ${by[0] ?? ''}
    group by ${sql.join(groups)}`.execute(db);
  // Aggregates arrive as numbers on SQLite and as numeric types on PostgreSQL: normalise here (STYLE §7).
  const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
  const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  return result.rows.map((r) => ({
    values: by.map((_, i) => ({ num: num(r[`n${i}`]), text: text(r[`x${i}`]) })),
    count: Number(r.cnt),
    sum: num(r.total) ?? 0,
  }));
}
