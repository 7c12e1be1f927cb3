/**
 * One training run: the workspace's events → training data → each algorithm trained on a seeded
 * holdout split and scored (P@10, R@10, NDCG@10 by evaluateRanking), then refitted on all the data
 * and stored as a version; the hybrid of the best ones too. Too little data trains popularity
 * only and says so.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { withTransaction } from '../db/transaction.js';
import type { EventStore } from '../events/event.store.js';
import type { Clock } from '../platform/clock.js';
import { newId } from '../platform/ids.js';
import { algorithm, availableAlgorithms, type TrainExtras } from './algorithms.js';
import { fitInThread } from './recommend.fit-thread.js';
import { fitAll } from './recommend.fit.js';
import { createDataBuilder, encodeSnapshot, type TrainingData } from './recommend.data.js';
import { finishRun, insertModel, insertRun, nextVersion, promotedModel, pruneSnapshots, setPromoted, type NewModelRow } from './recommend.repository.js';
import type { TrainableAlgorithm, TrainingSettings, TrainResult } from './recommend.schema.js';

const DAY_MS = 86_400_000;
const PAGE = 5_000;
/** Runs whose snapshots are kept (older runs' models stay listed but cannot be promoted). */
const KEEP_SNAPSHOTS = 5;

/** A catalog item as training needs it. */
export interface CatalogEntry {
  id: string;
  text: string;
}

export interface TrainerDeps {
  db: Kysely<Database>;
  clock: Clock;
  eventStore: EventStore;
  catalog: (workspaceId: string) => Promise<CatalogEntry[]>;
}

export interface TrainOptions {
  algorithms?: readonly TrainableAlgorithm[] | undefined;
  jobId?: string | null;
  onProgress?: (fraction: number, note: string) => Promise<void>;
  /** Fit in a worker thread (default), or on this one (tests that need determinism of timing do not; small runs may). */
  inThread?: boolean;
}

/** Read the workspace's interaction events into training data. */
export async function readTrainingData(deps: TrainerDeps, workspaceId: string, settings: TrainingSettings, catalog: readonly string[]): Promise<TrainingData> {
  const now = deps.clock.now();
  const builder = createDataBuilder(settings.weights, catalog, now);
  const names = [...new Set(settings.weights.map((w) => w.event))];
  const range = { from: now - settings.windowDays * DAY_MS, to: now + 1 };
  for (let afterId = 0; ; ) {
    const page = await deps.eventStore.scanNamed(deps.db, workspaceId, names, { ...range, afterId, limit: PAGE });
    for (const e of page) builder.add(e);
    if (page.length < PAGE) break;
    afterId = page[page.length - 1]!.id;
  }
  return builder.finish();
}

/** Train, evaluate and store one run for a workspace. */
export async function trainWorkspace(deps: TrainerDeps, workspaceId: string, settings: TrainingSettings, options: TrainOptions = {}): Promise<TrainResult> {
  const { db, clock } = deps;
  const progress = options.onProgress ?? (async () => {});
  const runId = newId('rrun', clock.now());
  await insertRun(db, { workspace_id: workspaceId, id: runId, status: 'running', job_id: options.jobId ?? null, params: JSON.stringify(settings), data_from: null, data_to: null, note: null, snapshot: null, created_at: clock.now(), finished_at: null });
  try {
    await progress(0.02, 'Reading the catalog');
    const catalog = await deps.catalog(workspaceId);
    await progress(0.05, 'Reading events');
    const data = await readTrainingData(deps, workspaceId, settings, catalog.map((c) => c.id));
    const textOf = new Map(catalog.map((c) => [c.id, c.text]));
    const extras: TrainExtras = { ages: data.ages, itemTexts: data.items.map((id) => textOf.get(id) ?? id) };
    const nnz = data.matrix.indices.length;
    const counts = { data_from: data.from, data_to: data.to, customers: data.customers.length, items: data.items.length, interactions: nnz };
    if (data.items.length === 0) {
      await finishRun(db, workspaceId, runId, { ...counts, status: 'failed', note: 'No products: import a catalog or send product events first', finished_at: clock.now() });
      return { runId, status: 'failed', models: [], promotedId: null };
    }
    const seed = `${workspaceId}:recommend`;
    const enough = nnz >= settings.minInteractions && data.customers.length >= settings.minCustomers && nnz >= 10;
    const wanted = enough ? (options.algorithms ?? settings.algorithms).filter((a) => algorithm(a)) : (['popularity'] as TrainableAlgorithm[]);
    if (!wanted.includes('popularity')) wanted.unshift('popularity');
    const fitInput = { matrix: data.matrix, ages: data.ages, itemTexts: extras.itemTexts, algorithms: wanted, seed };
    const onFit = (f: number, note: string): void => void progress(0.1 + 0.85 * f, note).catch(() => undefined);
    const trained = options.inThread === false ? fitAll(fitInput, onFit) : await fitInThread(fitInput, onFit);
    await progress(0.96, 'Saving models');
    const note = enough ? null : `Only ${nnz} interactions from ${data.customers.length} customers (at least ${settings.minInteractions} and ${settings.minCustomers} are needed): serving popular items`;
    const snapshot = encodeSnapshot(data);
    const result = await withTransaction(db, async (trx) => {
      let version = await nextVersion(trx, workspaceId);
      const now = clock.now();
      const rows: NewModelRow[] = trained.map((t) => ({
        workspace_id: workspaceId,
        id: newId('rmod', now),
        run_id: runId,
        version: version++,
        algorithm: t.algorithm,
        params: JSON.stringify(t.params),
        metrics: JSON.stringify(t.metrics),
        train_ms: t.ms,
        promoted: 0,
        promoted_at: null,
        model: JSON.stringify(t.model),
        created_at: now,
      }));
      for (const r of rows) await insertModel(trx, r);
      await finishRun(trx, workspaceId, runId, { ...counts, status: enough ? 'done' : 'insufficient', note, snapshot, finished_at: now });
      const current = await promotedModel(trx, workspaceId);
      const best = rows.map((r, i) => ({ r, t: trained[i]! })).sort((a, b) => b.t.metrics.ndcg - a.t.metrics.ndcg)[0];
      let promotedId = current?.id ?? null;
      if (best && (settings.autoPromote || !current)) {
        await setPromoted(trx, workspaceId, best.r.id, now);
        promotedId = best.r.id;
      }
      return { promotedId, models: rows.map((r, i) => ({ id: r.id, algorithm: trained[i]!.algorithm, ndcg: trained[i]!.metrics.ndcg })) };
    });
    await pruneSnapshots(db, workspaceId, KEEP_SNAPSHOTS);
    await progress(1, 'Done');
    return { runId, status: enough ? 'done' : 'insufficient', ...result };
  } catch (err) {
    await finishRun(db, workspaceId, runId, { status: 'failed', note: err instanceof Error ? err.message.slice(0, 500) : String(err), finished_at: clock.now() });
    throw err;
  }
}

/** Algorithms this build can train, in the order the dashboard lists them. */
export const trainableNow = availableAlgorithms;
