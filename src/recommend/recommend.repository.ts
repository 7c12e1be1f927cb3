import { sql, type Insertable, type Selectable } from 'kysely';
import type { RecommendModelTable, RecommendOutcomeTable, RecommendRunTable, RecommendSlotTable } from '../db/database.js';
import type { DbOrTrx } from '../db/dialect.js';

export type RunRow = Selectable<RecommendRunTable>;
export type ModelRow = Omit<Selectable<RecommendModelTable>, 'model'>;
export type NewModelRow = Insertable<RecommendModelTable>;
export type NewSlotRow = Insertable<RecommendSlotTable>;
export type NewOutcomeRow = Insertable<RecommendOutcomeTable>;

const MODEL_COLUMNS = ['workspace_id', 'id', 'run_id', 'version', 'algorithm', 'params', 'metrics', 'train_ms', 'promoted', 'promoted_at', 'created_at'] as const;

export async function insertRun(db: DbOrTrx, row: Insertable<RecommendRunTable>): Promise<void> {
  await db.insertInto('recommend_runs').values(row).execute();
}

export async function finishRun(db: DbOrTrx, workspaceId: string, id: string, patch: Partial<Omit<Insertable<RecommendRunTable>, 'workspace_id' | 'id'>>): Promise<void> {
  await db.updateTable('recommend_runs').set(patch).where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
}

/** Runs, newest first, without their snapshots. */
export async function listRuns(db: DbOrTrx, workspaceId: string, limit: number): Promise<Omit<RunRow, 'snapshot'>[]> {
  return db
    .selectFrom('recommend_runs')
    .select(['workspace_id', 'id', 'status', 'job_id', 'params', 'data_from', 'data_to', 'customers', 'items', 'interactions', 'note', 'created_at', 'finished_at'])
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

export async function runSnapshot(db: DbOrTrx, workspaceId: string, runId: string): Promise<string | null> {
  const r = await db.selectFrom('recommend_runs').select('snapshot').where('workspace_id', '=', workspaceId).where('id', '=', runId).executeTakeFirst();
  return r?.snapshot ?? null;
}

/** The next version number of a workspace's models. */
export async function nextVersion(db: DbOrTrx, workspaceId: string): Promise<number> {
  const r = await db.selectFrom('recommend_models').select((eb) => eb.fn.max('version').as('v')).where('workspace_id', '=', workspaceId).executeTakeFirst();
  return Number(r?.v ?? 0) + 1;
}

export async function insertModel(db: DbOrTrx, row: NewModelRow): Promise<void> {
  await db.insertInto('recommend_models').values(row).execute();
}

export async function listModels(db: DbOrTrx, workspaceId: string, limit: number): Promise<ModelRow[]> {
  return db.selectFrom('recommend_models').select([...MODEL_COLUMNS]).where('workspace_id', '=', workspaceId).orderBy('version', 'desc').limit(limit).execute();
}

export async function findModel(db: DbOrTrx, workspaceId: string, id: string): Promise<ModelRow | undefined> {
  return db.selectFrom('recommend_models').select([...MODEL_COLUMNS]).where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

export async function promotedModel(db: DbOrTrx, workspaceId: string): Promise<(ModelRow & { model: string }) | undefined> {
  return db.selectFrom('recommend_models').selectAll().where('workspace_id', '=', workspaceId).where('promoted', '=', 1).executeTakeFirst();
}

/** Make `id` the one promoted model (call inside a transaction). */
export async function setPromoted(db: DbOrTrx, workspaceId: string, id: string, at: number): Promise<void> {
  await db.updateTable('recommend_models').set({ promoted: 0 }).where('workspace_id', '=', workspaceId).where('promoted', '=', 1).execute();
  await db.updateTable('recommend_models').set({ promoted: 1, promoted_at: at }).where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
}

/** Drop snapshots of old runs (their models stay listed), except the promoted model's run. */
export async function pruneSnapshots(db: DbOrTrx, workspaceId: string, keep: number): Promise<void> {
  const runs = await db.selectFrom('recommend_runs').select('id').where('workspace_id', '=', workspaceId).where('snapshot', 'is not', null).orderBy('created_at', 'desc').execute();
  const promoted = await db.selectFrom('recommend_models').select('run_id').where('workspace_id', '=', workspaceId).where('promoted', '=', 1).executeTakeFirst();
  const drop = runs.slice(keep).map((r) => r.id).filter((id) => id !== promoted?.run_id);
  if (drop.length === 0) return;
  await db.updateTable('recommend_runs').set({ snapshot: null }).where('workspace_id', '=', workspaceId).where('id', 'in', drop).execute();
  // Models of a run without its snapshot cannot be served; their bodies go too.
  await db.updateTable('recommend_models').set({ model: '' }).where('workspace_id', '=', workspaceId).where('run_id', 'in', drop).execute();
}

export async function readSettings(db: DbOrTrx, workspaceId: string): Promise<unknown> {
  const r = await db.selectFrom('recommend_settings').select('settings').where('workspace_id', '=', workspaceId).executeTakeFirst();
  return r?.settings;
}

export async function writeSettings(db: DbOrTrx, workspaceId: string, settings: string, at: number): Promise<void> {
  await db
    .insertInto('recommend_settings')
    .values({ workspace_id: workspaceId, settings, updated_at: at })
    .onConflict((oc) => oc.column('workspace_id').doUpdateSet({ settings, updated_at: at }))
    .execute();
}

export async function insertSlots(db: DbOrTrx, rows: readonly NewSlotRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) await db.insertInto('recommend_slots').values(rows.slice(i, i + 200)).onConflict((oc) => oc.doNothing()).execute();
}

export async function findSlots(db: DbOrTrx, workspaceId: string, ids: readonly string[]): Promise<Selectable<RecommendSlotTable>[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('recommend_slots').selectAll().where('workspace_id', '=', workspaceId).where('id', 'in', [...ids]).execute();
}

/** A customer's slots since `since`, newest first (purchase attribution). */
export async function slotsOfProfile(db: DbOrTrx, workspaceId: string, profileId: string, since: number): Promise<Selectable<RecommendSlotTable>[]> {
  return db.selectFrom('recommend_slots').selectAll().where('workspace_id', '=', workspaceId).where('profile_id', '=', profileId).where('created_at', '>=', since).orderBy('created_at', 'desc').limit(200).execute();
}

/** Record outcomes; a repeated click or purchase of the same item in the same slot counts once. */
export async function insertOutcomes(db: DbOrTrx, rows: readonly NewOutcomeRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) {
    await db.insertInto('recommend_outcomes').values(rows.slice(i, i + 200)).onConflict((oc) => oc.columns(['workspace_id', 'slot_id', 'kind', 'product_id']).doNothing()).execute();
  }
}

/** Slots and impressions per model since `since`. */
export async function slotTotals(db: DbOrTrx, workspaceId: string, since: number): Promise<{ modelId: string | null; slots: number; impressions: number }[]> {
  const rows = await db
    .selectFrom('recommend_slots')
    .select(['model_id', (eb) => eb.fn.countAll<number>().as('slots'), (eb) => eb.fn.sum<number>('item_count').as('impressions')])
    .where('workspace_id', '=', workspaceId)
    .where('created_at', '>=', since)
    .groupBy('model_id')
    .execute();
  return rows.map((r) => ({ modelId: r.model_id, slots: Number(r.slots), impressions: Number(r.impressions ?? 0) }));
}

/** Clicks, purchases, converting slots and revenue per model, for slots shown since `since`. */
export async function outcomeTotals(db: DbOrTrx, workspaceId: string, since: number): Promise<{ modelId: string | null; kind: string; count: number; slots: number; revenue: number }[]> {
  const rows = await db
    .selectFrom('recommend_outcomes as o')
    .innerJoin('recommend_slots as s', (j) => j.onRef('s.workspace_id', '=', 'o.workspace_id').onRef('s.id', '=', 'o.slot_id'))
    .select([
      's.model_id',
      'o.kind',
      (eb) => eb.fn.countAll<number>().as('n'),
      sql<number>`count(distinct o.slot_id)`.as('slots'),
      (eb) => eb.fn.sum<number>('o.revenue').as('revenue'),
    ])
    .where('o.workspace_id', '=', workspaceId)
    .where('s.created_at', '>=', since)
    .groupBy(['s.model_id', 'o.kind'])
    .execute();
  return rows.map((r) => ({ modelId: r.model_id, kind: r.kind, count: Number(r.n), slots: Number(r.slots), revenue: Number(r.revenue ?? 0) }));
}
