/**
 * Serving: the promoted model of a workspace kept in memory with its training snapshot and a
 * catalog view, so a top-N with business rules is a score pass, a mask and a heap — no query.
 * Rules: purchased items out (configurable), in stock only, category and price filters, at most N
 * per category, boost and bury lists. Unknown customers and items get popular items, with a reason.
 */
import type { SparseRow } from '../ml/sparse.js';
import { topK } from '../ml/topk.js';
import { boughtTogether } from './cooccurrence.js';
import { KIND_CARTED, KIND_PURCHASED, type TrainingData } from './recommend.data.js';
import { reason } from './recommend.reasons.js';
import type { Bilingual, Reason, RecommendationSource, RequestFilters, ServingRules } from './recommend.schema.js';
import type { RecommenderModel, ScoringInput } from './recommender.js';

/** A product as serving shows it. */
export interface ServedProduct {
  id: string;
  name: string;
  names: Record<string, string>;
  /** Broadest category (diversity, "popular in Y"), and every level (filters). */
  category: string | null;
  categories: readonly string[];
  price: number | null;
  currency: string;
  inStock: boolean;
  url: string | null;
  imageUrl: string | null;
}

/** Everything one workspace serves from, built when the promoted model or the catalog changes. */
export interface ServingState {
  readonly modelId: string | null;
  readonly algorithm: string | null;
  readonly model: RecommenderModel | null;
  readonly data: TrainingData;
  /** Per column: the catalog item, or null when it left the catalog (never served). */
  readonly products: readonly (ServedProduct | null)[];
  readonly itemIndex: ReadonlyMap<string, number>;
  /** Score of each item for customers without history: recency-weighted counts. */
  readonly popularity: Float32Array;
  readonly rules: ServingRules;
  readonly boosted: Uint8Array;
  readonly buried: Uint8Array;
  /** Interactions since training (ingest), by profile or user id: column → KIND bits. */
  readonly recent: Map<string, Map<number, number>>;
  readonly scratch: Float32Array;
  readonly skip: Uint8Array;
  readonly builtAt: number;
}

const POPULARITY_HALF_LIFE_DAYS = 30;
const BOOST = 1e6;

/** Build a serving state from a snapshot, the promoted model (if any), the catalog and the rules. */
export function buildServingState(input: {
  modelId: string | null;
  algorithm: string | null;
  model: RecommenderModel | null;
  data: TrainingData;
  catalog: readonly ServedProduct[];
  rules: ServingRules;
  now: number;
}): ServingState {
  const { data } = input;
  const byId = new Map(input.catalog.map((p) => [p.id, p]));
  // Columns are the snapshot's items, then catalog items it never saw (servable as popular, unscored by the model).
  const ids = [...data.items];
  for (const p of input.catalog) if (!data.items.includes(p.id)) ids.push(p.id);
  const itemIndex = new Map(ids.map((id, i) => [id, i]));
  const products = ids.map((id) => byId.get(id) ?? null);
  const popularity = new Float32Array(ids.length);
  const m = data.matrix;
  const rate = Math.LN2 / POPULARITY_HALF_LIFE_DAYS;
  for (let k = 0; k < m.indices.length; k++) popularity[m.indices[k]!]! += m.data[k]! * Math.exp(-rate * (data.ages[k] ?? 0));
  // Last week's interest lifts an item a little more; unseen catalog items sit just above nothing.
  for (let i = 0; i < data.trending.length; i++) popularity[i]! += 0.5 * data.trending[i]!;
  for (let i = data.items.length; i < ids.length; i++) popularity[i] = 1e-6;
  const flags = (list: readonly string[]) => {
    const f = new Uint8Array(ids.length);
    for (const id of list) {
      const i = itemIndex.get(id);
      if (i !== undefined) f[i] = 1;
    }
    return f;
  };
  return {
    modelId: input.modelId,
    algorithm: input.algorithm,
    model: input.model,
    data,
    products,
    itemIndex,
    popularity,
    rules: input.rules,
    boosted: flags(input.rules.boost),
    buried: flags(input.rules.bury),
    recent: new Map(),
    scratch: new Float32Array(ids.length),
    skip: new Uint8Array(ids.length),
    builtAt: input.now,
  };
}

export interface Pick {
  item: number;
  score: number;
  reason: Reason;
}

export interface Served {
  source: RecommendationSource;
  profileId: string | null;
  historySize: number;
  picks: Pick[];
}

const EMPTY: SparseRow = { indices: new Int32Array(0), data: new Float32Array(0) };

const nameOf = (p: ServedProduct | null, id: string): Bilingual => ({ en: p?.names.en ?? p?.name ?? id, zh: p?.names.zh ?? p?.name ?? id });

/** A customer's history: their training row, what they did since, and the session's items. */
function historyOf(s: ServingState, row: number | undefined, keys: readonly string[], context: readonly number[]): { history: SparseRow; kinds: Map<number, number>; fresh: boolean } {
  const kinds = new Map<number, number>();
  const weights = new Map<number, number>();
  const m = s.data.matrix;
  if (row !== undefined) {
    for (let k = m.indptr[row]!; k < m.indptr[row + 1]!; k++) {
      weights.set(m.indices[k]!, m.data[k]!);
      kinds.set(m.indices[k]!, s.data.kinds[k]!);
    }
  }
  let fresh = false;
  for (const key of keys) {
    const recent = s.recent.get(key);
    if (!recent) continue;
    for (const [col, bits] of recent) {
      if (col >= s.data.items.length) continue; // the model cannot score items it never saw
      fresh = true;
      weights.set(col, (weights.get(col) ?? 0) + (bits & KIND_PURCHASED ? 5 : bits & KIND_CARTED ? 3 : 1));
      kinds.set(col, (kinds.get(col) ?? 0) | bits);
    }
  }
  for (const col of context) {
    if (col >= s.data.items.length) continue;
    fresh = true;
    weights.set(col, (weights.get(col) ?? 0) + 2);
    if (!kinds.has(col)) kinds.set(col, 1);
  }
  if (weights.size === 0) return { history: EMPTY, kinds, fresh };
  if (!fresh && row !== undefined) return { history: { indices: m.indices.subarray(m.indptr[row]!, m.indptr[row + 1]!), data: m.data.subarray(m.indptr[row]!, m.indptr[row + 1]!) }, kinds, fresh };
  const cols = [...weights.keys()].sort((a, b) => a - b);
  return { history: { indices: Int32Array.from(cols), data: Float32Array.from(cols.map((c) => weights.get(c)!)) }, kinds, fresh };
}

/** Mark what may not be shown: off-catalog, out of stock, filtered, excluded, purchased (rules), the session's own items. */
function fillSkip(s: ServingState, f: Partial<RequestFilters>, kinds: ReadonlyMap<number, number>, context: readonly number[], extra: readonly number[] = []): void {
  const { skip, products, rules } = s;
  const category = f.category?.toLowerCase();
  for (let i = 0; i < products.length; i++) {
    const p = products[i];
    skip[i] =
      !p ||
      (rules.inStockOnly && !p.inStock) ||
      (category !== undefined && !p.categories.some((c) => c.toLowerCase() === category)) ||
      (f.minPrice !== undefined && (p.price === null || p.price < f.minPrice)) ||
      (f.maxPrice !== undefined && (p.price === null || p.price > f.maxPrice))
        ? 1
        : 0;
  }
  if (rules.excludePurchased) for (const [col, bits] of kinds) if (bits & KIND_PURCHASED) skip[col] = 1;
  for (const col of context) skip[col] = 1;
  for (const col of extra) skip[col] = 1;
  for (const id of f.exclude ?? []) {
    const i = s.itemIndex.get(id);
    if (i !== undefined) skip[i] = 1;
  }
}

/** The best `n` by `scores` under the diversity cap (boost first, bury last), counting `taken` items already in the list. */
function choose(s: ServingState, scores: Float32Array, n: number, taken: readonly number[] = []): number[] {
  const { boosted, buried, skip, products } = s;
  for (let i = 0; i < scores.length; i++) {
    if (boosted[i]) scores[i] = BOOST + (scores[i]! > -Infinity ? Math.min(scores[i]!, BOOST / 10) : 0);
    else if (buried[i]) scores[i] = -BOOST + (scores[i]! > -Infinity ? Math.min(scores[i]!, BOOST / 10) : 0);
  }
  const cap = s.rules.maxPerCategory;
  const isSkipped = (i: number) => skip[i] === 1;
  // A few times n candidates usually satisfy the cap; widen to all items when they do not.
  for (let want = cap === null ? n : n * 4; ; want = scores.length) {
    const ranked = topK(scores, want, isSkipped);
    const out: number[] = [];
    const perCategory = new Map<string, number>();
    for (const i of taken) {
      const c = products[i]?.category;
      if (c) perCategory.set(c, (perCategory.get(c) ?? 0) + 1);
    }
    for (const i of ranked) {
      const c = products[i]?.category ?? null;
      if (cap !== null && c !== null) {
        const used = perCategory.get(c) ?? 0;
        if (used >= cap) continue;
        perCategory.set(c, used + 1);
      }
      out.push(i);
      if (out.length === n) return out;
    }
    if (want >= scores.length || ranked.length < want) return out;
  }
}

function popularReason(s: ServingState, i: number): Reason {
  const p = s.products[i];
  return p?.category && (s.data.trending[i] ?? 0) > 0 ? reason('popular_in_category', { category: p.category }) : reason('popular');
}

function fillPopular(s: ServingState, n: number, taken: readonly number[]): Pick[] {
  s.scratch.set(s.popularity);
  for (const i of taken) s.skip[i] = 1;
  return choose(s, s.scratch, n, taken).map((i) => ({ item: i, score: s.popularity[i]!, reason: s.boosted[i] ? reason('boosted') : popularReason(s, i) }));
}

/** Top-n for a customer key (profile id or user id; unknown → popular), with the session's items as context. */
export function recommendFor(s: ServingState, key: string | null, filters: Partial<RequestFilters> & { n: number }, contextIds: readonly string[] = []): Served {
  const row = key === null ? undefined : s.data.aliases.get(key);
  const profileId = row !== undefined ? s.data.customers[row]! : null;
  const context = contextIds.map((id) => s.itemIndex.get(id)).filter((i): i is number => i !== undefined);
  const keys = key === null ? [] : profileId && profileId !== key ? [key, profileId] : [key];
  const { history, kinds, fresh } = historyOf(s, row, keys, context);
  fillSkip(s, filters, kinds, context);
  // A promoted popularity model ranks everyone alike: served (and explained) as popular items.
  if (!s.model || history.indices.length === 0 || s.model.algorithm === 'popularity') {
    return { source: 'popularity', profileId: profileId ?? (key !== null && s.recent.has(key) ? key : null), historySize: history.indices.length, picks: fillPopular(s, filters.n, []) };
  }
  const input: ScoringInput = fresh || row === undefined ? { history } : { user: row, history };
  const modelItems = s.model.items;
  const scratch = s.scratch;
  scratch.fill(-Infinity);
  s.model.score(input, scratch.subarray(0, modelItems));
  const chosen = choose(s, scratch, filters.n);
  const picks: Pick[] = chosen.map((i) => ({ item: i, score: scratch[i]!, reason: modelReason(s, input, kinds, i) }));
  // Too few the model can score under the rules: popular items fill the rest.
  if (picks.length < filters.n) picks.push(...fillPopular(s, filters.n - picks.length, chosen));
  return { source: 'model', profileId, historySize: history.indices.length, picks };
}

function modelReason(s: ServingState, input: ScoringInput, kinds: ReadonlyMap<number, number>, item: number): Reason {
  if (s.boosted[item]) return reason('boosted');
  const j = s.model?.because?.(input, item, 1)[0];
  if (j === undefined) {
    // No explanation from the model: the history item it is most often bought with, if any.
    const pair = boughtTogether(s.data.cooccurrence, Array.from(input.history.indices), s.products.length).find((b) => b.item === item);
    if (pair) return reason('bought_together', { productId: s.data.items[pair.with]!, product: nameOf(s.products[pair.with] ?? null, s.data.items[pair.with]!) });
    return reason('for_you');
  }
  const bits = kinds.get(j) ?? 1;
  const id = s.data.items[j]!;
  const subject = { productId: id, product: nameOf(s.products[j] ?? null, id) };
  return reason(bits & KIND_PURCHASED ? 'purchased' : bits & KIND_CARTED ? 'carted' : 'viewed', subject);
}

/** Items similar to one product (the model's view of a one-item history); unknown or unscorable → popular. */
export function similarTo(s: ServingState, productId: string, filters: Partial<RequestFilters> & { n: number }): Served {
  const item = s.itemIndex.get(productId);
  fillSkip(s, filters, new Map(), item === undefined ? [] : [item]);
  if (item === undefined || !s.model || item >= s.model.items || s.model.algorithm === 'popularity') {
    const pairs = item === undefined ? [] : boughtTogether(s.data.cooccurrence, [item], filters.n, (j) => s.skip[j] === 1);
    const picks: Pick[] = pairs.map((b) => ({ item: b.item, score: b.lift, reason: reason('similar', { productId, product: nameOf(s.products[item!] ?? null, productId) }) }));
    if (picks.length < filters.n) picks.push(...fillPopular(s, filters.n - picks.length, picks.map((p) => p.item)));
    return { source: item === undefined ? 'popularity' : 'similar', profileId: null, historySize: item === undefined ? 0 : 1, picks };
  }
  const history: SparseRow = { indices: Int32Array.of(item), data: Float32Array.of(1) };
  s.scratch.fill(-Infinity);
  s.model.score({ history }, s.scratch.subarray(0, s.model.items));
  const chosen = choose(s, s.scratch, filters.n);
  const subject = { productId, product: nameOf(s.products[item] ?? null, productId) };
  const picks: Pick[] = chosen.map((i) => ({ item: i, score: s.scratch[i]!, reason: s.boosted[i] ? reason('boosted') : reason('similar', subject) }));
  if (picks.length < filters.n) picks.push(...fillPopular(s, filters.n - picks.length, chosen));
  return { source: 'similar', profileId: null, historySize: 1, picks };
}

/** Items bought with a product or a basket (co-occurrence with lift and support); popular items fill the rest. */
export function boughtWith(s: ServingState, productIds: readonly string[], n: number): { picks: (Pick & { support: number; lift: number })[] } {
  const seeds = productIds.map((id) => s.itemIndex.get(id)).filter((i): i is number => i !== undefined && i < s.data.items.length);
  fillSkip(s, {}, new Map(), seeds);
  const pairs = boughtTogether(s.data.cooccurrence, seeds, n, (j) => s.skip[j] === 1);
  const picks = pairs.map((b) => {
    const id = s.data.items[b.with]!;
    return { item: b.item, score: b.lift, support: b.support, lift: b.lift, reason: reason('bought_together', { productId: id, product: nameOf(s.products[b.with] ?? null, id) }) };
  });
  if (picks.length < n) picks.push(...fillPopular(s, n - picks.length, picks.map((p) => p.item)).map((p) => ({ ...p, support: 0, lift: 0 })));
  return { picks };
}

/** Note an interaction that arrived after training, so the next request already sees it. */
export function noteInteraction(s: ServingState, keys: readonly string[], productId: string, bits: number): void {
  const col = s.itemIndex.get(productId);
  if (col === undefined) return;
  for (const key of keys) {
    let m = s.recent.get(key);
    if (!m) {
      m = new Map();
      s.recent.set(key, m);
    }
    m.set(col, (m.get(col) ?? 0) | bits);
  }
}
