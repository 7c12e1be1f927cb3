import type { Kysely } from 'kysely';
import type { CatalogService } from '../catalog/catalog.service.js';
import type { Database } from '../db/database.js';
import { readJson } from '../db/dialect.js';
import { withTransaction } from '../db/transaction.js';
import { eventProperties, type EventStore } from '../events/event.store.js';
import type { CommittedBatch } from '../ingest/ingest.service.js';
import type { Product, RecommendationProvider } from '../messaging/template.render.js';
import { audit } from '../platform/audit.js';
import type { Clock } from '../platform/clock.js';
import { notFound, UserError } from '../platform/errors.js';
import { say } from '../platform/language.js';
import { newId, toIso, toIsoOrNull } from '../platform/ids.js';
import type { JobQueue } from '../queue/queue.js';
import { deserializeModel } from './algorithms.js';
import { createDataBuilder, decodeSnapshot, KIND_CARTED, KIND_PURCHASED, KIND_VIEWED, productIdsOf } from './recommend.data.js';
import { attributeBatch, onlineMetrics } from './recommend.metrics.js';
import { findModel, insertSlots, listModels, listRuns, promotedModel, readSettings, runSnapshot, setPromoted, writeSettings, type NewSlotRow } from './recommend.repository.js';
import {
  ModelAlgorithm,
  RankingMetricsView,
  RecommendSettings,
  RunStatus,
  type BoughtTogetherList,
  type ModelList,
  type OnlineMetrics,
  type RecommendationList,
  type RecommendationQuery,
  type RecommendSettingsUpdate,
  type RecommendedItem,
  type RequestFilters,
  type SessionRequest,
  type TrainableAlgorithm,
} from './recommend.schema.js';
import { boughtWith, buildServingState, noteInteraction, recommendFor, similarTo, type Pick, type Served, type ServedProduct, type ServingState } from './recommend.serving.js';
import type { CatalogEntry } from './recommend.trainer.js';

export const TRAIN_QUEUE = 'recommend.train';
export const TRAIN_SCHEDULE_QUEUE = 'recommend.schedule';

/** Rebuild the in-memory catalog view this often (stock and prices change). */
const CATALOG_TTL_MS = 5 * 60_000;
const SLOT_FLUSH_MS = 1_000;
/** The query parameter recommendation links carry: `nrec=<slotId>`. */
export const SLOT_PARAM = 'nrec';

export interface RecommendService {
  /** Recommendations for a customer (profile id or user id; unknown ids get popular items). */
  recommend(workspaceId: string, customer: string, query: RecommendationQuery, options?: { surface?: string; log?: boolean }): Promise<RecommendationList>;
  /** Recommendations from the items of an anonymous session. */
  session(workspaceId: string, request: SessionRequest): Promise<RecommendationList>;
  similar(workspaceId: string, productId: string, filters: RequestFilters): Promise<RecommendationList>;
  boughtTogether(workspaceId: string, productIds: readonly string[], n: number): Promise<BoughtTogetherList>;
  models(workspaceId: string): Promise<ModelList>;
  /** Enqueue a training run; while one waits, returns that job's id. */
  train(workspaceId: string, algorithms?: TrainableAlgorithm[]): Promise<string>;
  promote(workspaceId: string, modelId: string, actor: string): Promise<ModelList>;
  settings(workspaceId: string): Promise<RecommendSettings>;
  updateSettings(workspaceId: string, update: RecommendSettingsUpdate, actor: string): Promise<RecommendSettings>;
  metrics(workspaceId: string, days: number): Promise<OnlineMetrics>;
  /** What `{% recommend %}` shows a customer in a message. */
  templateProvider(workspaceId: string): RecommendationProvider;
  /** Forget a workspace's in-memory model (after training or promotion). */
  invalidate(workspaceId: string): void;
  /** Ingest listener: fresh interactions into serving, clicks and purchases attributed to slots. */
  ingested(batch: CommittedBatch): Promise<void>;
  /** Load a workspace's serving state now (start-up, benchmarks). */
  warm(workspaceId: string): Promise<void>;
  /** Write slots still buffered. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export interface RecommendServiceDeps {
  db: Kysely<Database>;
  clock: Clock;
  queue: JobQueue;
  catalog: CatalogService;
  eventStore: EventStore;
  onError: (err: unknown) => void;
}

/** Every catalog item, paged, as serving and training need it. */
export async function catalogSnapshot(catalog: CatalogService, workspaceId: string): Promise<{ served: ServedProduct[]; entries: CatalogEntry[] }> {
  const served: ServedProduct[] = [];
  const entries: CatalogEntry[] = [];
  for (let offset = 0; ; offset += 500) {
    const page = await catalog.list(workspaceId, { limit: 500, offset });
    for (const p of page.items) {
      served.push({ id: p.id, name: p.name, names: p.names, category: p.categories[0] ?? null, categories: p.categories, price: p.price, currency: p.currency, inStock: p.inStock, url: p.url, imageUrl: p.imageUrl });
      entries.push({ id: p.id, text: [p.name, ...Object.values(p.names), p.description, ...Object.values(p.descriptions), ...p.categories, p.brand ?? ''].join(' ') });
    }
    if (page.items.length < 500) break;
  }
  return { served, entries };
}

/** A link to the product that says which slot it came from. */
export function withSlot(url: string | null, slotId: string): string | null {
  if (!url || !/^https?:\/\//i.test(url)) return url;
  try {
    const u = new URL(url);
    u.searchParams.set(SLOT_PARAM, slotId);
    return u.toString();
  } catch {
    return url;
  }
}

export function createRecommendService(deps: RecommendServiceDeps): RecommendService {
  const { db, clock } = deps;
  const states = new Map<string, { state: ServingState | null; loading: Promise<ServingState> | null; generation: number }>();
  let pendingSlots: NewSlotRow[] = [];
  let flushing: Promise<void> = Promise.resolve();

  async function settingsOf(workspaceId: string): Promise<RecommendSettings> {
    const raw = await readSettings(db, workspaceId);
    const parsed = RecommendSettings.safeParse(readJson(raw, {}));
    // Settings are validated when written; a row an older build wrote falls back to the defaults.
    return parsed.success ? parsed.data : RecommendSettings.parse({});
  }

  async function buildState(workspaceId: string): Promise<ServingState> {
    const [row, settings, catalog] = await Promise.all([promotedModel(db, workspaceId), settingsOf(workspaceId), catalogSnapshot(deps.catalog, workspaceId)]);
    const snapshot = row ? await runSnapshot(db, workspaceId, row.run_id) : null;
    if (row && snapshot && row.model) {
      const model = deserializeModel(JSON.parse(row.model) as Parameters<typeof deserializeModel>[0]); // checked by the algorithm's deserialize
      return buildServingState({ modelId: row.id, algorithm: row.algorithm, model, data: decodeSnapshot(snapshot), catalog: catalog.served, rules: settings.rules, now: clock.now() });
    }
    // Nothing trained yet: the catalog, served as popular until the first run lands.
    const empty = createDataBuilder(settings.training.weights, [], clock.now()).finish();
    return buildServingState({ modelId: null, algorithm: null, model: null, data: empty, catalog: catalog.served, rules: settings.rules, now: clock.now() });
  }

  function stateOf(workspaceId: string): ServingState | Promise<ServingState> {
    let entry = states.get(workspaceId);
    if (!entry) {
      entry = { state: null, loading: null, generation: 0 };
      states.set(workspaceId, entry);
    }
    const e = entry;
    const reload = (): Promise<ServingState> => {
      const generation = e.generation;
      const p = buildState(workspaceId).then(
        (s) => {
          if (e.generation === generation) e.state = s;
          if (e.loading === p) e.loading = null;
          return s;
        },
        (err: unknown) => {
          if (e.loading === p) e.loading = null;
          throw err;
        },
      );
      e.loading = p;
      return p;
    };
    if (e.state) {
      // Stale catalog: rebuilt in the background, the current state keeps serving meanwhile.
      if (clock.now() - e.state.builtAt > CATALOG_TTL_MS && !e.loading) reload().catch(deps.onError);
      return e.state;
    }
    return e.loading ?? reload();
  }

  const timer = setInterval(() => {
    service.flush().catch(deps.onError);
  }, SLOT_FLUSH_MS);
  timer.unref();

  function logSlot(workspaceId: string, s: ServingState, profileId: string | null, surface: string, items: readonly string[]): string {
    const id = newId('rs', clock.now());
    pendingSlots.push({ workspace_id: workspaceId, id, model_id: s.modelId, profile_id: profileId, surface, items: JSON.stringify(items), item_count: items.length, created_at: clock.now() });
    return id;
  }

  function toItems(s: ServingState, picks: readonly Pick[], slotId: string): RecommendedItem[] {
    return picks.map((p) => {
      const prod = s.products[p.item];
      const id = prod?.id ?? s.data.items[p.item] ?? '';
      return {
        productId: id,
        name: prod?.name ?? id,
        names: prod?.names ?? {},
        category: prod?.category ?? null,
        price: prod?.price ?? null,
        currency: prod?.currency ?? 'CNY',
        url: withSlot(prod?.url ?? null, slotId),
        imageUrl: prod?.imageUrl ?? null,
        score: Number.isFinite(p.score) ? p.score : 0,
        reason: p.reason,
      };
    });
  }

  function list(workspaceId: string, s: ServingState, served: Served, surface: string, log: boolean): RecommendationList {
    const ids = served.picks.map((p) => s.products[p.item]?.id ?? '');
    const slotId = log ? logSlot(workspaceId, s, served.profileId, surface, ids) : newId('rs', clock.now());
    return { slotId, modelId: s.modelId, algorithm: s.algorithm, source: served.source, profileId: served.profileId, historySize: served.historySize, items: toItems(s, served.picks, slotId) };
  }

  const state = async (workspaceId: string): Promise<ServingState> => {
    const s = stateOf(workspaceId);
    return s instanceof Promise ? await s : s;
  };

  const service: RecommendService = {
    async recommend(workspaceId, customer, query, options = {}) {
      const s = await state(workspaceId);
      const served = recommendFor(s, customer, query, query.context ?? []);
      return list(workspaceId, s, served, options.surface ?? 'api', options.log ?? true);
    },

    async session(workspaceId, request) {
      const s = await state(workspaceId);
      const served = recommendFor(s, null, request, request.items);
      return list(workspaceId, s, served, 'session', true);
    },

    async similar(workspaceId, productId, filters) {
      const s = await state(workspaceId);
      return list(workspaceId, s, similarTo(s, productId, filters), 'similar', true);
    },

    async boughtTogether(workspaceId, productIds, n) {
      const s = await state(workspaceId);
      const { picks } = boughtWith(s, productIds, n);
      const slotId = logSlot(workspaceId, s, null, 'bought_together', picks.map((p) => s.products[p.item]?.id ?? ''));
      const items = toItems(s, picks, slotId);
      return { slotId, items: items.map((it, i) => ({ ...it, support: picks[i]!.support, lift: Math.round(picks[i]!.lift * 1000) / 1000 })) };
    },

    async models(workspaceId) {
      const [rows, runs] = await Promise.all([listModels(db, workspaceId, 100), listRuns(db, workspaceId, 20)]);
      const items = rows.map((r) => ({
        id: r.id,
        version: r.version,
        runId: r.run_id,
        algorithm: ModelAlgorithm.parse(r.algorithm),
        params: readJson<Record<string, unknown>>(r.params, {}),
        metrics: RankingMetricsView.parse(readJson(r.metrics, {})),
        trainMs: r.train_ms,
        promoted: r.promoted === 1,
        promotedAt: toIsoOrNull(r.promoted_at === null ? null : Number(r.promoted_at)),
        createdAt: toIso(Number(r.created_at)),
      }));
      return {
        promotedId: items.find((m) => m.promoted)?.id ?? null,
        items,
        runs: runs.map((r) => ({
          id: r.id,
          status: RunStatus.parse(r.status),
          jobId: r.job_id,
          dataFrom: toIsoOrNull(r.data_from === null ? null : Number(r.data_from)),
          dataTo: toIsoOrNull(r.data_to === null ? null : Number(r.data_to)),
          customers: Number(r.customers),
          items: Number(r.items),
          interactions: Number(r.interactions),
          note: r.note,
          createdAt: toIso(Number(r.created_at)),
          finishedAt: toIsoOrNull(r.finished_at === null ? null : Number(r.finished_at)),
        })),
      };
    },

    train(workspaceId, algorithms) {
      return deps.queue.enqueue(TRAIN_QUEUE, { workspaceId, ...(algorithms ? { algorithms } : {}) }, { workspaceId, dedupeKey: `recommend:${workspaceId}` });
    },

    async promote(workspaceId, modelId, actor) {
      const row = await findModel(db, workspaceId, modelId);
      if (!row) throw notFound(say('Model', '模型'), 'id');
      const snapshot = await runSnapshot(db, workspaceId, row.run_id);
      if (!snapshot) throw new UserError('RECOMMEND_MODEL_EXPIRED', say('This version is too old to serve (its training data was pruned); train again', '该版本太旧，无法启用（其训练数据已清理），请重新训练'), { status: 409, field: 'id' });
      await withTransaction(db, async (trx) => {
        await setPromoted(trx, workspaceId, modelId, clock.now());
        await audit(trx, { workspaceId, actor, action: 'recommend.promote', target: modelId, data: { version: row.version, algorithm: row.algorithm }, at: clock.now() });
      });
      service.invalidate(workspaceId);
      return service.models(workspaceId);
    },

    settings: settingsOf,

    async updateSettings(workspaceId, update, actor) {
      const current = await settingsOf(workspaceId);
      const next = RecommendSettings.parse({ training: update.training ?? current.training, rules: update.rules ?? current.rules });
      if (next.rules.boost.some((id) => next.rules.bury.includes(id))) {
        throw new UserError('RECOMMEND_BOOST_AND_BURY', say('A product cannot be both boosted and buried', '同一商品不能既提升又下沉'), { field: 'rules.bury' });
      }
      const names = next.training.weights.map((w) => w.event);
      if (new Set(names).size !== names.length) throw new UserError('RECOMMEND_DUPLICATE_EVENT', say('Each event can have one weight', '每个事件只能设置一个权重'), { field: 'training.weights' });
      const now = clock.now();
      await withTransaction(db, async (trx) => {
        await writeSettings(trx, workspaceId, JSON.stringify(next), now);
        await audit(trx, { workspaceId, actor, action: 'recommend.settings', target: null, data: next, at: now });
      });
      service.invalidate(workspaceId);
      return next;
    },

    async metrics(workspaceId, days) {
      await service.flush();
      return onlineMetrics(db, workspaceId, clock.now(), days);
    },

    templateProvider(workspaceId) {
      return async (n, ctx): Promise<Product[]> => {
        const list = await service.recommend(workspaceId, ctx.profile.id, { n }, { surface: 'template' });
        return list.items.map((it) => ({ id: it.productId, name: it.name, names: it.names, price: it.price, currency: it.currency, url: it.url, imageUrl: it.imageUrl }));
      };
    },

    invalidate(workspaceId) {
      const e = states.get(workspaceId);
      if (!e) return;
      e.generation++;
      e.state = null;
      e.loading = null;
    },

    async ingested(batch) {
      const e = states.get(batch.workspaceId);
      const s = e?.state;
      if (s) {
        for (const ev of batch.events) {
          if (!ev.name) continue;
          const bits = ev.name === 'Order Completed' ? KIND_PURCHASED : ev.name === 'Product Added' ? KIND_CARTED : ev.name === 'Product Viewed' ? KIND_VIEWED : 0;
          if (!bits) continue;
          const props = eventProperties(ev);
          const keys = [ev.profileId, ...(ev.userId ? [ev.userId] : [])];
          for (const id of productIdsOf(props).ids) noteInteraction(s, keys, id, bits);
        }
      }
      await service.flush();
      await attributeBatch(db, batch, (ws) => settingsOf(ws).then((x) => x.rules.attributionDays));
    },

    async warm(workspaceId) {
      await state(workspaceId);
    },

    async flush() {
      const rows = pendingSlots;
      pendingSlots = [];
      const run = flushing.then(() => (rows.length ? insertSlots(db, rows) : undefined));
      flushing = run.catch((err: unknown) => deps.onError(err));
      await run;
    },

    async close() {
      clearInterval(timer);
      await service.flush().catch(deps.onError);
    },
  };
  return service;
}
