/**
 * EASE: an item–item linear model learned in closed form (H. Steck, "Embarrassingly Shallow
 * Autoencoders for Sparse Data", WWW 2019). With X the customers × items matrix,
 *   B = argmin ‖X − XB‖² + λ‖B‖²  subject to diag(B) = 0
 * is B = I − P·diagMat(1 / diag(P)) with P = (XᵀX + λI)⁻¹ (Steck 2019, eq. 8), i.e.
 *   B[i][j] = −P[i][j] / P[j][j] for i ≠ j, B[j][j] = 0,
 * and a customer's scores are their history row times B.
 *
 * The inverse is the whole cost. When there are fewer customers than items, the Woodbury
 * identity (XᵀX + λI)⁻¹ = (I − Xᵀ(XXᵀ + λI)⁻¹X) / λ moves it to the customers' side: with
 * M = Xᵀ(XXᵀ + λI)⁻¹X, B[i][j] = M[i][j] / (1 − M[j][j]) (λ cancels). Both sides give the same
 * B up to rounding; `solver: 'auto'` inverts the smaller matrix.
 *
 * Items without any training interaction are left out of the inverse (their row and column
 * of B are zero in the closed form anyway) and score 0, exactly as the full closed form
 * would score them — not −Infinity, so they rank among items with no evidence either way.
 */
import { csrTimesDense, gramFromCsr, matrix, transposed, type Matrix } from '../ml/dense.js';
import { invertSpd, type GemmFn } from '../ml/dense.solve.js';
import { encodeArray } from '../ml/serialize.js';
import { assertCsr, csrFromCoo, transpose, type Csr } from '../ml/sparse.js';
import type { RecommenderModel, ScoringInput, SerializedModel, TrainContext } from './recommender.js';
import { expectModel, float32Array, int32Array, numberParam } from './serialized.js';

export interface EaseOptions {
  /** L2 penalty λ on B (Steck 2019, eq. 1). Default 400: the best of a 50…1000 sweep on MovieLens-100K (NDCG@10 0.448; flat within 0.002 over 250–500). */
  readonly lambda?: number;
  /** Which matrix to invert: the items' Gram matrix ('items'), the customers' ('customers'), or the smaller ('auto', default). */
  readonly solver?: 'auto' | 'items' | 'customers';
  /** Refuse dense matrices (B, the inverse) with more rows than this (default 16384: 2 GiB of doubles); EASE suits catalogues up to about that many items. */
  readonly maxDimension?: number;
  /** GEMM for the inverse's O(n³) products, e.g. a multi-threaded one from ../ml/parallel.ts (default single-threaded). */
  readonly gemm?: GemmFn;
  /** Matrix allocator matching `gemm` (a parallel GEMM needs shared memory). */
  readonly allocate?: (rows: number, cols: number) => Matrix;
}

const VERSION = 1;
const DEFAULT_LAMBDA = 400;

class EaseModel implements RecommenderModel {
  readonly algorithm = 'ease' as const;
  /** Scores of the active items for the customer being scored (reused: score is synchronous). */
  private readonly acc: Float64Array;
  /** Original item → row of B, or −1 for an item with no training interactions. */
  private readonly slot: Int32Array;

  constructor(
    readonly items: number,
    private readonly lambda: number,
    /** Active items (those with training interactions): row/column i of B is item active[i]. */
    private readonly active: Int32Array,
    /** a × a row-major: b[i·a + j] is how much having item active[i] adds to active[j]'s score. */
    private readonly b: Float32Array,
  ) {
    this.acc = new Float64Array(active.length);
    this.slot = new Int32Array(items).fill(-1);
    active.forEach((item, i) => (this.slot[item] = i));
  }

  score(input: ScoringInput, out: Float32Array): void {
    if (out.length !== this.items) throw new RangeError(`ease.score: out has length ${out.length}, expected ${this.items}`);
    const { indices, data } = input.history;
    const a = this.active.length;
    const acc = this.acc;
    acc.fill(0);
    for (let h = 0; h < indices.length; h++) {
      const i = this.slotOf(indices[h]!);
      const v = data[h]!;
      if (i < 0 || v === 0) continue;
      const o = i * a;
      for (let j = 0; j < a; j++) acc[j]! += v * this.b[o + j]!;
    }
    out.fill(0);
    for (let j = 0; j < a; j++) out[this.active[j]!] = acc[j]!;
  }

  because(input: ScoringInput, item: number, max: number): number[] {
    const j = this.slotOf(item);
    if (j < 0 || max <= 0) return [];
    const { indices, data } = input.history;
    const a = this.active.length;
    const reasons: { item: number; weight: number }[] = [];
    for (let h = 0; h < indices.length; h++) {
      const i = this.slotOf(indices[h]!);
      if (i < 0) continue;
      const weight = data[h]! * this.b[i * a + j]!;
      // Only positive contributions are reasons to recommend; negative ones argue against it.
      if (weight > 0) reasons.push({ item: indices[h]!, weight });
    }
    reasons.sort((x, y) => y.weight - x.weight || x.item - y.item);
    return reasons.slice(0, max).map((r) => r.item);
  }

  serialize(): SerializedModel {
    return {
      algorithm: this.algorithm,
      version: VERSION,
      params: { items: this.items, lambda: this.lambda, active: this.active.length },
      arrays: { active: encodeArray(this.active), b: encodeArray(this.b) },
    };
  }

  private slotOf(item: number): number {
    if (!(item >= 0 && item < this.items)) throw new RangeError(`ease: item ${item} is outside 0…${this.items - 1}`);
    return this.slot[item]!;
  }
}

/** Train EASE on `ctx.interactions` (customers × items, weights ≥ 0). */
export function trainEase(ctx: TrainContext, options: EaseOptions = {}): RecommenderModel {
  const m = ctx.interactions;
  assertCsr(m, 'ease: interactions', { nonNegative: true });
  const { lambda = DEFAULT_LAMBDA, solver = 'auto', maxDimension = 16384 } = options;
  if (!(lambda > 0 && Number.isFinite(lambda))) throw new RangeError(`ease: lambda must be a finite number > 0, got ${lambda}`);
  if (solver !== 'auto' && solver !== 'items' && solver !== 'customers') throw new RangeError(`ease: unknown solver ${String(solver)}`);
  const { x, active } = activePart(m);
  const side = solver === 'auto' ? (x.rows < x.cols ? 'customers' : 'items') : solver;
  // B itself is items × items, and the inverse is dim × dim: both must fit.
  const dim = Math.max(x.cols, side === 'items' ? x.cols : x.rows);
  if (dim > maxDimension) throw new RangeError(`ease: a ${dim}×${dim} dense matrix exceeds maxDimension ${maxDimension}; use item-kNN or ALS for data this large`);
  const inv: InverseOptions = { gemm: options.gemm, allocate: options.allocate };
  ctx.onProgress?.(0, 'gram matrix');
  const b = side === 'items' ? itemSide(x, lambda, inv) : customerSide(x, lambda, inv);
  ctx.onProgress?.(1, 'done');
  return new EaseModel(m.cols, lambda, active, b);
}

/**
 * The interactions restricted to customers and items with at least one nonzero entry. Items
 * are renumbered in increasing order of their number of customers (ties by id), which is
 * what makes the customers' side's symmetric product cheap; `active[slot]` is the item id.
 */
function activePart(m: Csr): { x: Csr; active: Int32Array } {
  const degree = new Int32Array(m.cols);
  for (let k = 0; k < m.data.length; k++) if (m.data[k] !== 0) degree[m.indices[k]!]! += 1;
  const ids: number[] = [];
  for (let c = 0; c < m.cols; c++) if (degree[c]! > 0) ids.push(c);
  ids.sort((p, q) => degree[p]! - degree[q]! || p - q);
  const active = Int32Array.from(ids);
  const slot = new Int32Array(m.cols).fill(-1);
  active.forEach((item, i) => (slot[item] = i));
  const rows: number[] = [];
  const cols: number[] = [];
  const vals: number[] = [];
  let kept = 0;
  for (let r = 0; r < m.rows; r++) {
    const before = cols.length;
    for (let k = m.indptr[r]!; k < m.indptr[r + 1]!; k++) {
      if (m.data[k] === 0) continue;
      rows.push(kept);
      cols.push(slot[m.indices[k]!]!);
      vals.push(m.data[k]!);
    }
    if (cols.length > before) kept++; // customers with no interactions are dropped
  }
  return { x: csrFromCoo(kept, active.length, rows, cols, vals), active };
}

type InverseOptions = Pick<EaseOptions, 'gemm' | 'allocate'>;

/** B from P = (XᵀX + λI)⁻¹, the items' side (Steck 2019, eq. 8). */
function itemSide(x: Csr, lambda: number, inv: InverseOptions): Float32Array {
  const a = x.cols;
  const p = gramInto(x, lambda, inv);
  invertSpd(p, inv);
  const d = p.data;
  return scaleColumns(d, a, (j) => -1 / d[j * a + j]!);
}

/** B from M = Xᵀ(XXᵀ + λI)⁻¹X, the customers' side (Woodbury): B[i][j] = M[i][j] / (1 − M[j][j]). */
function customerSide(x: Csr, lambda: number, inv: InverseOptions): Float32Array {
  const a = x.cols;
  const xt = transpose(x);
  const k = gramInto(xt, lambda, inv);
  invertSpd(k, inv);
  const wt = matrix(a, x.rows);
  csrTimesDense(xt, k, wt); // Wᵀ = XᵀK⁻¹ (K⁻¹ is symmetric): contiguous row updates, unlike K⁻¹X
  const w = transposed(wt);
  const mm = matrix(a, a);
  // M = XᵀW = XᵀK⁻¹X is symmetric; with items in increasing-degree order (activePart) computing
  // its upper triangle costs Σᵢ deg(i)·(a − i), a quarter of the full product on MovieLens.
  csrTimesDense(xt, w, mm, { symmetric: true });
  const d = mm.data;
  return scaleColumns(d, a, (j) => 1 / (1 - d[j * a + j]!));
}

/** B[i][j] = d[i][j] · scale(j) off the diagonal, 0 on it, as Float32 (row by row: sequential access). */
function scaleColumns(d: Float64Array | Float32Array, a: number, scale: (j: number) => number): Float32Array {
  const s = Float64Array.from({ length: a }, (_, j) => scale(j));
  const b = new Float32Array(a * a);
  for (let i = 0; i < a; i++) {
    const o = i * a;
    for (let j = 0; j < a; j++) b[o + j] = d[o + j]! * s[j]!;
    b[o + i] = 0;
  }
  return b;
}

/** XᵀX + λI in the matrix type the inverse wants (shared memory for a parallel GEMM). */
function gramInto(x: Csr, lambda: number, inv: InverseOptions): Matrix {
  const g = gramFromCsr(x);
  const n = x.cols;
  const out = inv.allocate ? inv.allocate(n, n) : g;
  if (out !== g) out.data.set(g.data);
  for (let i = 0; i < n; i++) out.data[i * n + i]! += lambda;
  return out;
}

/** Rebuild an EASE model from its serialised form. */
export function deserializeEase(s: SerializedModel): RecommenderModel {
  expectModel(s, 'ease', VERSION);
  const items = numberParam(s, 'items', true);
  const lambda = numberParam(s, 'lambda');
  const a = numberParam(s, 'active', true);
  const active = int32Array(s, 'active', a);
  const seen = new Uint8Array(items);
  for (const item of active) {
    if (!(item >= 0 && item < items) || seen[item]) throw new RangeError(`ease: active items must be distinct and within 0…${items - 1}`);
    seen[item] = 1;
  }
  return new EaseModel(items, lambda, active, float32Array(s, 'b', a * a));
}
