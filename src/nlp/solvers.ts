/**
 * Linear solvers for text classification over a CSR matrix of documents × features.
 *
 * - `trainOvrSvm`: one-vs-rest L2-regularised squared-hinge SVMs by dual coordinate descent
 *   (Hsieh, Chang, Lin, Keerthi & Sundararajan, ICML 2008, Algorithm 1 with D_ii = 1/(2C)),
 *   the solver behind LIBLINEAR and scikit-learn's LinearSVC. Optional NB feature scaling
 *   (Wang & Manning 2012, "Baselines and bigrams", §2.2): each class's features are scaled by
 *   the log-count ratio r = log((p/‖p‖₁)/(q/‖q‖₁)) of binarised counts; the scaling is folded
 *   into the returned weights, so prediction costs the same.
 * - `trainSoftmax`: multinomial logistic regression with L2 by AdaGrad SGD (Duchi, Hazan &
 *   Singer 2011), the regulariser applied to the rows a document touches (the usual sparse
 *   approximation, as in Vowpal Wabbit).
 *
 * Both return weights laid out feature-major (w[j·K + k]) so one feature's K weights are
 * adjacent when a document is scored. Both are deterministic for a given seed.
 */
import type { Csr } from '../ml/sparse.js';
import { createRng } from '../ml/rng.js';

/** Weights and biases of a linear multiclass scorer: score_k = b_k + Σ_j x_j w[j·K + k]. */
export interface LinearWeights {
  weights: Float32Array;
  bias: Float32Array;
}

/** Options for trainOvrSvm; every field has a default. */
export interface SvmOptions {
  /** Cost C (default 0.5): larger fits the training data more closely. */
  c?: number;
  /** Most passes over the data per class (default 30). */
  epochs?: number;
  /** Stop when the projected-gradient spread falls below this (default 0.1, LIBLINEAR's). */
  tol?: number;
  /** Scale features by NB log-count ratios (default false; sentiment.ts turns it on, where it measured better). */
  nb?: boolean;
  /** Laplace smoothing α for the NB ratios (default 1). */
  nbAlpha?: number;
  /** Per-row cost multipliers (row i's cost is c · rowWeights[i]; default all 1), e.g. class weights. */
  rowWeights?: Float32Array;
  /** Called after each one-vs-rest problem is solved (for progress bars). */
  onProblem?: () => void;
  seed?: number | string;
}

function checkData(x: Csr, y: Int32Array, classes: number): void {
  if (x.indptr.length !== x.rows + 1) throw new RangeError('solver: indptr must have rows + 1 entries');
  if (y.length !== x.rows) throw new RangeError(`solver: ${y.length} labels for ${x.rows} rows`);
  if (!(Number.isInteger(classes) && classes >= 2)) throw new RangeError(`solver: need at least 2 classes, got ${classes}`);
  for (let i = 0; i < y.length; i++) if (!(y[i]! >= 0 && y[i]! < classes)) throw new RangeError(`solver: label ${y[i]} of row ${i} is outside [0, ${classes})`);
}

/** NB log-count ratios for "class k vs the rest" over binarised features (Wang & Manning 2012, eq. 1). */
function nbRatios(x: Csr, y: Int32Array, k: number, alpha: number, out: Float64Array): void {
  const p = new Float64Array(x.cols).fill(alpha);
  const q = new Float64Array(x.cols).fill(alpha);
  for (let i = 0; i < x.rows; i++) {
    const target = y[i] === k ? p : q;
    for (let e = x.indptr[i]!; e < x.indptr[i + 1]!; e++) if (x.data[e]! > 0) target[x.indices[e]!]! += 1;
  }
  let sp = 0;
  let sq = 0;
  for (let j = 0; j < x.cols; j++) {
    sp += p[j]!;
    sq += q[j]!;
  }
  for (let j = 0; j < x.cols; j++) out[j] = Math.log(p[j]! / sp) - Math.log(q[j]! / sq);
}

/**
 * One binary L2-loss SVM by dual coordinate descent; labels s_i ∈ {−1, +1}. A constant bias
 * feature of value 1 is appended (regularised, as LIBLINEAR does with -B 1).
 * `scale` (NB ratios) multiplies feature values, or is null. Writes w (length cols) and returns b.
 */
function binarySvm(x: Csr, s: Int8Array, c: number, rowWeights: Float32Array | undefined, epochs: number, tol: number, scale: Float64Array | null, order: Int32Array, rng: ReturnType<typeof createRng>, w: Float64Array): number {
  const n = x.rows;
  // Per-row cost C_i = c · weight_i gives D_ii = 1/(2 C_i) (Hsieh et al. 2008, §2 with instance weights).
  const dv = new Float64Array(n);
  const alpha = new Float64Array(n);
  const qii = new Float64Array(n);
  const { indptr, indices, data } = x;
  for (let i = 0; i < n; i++) {
    dv[i] = 1 / (2 * c * (rowWeights ? rowWeights[i]! : 1));
    let sq = 1; // the bias feature
    for (let e = indptr[i]!; e < indptr[i + 1]!; e++) {
      const v = scale ? data[e]! * scale[indices[e]!]! : data[e]!;
      sq += v * v;
    }
    qii[i] = sq + dv[i]!;
  }
  w.fill(0);
  let b = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    rng.shuffle(order as unknown as number[]); // Safe: Int32Array indexes and assigns like number[]; shuffle only swaps elements.
    let maxPg = -Infinity;
    let minPg = Infinity;
    for (let t = 0; t < n; t++) {
      const i = order[t]!;
      const si = s[i]!;
      let dot = b;
      const lo = indptr[i]!;
      const hi = indptr[i + 1]!;
      if (scale) for (let e = lo; e < hi; e++) dot += data[e]! * scale[indices[e]!]! * w[indices[e]!]!;
      else for (let e = lo; e < hi; e++) dot += data[e]! * w[indices[e]!]!;
      const a = alpha[i]!;
      const g = si * dot - 1 + dv[i]! * a;
      const pg = a === 0 ? Math.min(g, 0) : g;
      if (pg > maxPg) maxPg = pg;
      if (pg < minPg) minPg = pg;
      if (Math.abs(pg) < 1e-12) continue;
      const na = Math.max(a - g / qii[i]!, 0);
      alpha[i] = na;
      const delta = (na - a) * si;
      if (scale) for (let e = lo; e < hi; e++) w[indices[e]!]! += delta * data[e]! * scale[indices[e]!]!;
      else for (let e = lo; e < hi; e++) w[indices[e]!]! += delta * data[e]!;
      b += delta;
    }
    if (maxPg - minPg < tol) break;
  }
  return b;
}

/** One-vs-rest squared-hinge SVMs (two classes: one SVM, class 0 scored as its negation). */
export function trainOvrSvm(x: Csr, y: Int32Array, classes: number, options: SvmOptions = {}): LinearWeights {
  checkData(x, y, classes);
  const c = options.c ?? 0.5;
  const epochs = options.epochs ?? 30;
  const tol = options.tol ?? 0.1;
  const nbAlpha = options.nbAlpha ?? 1;
  if (!(c > 0) || !(epochs >= 1) || !(tol > 0) || !(nbAlpha > 0)) throw new RangeError('trainOvrSvm: c, epochs, tol and nbAlpha must be positive');
  const rw = options.rowWeights;
  if (rw && (rw.length !== x.rows || !rw.every((v) => v > 0))) throw new RangeError('trainOvrSvm: rowWeights must hold one positive weight per row');
  const rng = createRng(options.seed ?? 1);
  const K = classes;
  const weights = new Float32Array(x.cols * K);
  const bias = new Float32Array(K);
  const w = new Float64Array(x.cols);
  const scale = options.nb ? new Float64Array(x.cols) : null;
  const s = new Int8Array(x.rows);
  const order = Int32Array.from({ length: x.rows }, (_, i) => i);
  const problems = K === 2 ? [1] : Array.from({ length: K }, (_, k) => k);
  for (const k of problems) {
    for (let i = 0; i < x.rows; i++) s[i] = y[i] === k ? 1 : -1;
    if (scale) nbRatios(x, y, k, nbAlpha, scale);
    const b = binarySvm(x, s, c, rw, epochs, tol, scale, order, rng.fork(`class-${k}`), w);
    for (let j = 0; j < x.cols; j++) {
      const wj = scale ? w[j]! * scale[j]! : w[j]!;
      weights[j * K + k] = wj;
      if (K === 2) weights[j * K] = -wj;
    }
    bias[k] = b;
    if (K === 2) bias[0] = -b;
    options.onProblem?.();
  }
  return { weights, bias };
}

/** Options for trainSoftmax; every field has a default. */
export interface SoftmaxOptions {
  /** L2 strength λ per example (default 1e-5). */
  lambda?: number;
  /** Passes over the data (default 10). */
  epochs?: number;
  /** AdaGrad base learning rate (default 0.5). */
  learningRate?: number;
  seed?: number | string;
}

/** Multinomial logistic regression by AdaGrad SGD. */
export function trainSoftmax(x: Csr, y: Int32Array, classes: number, options: SoftmaxOptions = {}): LinearWeights {
  checkData(x, y, classes);
  const lambda = options.lambda ?? 1e-5;
  const epochs = options.epochs ?? 10;
  const lr = options.learningRate ?? 0.5;
  if (!(lambda >= 0) || !(epochs >= 1) || !(lr > 0)) throw new RangeError('trainSoftmax: lambda >= 0, epochs >= 1, learningRate > 0');
  const K = classes;
  const rng = createRng(options.seed ?? 1);
  const W = new Float64Array(x.cols * K);
  const G = new Float64Array(x.cols * K).fill(1e-8);
  const b = new Float64Array(K);
  const Gb = new Float64Array(K).fill(1e-8);
  const z = new Float64Array(K);
  const order = Int32Array.from({ length: x.rows }, (_, i) => i);
  const { indptr, indices, data } = x;
  for (let epoch = 0; epoch < epochs; epoch++) {
    rng.shuffle(order as unknown as number[]); // Safe: see binarySvm.
    for (let t = 0; t < x.rows; t++) {
      const i = order[t]!;
      const lo = indptr[i]!;
      const hi = indptr[i + 1]!;
      for (let k = 0; k < K; k++) z[k] = b[k]!;
      for (let e = lo; e < hi; e++) {
        const v = data[e]!;
        const base = indices[e]! * K;
        for (let k = 0; k < K; k++) z[k]! += v * W[base + k]!;
      }
      let max = -Infinity;
      for (let k = 0; k < K; k++) if (z[k]! > max) max = z[k]!;
      let sum = 0;
      for (let k = 0; k < K; k++) sum += z[k] = Math.exp(z[k]! - max);
      const yi = y[i]!;
      for (let k = 0; k < K; k++) z[k] = z[k]! / sum - (k === yi ? 1 : 0); // dLoss/dz_k
      for (let k = 0; k < K; k++) {
        const g = z[k]!;
        Gb[k]! += g * g;
        b[k]! -= (lr * g) / Math.sqrt(Gb[k]!);
      }
      for (let e = lo; e < hi; e++) {
        const v = data[e]!;
        const base = indices[e]! * K;
        for (let k = 0; k < K; k++) {
          const at = base + k;
          const g = z[k]! * v + lambda * W[at]!;
          G[at]! += g * g;
          W[at]! -= (lr * g) / Math.sqrt(G[at]!);
        }
      }
    }
  }
  return { weights: Float32Array.from(W), bias: Float32Array.from(b) };
}
