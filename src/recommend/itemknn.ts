/**
 * Item-based k-nearest-neighbour recommendations (Sarwar, Karypis, Konstan & Riedl, "Item-based
 * collaborative filtering recommendation algorithms", WWW 2001; top-N form as in Deshpande &
 * Karypis, "Item-based top-N recommendation algorithms", TOIS 2004): each item keeps its k most
 * similar items, and a customer's score for item j is Σ over history items i of h_i · s(i, j).
 *
 * Similarity, two weightings of the customers × items matrix X:
 * - 'cosine': s(i, j) = x_i·x_j / (‖x_i‖ ‖x_j‖), shrunk towards 0 when few customers share the
 *   pair by n_ij / (n_ij + shrink), n_ij the number of customers with both (Koren, "Factorization
 *   meets the neighborhood", KDD 2008, eq. 2) — a pair seen together by two people is weak evidence.
 * - 'bm25': X is BM25-weighted with items as the documents and customers as the terms,
 *   w_ui = x_ui (K1 + 1) / (K1 L_i + x_ui) · idf_u, L_i = 1 − B + B |i| / avg|i|,
 *   idf_u = log(#items) − log(1 + |u|), and s(i, j) = w_i·w_j (`implicit`'s bm25_weight on its
 *   item × user matrix + ItemItemRecommender); the same shrink factor applies.
 */
import { encodeArray } from '../ml/serialize.js';
import { assertCsr, row, transpose, type Csr } from '../ml/sparse.js';
import { topK } from '../ml/topk.js';
import type { RecommenderModel, ScoringInput, SerializedModel, TrainContext } from './recommender.js';
import { expectModel, float32Array, int32Array, numberParam } from './serialized.js';

export type ItemKnnWeighting = 'cosine' | 'bm25';

export interface ItemKnnOptions {
  /** Neighbours kept per item. Default 400 (see the tuning note in bench/recommend.bench.ts); memory is k × items. */
  readonly k?: number;
  /** Koren's shrinkage λ in n/(n + λ); 0 turns it off. Default 0 (it did not help on MovieLens-100K validation). */
  readonly shrink?: number;
  /** Default 'bm25' (better than cosine on MovieLens-100K validation, 0.26 vs 0.24 NDCG@10). */
  readonly weighting?: ItemKnnWeighting;
  /** BM25 term-frequency saturation. Default 0.5 (validated; `implicit`'s default is 100). */
  readonly k1?: number;
  /** BM25 length normalisation in [0, 1]. Default 0.75 (validated; `implicit`'s default is 0.8). */
  readonly b?: number;
  /**
   * Scale each item's kept similarities to sum to 1 (Deshpande & Karypis 2004, §4.2), so an item
   * whose neighbours are all weakly similar counts as much as one with strong neighbours. Default false:
   * it wins on MovieLens-100K validation (NDCG@10 0.264 vs 0.259 at k = 400) but loses on the sparser
   * Amazon and demo-shop purchases (bench/recommend.bench.ts picks it per dataset).
   */
  readonly rowNormalize?: boolean;
}

const VERSION = 1;
const WEIGHTINGS: readonly ItemKnnWeighting[] = ['cosine', 'bm25'];

interface Params {
  readonly k: number;
  readonly shrink: number;
  readonly weighting: ItemKnnWeighting;
  readonly k1: number;
  readonly b: number;
  readonly rowNormalize: boolean;
}

/** Scores from a sparse items × items neighbour matrix (row i: i's neighbours, sorted by column). */
class ItemKnnModel implements RecommenderModel {
  readonly algorithm = 'itemknn' as const;
  readonly items: number;

  constructor(
    private readonly neighbours: Csr,
    private readonly params: Params,
  ) {
    this.items = neighbours.rows;
  }

  score(input: ScoringInput, out: Float32Array): void {
    if (out.length !== this.items) throw new RangeError(`itemknn.score: out has length ${out.length}, expected ${this.items}`);
    out.fill(0);
    const { indptr, indices, data } = this.neighbours;
    const h = input.history;
    for (let t = 0; t < h.indices.length; t++) {
      const i = h.indices[t]!;
      if (i >= this.items) continue; // an item added after training has no neighbours yet
      const w = h.data[t]!;
      for (let p = indptr[i]!; p < indptr[i + 1]!; p++) out[indices[p]!]! += w * data[p]!;
    }
  }

  /** s(i, item) for one history item i: binary search in i's sorted neighbour row. */
  private similarity(i: number, item: number): number {
    const { indptr, indices, data } = this.neighbours;
    let lo = indptr[i]!;
    let hi = indptr[i + 1]! - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = indices[mid]!;
      if (c === item) return data[mid]!;
      if (c < item) lo = mid + 1;
      else hi = mid - 1;
    }
    return 0;
  }

  because(input: ScoringInput, item: number, max: number): number[] {
    const h = input.history;
    const contributions: { item: number; c: number }[] = [];
    for (let t = 0; t < h.indices.length; t++) {
      const i = h.indices[t]!;
      if (i >= this.items || i === item) continue;
      const c = h.data[t]! * this.similarity(i, item);
      if (c > 0) contributions.push({ item: i, c });
    }
    contributions.sort((a, b) => b.c - a.c || a.item - b.item);
    return contributions.slice(0, Math.max(0, max)).map((x) => x.item);
  }

  serialize(): SerializedModel {
    const { indptr, indices, data } = this.neighbours;
    return {
      algorithm: this.algorithm,
      version: VERSION,
      params: { items: this.items, ...this.params },
      arrays: { indptr: encodeArray(indptr), indices: encodeArray(indices), data: encodeArray(data) },
    };
  }
}

function checkOptions(options: ItemKnnOptions): Params {
  const p: Params = {
    k: options.k ?? 400,
    shrink: options.shrink ?? 0,
    weighting: options.weighting ?? 'bm25',
    k1: options.k1 ?? 0.5,
    b: options.b ?? 0.75,
    rowNormalize: options.rowNormalize ?? false,
  };
  if (!(Number.isInteger(p.k) && p.k >= 1)) throw new RangeError(`itemknn: k must be an integer ≥ 1, got ${p.k}`);
  if (!(p.shrink >= 0 && Number.isFinite(p.shrink))) throw new RangeError(`itemknn: shrink must be finite and ≥ 0, got ${p.shrink}`);
  if (!WEIGHTINGS.includes(p.weighting)) throw new RangeError(`itemknn: weighting must be one of ${WEIGHTINGS.join(', ')}, got ${String(p.weighting)}`);
  if (!(p.k1 > 0 && Number.isFinite(p.k1))) throw new RangeError(`itemknn: k1 must be finite and > 0, got ${p.k1}`);
  if (typeof p.rowNormalize !== 'boolean') throw new TypeError(`itemknn: rowNormalize must be a boolean, got ${String(p.rowNormalize)}`);
  if (!(p.b >= 0 && p.b <= 1)) throw new RangeError(`itemknn: b must be in [0, 1], got ${p.b}`);
  return p;
}

/**
 * The BM25-weighted copy of X with items as the documents and customers as the terms, as
 * `implicit`'s bm25_weight applied to its item × user matrix: an item's vector is length-normalised
 * by its popularity, and a customer who interacted with everything (a weak signal about any pair)
 * gets a low idf — Breese et al.'s inverse user frequency (UAI 1998) in BM25 form.
 */
export function bm25Weight(x: Csr, k1: number, b: number): Csr {
  const xt = transpose(x); // items × customers: one row per document
  const df = new Float64Array(xt.cols);
  for (let e = 0; e < xt.indices.length; e++) df[xt.indices[e]!]! += 1;
  const lengths = new Float64Array(xt.rows);
  let total = 0;
  for (let i = 0; i < xt.rows; i++) {
    for (let e = xt.indptr[i]!; e < xt.indptr[i + 1]!; e++) lengths[i]! += xt.data[e]!;
    total += lengths[i]!;
  }
  const avg = total / Math.max(xt.rows, 1) || 1;
  const logN = Math.log(xt.rows);
  const data = new Float32Array(xt.data.length);
  for (let i = 0; i < xt.rows; i++) {
    const lengthNorm = 1 - b + (b * lengths[i]!) / avg;
    for (let e = xt.indptr[i]!; e < xt.indptr[i + 1]!; e++) {
      const v = xt.data[e]!;
      data[e] = ((v * (k1 + 1)) / (k1 * lengthNorm + v)) * (logN - Math.log1p(df[xt.indices[e]!]!));
    }
  }
  return transpose({ ...xt, data });
}

/**
 * The value of rank `rank` (0 = largest) among vals[0..n), by in-place quickselect (Hoare, "Find",
 * CACM 1961): O(n) expected, where a heap top-k is O(n log k). Reorders `vals`.
 */
function nthLargest(vals: Float64Array, n: number, rank: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    // Median of three as the pivot, deterministic, so sorted input is not quadratic.
    const mid = (lo + hi) >>> 1;
    const a = vals[lo]!;
    const b = vals[mid]!;
    const c = vals[hi]!;
    const pivot = a > b ? (b > c ? b : a > c ? c : a) : a > c ? a : b > c ? c : b;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (vals[i]! > pivot) i++;
      while (vals[j]! < pivot) j--;
      if (i <= j) {
        const t = vals[i]!;
        vals[i++] = vals[j]!;
        vals[j--] = t;
      }
    }
    // Now vals[lo..j] ≥ pivot ≥ vals[i..hi], and anything strictly between j and i equals pivot.
    if (rank <= j) hi = j;
    else if (rank >= i) lo = i;
    else return pivot;
  }
  return vals[rank]!;
}

/** Train an item-kNN model: all item–item similarities by sparse co-occurrence, then the top k per item. */
export function trainItemKnn(ctx: TrainContext, options: ItemKnnOptions = {}): RecommenderModel {
  const p = checkOptions(options);
  const raw = ctx.interactions;
  assertCsr(raw, 'itemknn: interactions', { nonNegative: true });
  const x = p.weighting === 'bm25' ? bm25Weight(raw, p.k1, p.b) : raw;
  const xt = transpose(x);
  const n = x.cols;
  const cosine = p.weighting === 'cosine';
  const norms = new Float64Array(n);
  // norms[j] holds ‖x_j‖²: one sqrt per pair instead of a second pass.
  if (cosine) for (let e = 0; e < x.data.length; e++) norms[x.indices[e]!]! += x.data[e]! ** 2;
  const kept = Math.min(p.k, Math.max(n - 1, 0));
  // Every buffer is allocated here; the per-item loop allocates only when the output grows (STYLE §11).
  const dot = new Float64Array(n); // row i of XᵀX, then the final similarity, by column
  const count = new Int32Array(n);
  const touched = new Int32Array(n);
  const positive = new Int32Array(n);
  const scratch = new Float64Array(n);
  const ties = new Int32Array(n);
  const outIndptr = new Int32Array(n + 1);
  // Grown by doubling, not sized n·k up front: on a big sparse catalogue most rows keep far fewer than k.
  let capacity = Math.min(n * kept, 1 << 16);
  let outIndices = new Int32Array(capacity);
  let outData = new Float32Array(capacity);
  let out = 0;
  const step = Math.max(1, Math.floor(n / 20));
  for (let i = 0; i < n; i++) {
    // Row i of XᵀX, accumulated over the customers who have i: O(Σ_u |u|²) in all.
    let nTouched = 0;
    for (let e = xt.indptr[i]!; e < xt.indptr[i + 1]!; e++) {
      const u = xt.indices[e]!;
      const xui = xt.data[e]!;
      for (let f = x.indptr[u]!; f < x.indptr[u + 1]!; f++) {
        const j = x.indices[f]!;
        if (count[j] === 0) touched[nTouched++] = j;
        dot[j]! += xui * x.data[f]!;
        count[j]! += 1;
      }
    }
    // Only positive similarity is evidence for j, and an item is never its own neighbour.
    let nPositive = 0;
    for (let t = 0; t < nTouched; t++) {
      const j = touched[t]!;
      let s = dot[j]!;
      if (cosine) s = norms[i]! > 0 && norms[j]! > 0 ? s / Math.sqrt(norms[i]! * norms[j]!) : 0;
      if (p.shrink > 0) s *= count[j]! / (count[j]! + p.shrink);
      dot[j] = s;
      if (s > 0 && j !== i) {
        scratch[nPositive] = s;
        positive[nPositive++] = j;
      }
    }
    const start = out;
    if (out + kept > capacity) {
      capacity = Math.min(n * kept, Math.max(2 * capacity, out + kept));
      const indices = new Int32Array(capacity);
      indices.set(outIndices.subarray(0, out));
      outIndices = indices;
      const data = new Float32Array(capacity);
      data.set(outData.subarray(0, out));
      outData = data;
    }
    if (nPositive <= kept) {
      for (let t = 0; t < nPositive; t++) outIndices[out++] = positive[t]!;
    } else {
      // Keep the `kept` largest; among equal similarities at the cut, the lower item ids.
      const threshold = nthLargest(scratch, nPositive, kept - 1);
      let nTies = 0;
      for (let t = 0; t < nPositive; t++) {
        const j = positive[t]!;
        if (dot[j]! > threshold) outIndices[out++] = j;
        else if (dot[j] === threshold) ties[nTies++] = j;
      }
      const need = start + kept - out;
      if (need < nTies) ties.subarray(0, nTies).sort(); // typed-array sort: numeric, ascending
      for (let t = 0; t < need; t++) outIndices[out++] = ties[t]!;
    }
    const nbrs = outIndices.subarray(start, out);
    nbrs.sort(); // the model's rows are sorted by column (binary search in because())
    let rowSum = 0;
    for (let t = 0; t < nbrs.length; t++) rowSum += dot[nbrs[t]!]!;
    const scale = p.rowNormalize && rowSum > 0 ? 1 / rowSum : 1;
    for (let t = 0; t < nbrs.length; t++) outData[start + t] = dot[nbrs[t]!]! * scale;
    outIndptr[i + 1] = out;
    for (let t = 0; t < nTouched; t++) {
      const j = touched[t]!;
      dot[j] = 0;
      count[j] = 0;
    }
    if ((i + 1) % step === 0 || i === n - 1) ctx.onProgress?.((i + 1) / n, `item ${i + 1}/${n}`);
  }
  const neighbours: Csr = { rows: n, cols: n, indptr: outIndptr, indices: outIndices.slice(0, out), data: outData.slice(0, out) };
  return new ItemKnnModel(neighbours, p);
}

/** Rebuild an item-kNN model from its serialised form. */
export function deserializeItemKnn(s: SerializedModel): RecommenderModel {
  expectModel(s, 'itemknn', VERSION);
  const items = numberParam(s, 'items', true);
  const weighting = s.params.weighting;
  if (weighting !== 'cosine' && weighting !== 'bm25') throw new TypeError(`itemknn: parameter weighting must be cosine or bm25, got ${JSON.stringify(weighting)}`);
  const params = checkOptions({ k: numberParam(s, 'k', true), shrink: numberParam(s, 'shrink'), weighting, k1: numberParam(s, 'k1'), b: numberParam(s, 'b'), rowNormalize: s.params.rowNormalize === true });
  const indptr = int32Array(s, 'indptr', items + 1);
  const indices = int32Array(s, 'indices');
  const neighbours: Csr = { rows: items, cols: items, indptr, indices, data: float32Array(s, 'data', indices.length) };
  assertCsr(neighbours, 'itemknn: serialised neighbours');
  return new ItemKnnModel(neighbours, params);
}

/** The neighbours of one item with their similarities, strongest first (for "customers who bought this also bought"). */
export function similarItems(model: RecommenderModel, item: number, max: number): number[] {
  const out = new Float32Array(model.items);
  model.score({ history: row({ rows: 1, cols: model.items, indptr: Int32Array.of(0, 1), indices: Int32Array.of(item), data: Float32Array.of(1) }, 0) }, out);
  return Array.from(topK(out, max, (j) => j === item || !(out[j]! > 0)));
}
