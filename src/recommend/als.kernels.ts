/**
 * Private dense kernels for implicit ALS (als.ts): the Gram matrix YᵀY + λI, one
 * conjugate-gradient half-iteration over every row, and a small Cholesky solve for folding in
 * a customer the model has not seen. Factor matrices are row-major Float32 (n × k); the k × k
 * systems are Float64 so the normal equations do not lose precision as confidences grow.
 */
import type { Csr } from '../ml/sparse.js';

/** `out` (k × k, row-major) ← FᵀF + λI for the row-major n × k factor matrix F. */
export function gramInto(f: Float32Array, n: number, k: number, lambda: number, out: Float64Array): void {
  out.fill(0);
  // Accumulate the upper triangle only (it is symmetric), then mirror it.
  for (let r = 0; r < n; r++) {
    const o = r * k;
    for (let a = 0; a < k; a++) {
      const fa = f[o + a]!;
      if (fa === 0) continue;
      const row = a * k;
      for (let b = a; b < k; b++) out[row + b]! += fa * f[o + b]!;
    }
  }
  for (let a = 0; a < k; a++) {
    out[a * k + a]! += lambda;
    for (let b = a + 1; b < k; b++) out[b * k + a] = out[a * k + b]!;
  }
}

/** Scratch vectors for leastSquaresCg, allocated once per training run (hot loop allocates nothing). */
export interface CgScratch {
  readonly x: Float64Array;
  readonly r: Float64Array;
  readonly p: Float64Array;
  readonly ap: Float64Array;
}

export const cgScratch = (k: number): CgScratch => ({ x: new Float64Array(k), r: new Float64Array(k), p: new Float64Array(k), ap: new Float64Array(k) });

/**
 * One ALS half-iteration: for every row u of `m`, a few conjugate-gradient steps on
 *   (YᵀY + λI + Yᵀ(Cᵤ − I)Y) xᵤ = YᵀCᵤp(u)                        (Hu, Koren & Volinsky 2008, eq. 4)
 * warm-started from the current xᵤ (Takács, Pilászy & Tikk 2011, "Applications of the conjugate
 * gradient method for implicit feedback collaborative filtering", §3; the same loop as the
 * `implicit` library's `_least_squares_cg`). Cᵤ = diag(1 + α·r), p = 1 where r > 0, so only the
 * row's stored entries add to the precomputed `gram` = YᵀY + λI: each product A·v costs
 * O(k² + nnz(u)·k) and YᵀCᵤY is never formed.
 */
export function leastSquaresCg(m: Csr, x: Float32Array, y: Float32Array, gram: Float64Array, k: number, alpha: number, steps: number, s: CgScratch): void {
  const { indptr, indices, data } = m;
  const { x: xs, r, p, ap } = s;
  for (let u = 0; u < m.rows; u++) {
    const start = indptr[u]!;
    const end = indptr[u + 1]!;
    const xo = u * k;
    for (let a = 0; a < k; a++) xs[a] = x[xo + a]!;
    // Residual r = b − A·x = −(YᵀY + λI)x + Σᵢ (cᵢ − (cᵢ − 1)·yᵢ·x)·yᵢ.
    for (let a = 0; a < k; a++) {
      let acc = 0;
      const g = a * k;
      for (let b = 0; b < k; b++) acc += gram[g + b]! * xs[b]!;
      r[a] = -acc;
    }
    for (let e = start; e < end; e++) {
      const w = data[e]!;
      if (!(w > 0)) continue; // r = 0 means c = 1, p = 0: the same as no entry
      const cm1 = alpha * w;
      const yo = indices[e]! * k;
      let d = 0;
      for (let a = 0; a < k; a++) d += y[yo + a]! * xs[a]!;
      const coef = 1 + cm1 - cm1 * d;
      for (let a = 0; a < k; a++) r[a]! += coef * y[yo + a]!;
    }
    let rsOld = 0;
    for (let a = 0; a < k; a++) {
      p[a] = r[a]!;
      rsOld += r[a]! * r[a]!;
    }
    if (rsOld < 1e-20) continue;
    for (let it = 0; it < steps; it++) {
      // ap = A·p without forming YᵀCᵤY.
      for (let a = 0; a < k; a++) {
        let acc = 0;
        const g = a * k;
        for (let b = 0; b < k; b++) acc += gram[g + b]! * p[b]!;
        ap[a] = acc;
      }
      for (let e = start; e < end; e++) {
        const w = data[e]!;
        if (!(w > 0)) continue;
        const yo = indices[e]! * k;
        let d = 0;
        for (let a = 0; a < k; a++) d += y[yo + a]! * p[a]!;
        const coef = alpha * w * d;
        for (let a = 0; a < k; a++) ap[a]! += coef * y[yo + a]!;
      }
      let pAp = 0;
      for (let a = 0; a < k; a++) pAp += p[a]! * ap[a]!;
      if (!(pAp > 0)) break; // A is positive definite; a zero step means p vanished in rounding
      const step = rsOld / pAp;
      let rsNew = 0;
      for (let a = 0; a < k; a++) {
        xs[a]! += step * p[a]!;
        r[a]! -= step * ap[a]!;
        rsNew += r[a]! * r[a]!;
      }
      if (rsNew < 1e-20) break;
      const beta = rsNew / rsOld;
      for (let a = 0; a < k; a++) p[a] = r[a]! + beta * p[a]!;
      rsOld = rsNew;
    }
    for (let a = 0; a < k; a++) x[xo + a] = xs[a]!;
  }
}

/** In-place Cholesky factorisation A = LLᵀ of a k × k symmetric positive definite matrix (lower triangle holds L). Returns false if A is not positive definite. */
export function cholesky(a: Float64Array, k: number): boolean {
  for (let j = 0; j < k; j++) {
    let d = a[j * k + j]!;
    for (let t = 0; t < j; t++) d -= a[j * k + t]! * a[j * k + t]!;
    if (!(d > 0)) return false;
    const ljj = Math.sqrt(d);
    a[j * k + j] = ljj;
    for (let i = j + 1; i < k; i++) {
      let s = a[i * k + j]!;
      for (let t = 0; t < j; t++) s -= a[i * k + t]! * a[j * k + t]!;
      a[i * k + j] = s / ljj;
    }
  }
  return true;
}

/** Solve LLᵀz = b in place (b becomes z), L from cholesky(). */
export function choleskySolve(l: Float64Array, k: number, b: Float64Array): void {
  for (let i = 0; i < k; i++) {
    let s = b[i]!;
    for (let t = 0; t < i; t++) s -= l[i * k + t]! * b[t]!;
    b[i] = s / l[i * k + i]!;
  }
  for (let i = k - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let t = i + 1; t < k; t++) s -= l[t * k + i]! * b[t]!;
    b[i] = s / l[i * k + i]!;
  }
}

/**
 * The normal-equation matrix of one customer with history (`indices`, `data`):
 * `out` ← gram + Σⱼ α·rⱼ·yⱼyⱼᵀ, i.e. YᵀCᵤY + λI (HKV 2008 eq. 4), ready for cholesky().
 */
export function userSystemInto(gram: Float64Array, y: Float32Array, k: number, alpha: number, indices: Int32Array, data: Float32Array, out: Float64Array): void {
  out.set(gram);
  for (let e = 0; e < indices.length; e++) {
    const w = data[e]!;
    if (!(w > 0)) continue;
    const cm1 = alpha * w;
    const yo = indices[e]! * k;
    for (let a = 0; a < k; a++) {
      const ya = cm1 * y[yo + a]!;
      for (let b = 0; b <= a; b++) out[a * k + b]! += ya * y[yo + b]!;
    }
  }
  // Only the lower triangle was updated and cholesky() reads only the lower triangle.
}
