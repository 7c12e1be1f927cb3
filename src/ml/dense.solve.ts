/**
 * Solvers for symmetric positive-definite (SPD) systems on the row-major matrices of
 * ./dense.ts: Cholesky factorisation and solve (small systems: ALS's k × k normal equations),
 * the explicit inverse (EASE's (XᵀX + λI)⁻¹), and conjugate gradients for systems known only
 * through a matrix–vector product.
 */
import { gemm, matrix, mirrorUpper, view, type Floats, type GemmOptions, type Matrix } from './dense.js';

const square = (m: Matrix, what: string): number => {
  if (m.rows !== m.cols) throw new RangeError(`${what}: ${m.rows}×${m.cols} is not square`);
  return m.rows;
};

/**
 * Cholesky factorisation A = LLᵀ in place: the lower triangle of `a` becomes L, the upper is
 * zeroed. Row-oriented (Cholesky–Banachiewicz): L[i][j] is a dot product of rows i and j, both
 * contiguous in row-major storage. Unblocked, O(n³/3) flops: meant for n up to a few hundred.
 * Throws a RangeError when A is not (numerically) positive definite.
 */
export function cholesky(a: Matrix): void {
  const n = square(a, 'cholesky');
  const { data, offset, stride } = a;
  for (let i = 0; i < n; i++) {
    const ri = offset + i * stride;
    for (let j = 0; j <= i; j++) {
      const rj = offset + j * stride;
      let s = data[ri + j]!;
      for (let p = 0; p < j; p++) s -= data[ri + p]! * data[rj + p]!;
      if (i === j) {
        if (!(s > 0 && Number.isFinite(s))) throw new RangeError(`cholesky: matrix is not positive definite (pivot ${i} is ${s})`);
        data[ri + i] = Math.sqrt(s);
      } else {
        data[ri + j] = s / data[rj + j]!;
      }
    }
    data.fill(0, ri + i + 1, ri + n);
  }
}

/** Solve LLᵀx = b given the factor from `cholesky`; writes x to `out` (a new Float64Array by default). */
export function choleskySolve(l: Matrix, b: ArrayLike<number>, out: Floats = new Float64Array(l.rows)): Floats {
  const n = square(l, 'choleskySolve');
  if (b.length !== n || out.length !== n) throw new RangeError(`choleskySolve: b has ${b.length} and out ${out.length} entries, L is ${n}×${n}`);
  const { data, offset, stride } = l;
  // Forward: L y = b, row by row.
  for (let i = 0; i < n; i++) {
    const ri = offset + i * stride;
    let s = b[i]!;
    for (let p = 0; p < i; p++) s -= data[ri + p]! * out[p]!;
    out[i] = s / data[ri + i]!;
  }
  // Backward: Lᵀ x = y, column-oriented so each step reads a contiguous row of L.
  for (let i = n - 1; i >= 0; i--) {
    const ri = offset + i * stride;
    const xi = out[i]! / data[ri + i]!;
    out[i] = xi;
    for (let p = 0; p < i; p++) out[p]! -= data[ri + p]! * xi;
  }
  return out;
}

/** A GEMM with gemm's contract (./dense.ts); lets a caller run the products of invertSpd on worker threads. */
export type GemmFn = (a: Matrix, b: Matrix, c: Matrix, options?: GemmOptions) => void;

export interface InvertSpdOptions {
  /** The GEMM that does the O(n³) work (default: single-threaded `gemm`). */
  readonly gemm?: GemmFn;
  /** Allocates scratch matrices (default: Float64Array); a parallel GEMM needs them in shared memory. */
  readonly allocate?: (rows: number, cols: number) => Matrix;
  /** Blocks at most this large are inverted directly by Gauss–Jordan (default 64). */
  readonly baseSize?: number;
}

/**
 * Invert the SPD matrix `a` in place (full symmetric storage in, full inverse out).
 *
 * Recursive block inversion through the Schur complement S = D − BᵀA⁻¹B of the partition
 * A = [A B; Bᵀ D] (the Banachiewicz block-inverse formula, used recursively by Strassen 1969;
 * see Higham, "Accuracy and Stability of Numerical Algorithms", 2nd ed., chs. 13–14):
 *   A⁻¹ = [A⁻¹ + A⁻¹B S⁻¹ BᵀA⁻¹,  −A⁻¹B S⁻¹;  −S⁻¹BᵀA⁻¹,  S⁻¹].
 * For an SPD matrix every Schur complement is SPD, so no pivoting is needed, and all but
 * O(n²·baseSize) of the work is four GEMMs per level — the one kernel worth making fast (and
 * parallel). Two of the four have symmetric results and are computed as their upper triangle
 * only, which brings the total to about n³ flops, as for Cholesky-based inversion (LAPACK's
 * potrf + potri). Throws a RangeError when a pivot is not positive (A is not SPD).
 */
export function invertSpd(a: Matrix, options: InvertSpdOptions = {}): void {
  const n = square(a, 'invertSpd');
  const mult = options.gemm ?? gemm;
  const allocate = options.allocate ?? ((r: number, c: number) => matrix(r, c));
  const baseSize = options.baseSize ?? 64;
  if (!(Number.isInteger(baseSize) && baseSize >= 1)) throw new RangeError(`invertSpd: baseSize must be a positive integer, got ${baseSize}`);
  if (n === 0) return;
  const recurse = (m: Matrix): void => {
    const size = m.rows;
    if (size <= baseSize) return gaussJordanSpd(m);
    const n1 = splitPoint(size);
    const n2 = size - n1;
    const a11 = view(m, 0, 0, n1, n1);
    const a12 = view(m, 0, n1, n1, n2);
    const a21 = view(m, n1, 0, n2, n1);
    const a22 = view(m, n1, n1, n2, n2);
    recurse(a11); // a11 ← A⁻¹
    // T lives across the lower-right recursion, so each level has its own (live scratch ≤ n²/3 in all).
    const t = allocate(n1, n2);
    mult(a11, a12, t); // T = A⁻¹B
    symmetricUpdate(mult, a12, t, a22, true); // a22 ← S = D − BᵀT
    recurse(a22); // a22 ← S⁻¹
    mult(t, a22, a12, { alpha: -1 }); // a12 ← −T S⁻¹ (the inverse's top-right block)
    symmetricUpdate(mult, a12, t, a11, false); // a11 ← A⁻¹ + T S⁻¹ Tᵀ = A⁻¹ − a12·Tᵀ
    transposeInto(a12, a21);
  };
  recurse(a);
}

/** Row-block height of symmetricUpdate: its wasted work (the diagonal blocks' lower halves) is ~SYM_BLOCK / n of the total. */
const SYM_BLOCK = 64;

/**
 * C ← C − op(A)·op(B) for a product known to be symmetric (C square, n × n), computed on the
 * upper triangle by row blocks — half of a full GEMM's flops — and mirrored to the lower.
 * `aTransposed` selects Aᵀ·B (op(A) = Aᵀ, op(B) = B) instead of A·Bᵀ (op(A) = A, op(B) = Bᵀ).
 */
function symmetricUpdate(mult: GemmFn, a: Matrix, b: Matrix, c: Matrix, aTransposed: boolean): void {
  const n = c.rows;
  const k = aTransposed ? a.rows : a.cols;
  for (let r0 = 0; r0 < n; r0 += SYM_BLOCK) {
    const h = Math.min(SYM_BLOCK, n - r0);
    const rowsOfA = aTransposed ? view(a, 0, r0, k, h) : view(a, r0, 0, h, k);
    const colsOfB = aTransposed ? view(b, 0, r0, k, n - r0) : view(b, r0, 0, n - r0, k);
    mult(rowsOfA, colsOfB, view(c, r0, r0, h, n - r0), { transA: aTransposed, transB: !aTransposed, alpha: -1, beta: 1 });
  }
  mirrorUpper(c);
}

/** Where to split an n × n block (n ≥ 2): about half, rounded down to a multiple of 4 (the GEMM's tile size) when that leaves both halves non-empty. */
function splitPoint(n: number): number {
  const half = Math.floor(n / 2);
  return half >= 8 ? half - (half % 4) : half;
}

/** In-place inverse of a small SPD block by Gauss–Jordan elimination without pivoting (safe for SPD: the pivots are Schur complements, all positive). */
function gaussJordanSpd(m: Matrix): void {
  const n = m.rows;
  const { data, offset, stride } = m;
  for (let k = 0; k < n; k++) {
    const rk = offset + k * stride;
    const pivot = data[rk + k]!;
    if (!(pivot > 0 && Number.isFinite(pivot))) throw new RangeError(`invertSpd: matrix is not positive definite (pivot ${pivot})`);
    const inv = 1 / pivot;
    data[rk + k] = 1;
    for (let j = 0; j < n; j++) data[rk + j]! *= inv;
    for (let i = 0; i < n; i++) {
      if (i === k) continue;
      const ri = offset + i * stride;
      const f = data[ri + k]!;
      if (f === 0) continue;
      data[ri + k] = 0;
      for (let j = 0; j < n; j++) data[ri + j]! -= f * data[rk + j]!;
    }
  }
}

/** out ← mᵀ. */
function transposeInto(m: Matrix, out: Matrix): void {
  for (let i = 0; i < m.rows; i++) {
    const ro = m.offset + i * m.stride;
    for (let j = 0; j < m.cols; j++) out.data[out.offset + j * out.stride + i] = m.data[ro + j]!;
  }
}

export interface ConjugateGradientOptions {
  /** Starting point (default zeros); a warm start from the previous solution saves iterations. */
  readonly x0?: ArrayLike<number>;
  /** Iteration cap (default 10n, as SciPy's cg: exact arithmetic needs at most n steps, rounding can need more). */
  readonly maxIterations?: number;
  /** Stop when ‖b − Ax‖ ≤ tolerance · ‖b‖ (default 1e-10). */
  readonly tolerance?: number;
}

export interface ConjugateGradientResult {
  readonly x: Float64Array;
  readonly iterations: number;
  /** ‖b − Ax‖ of the returned x (the recurrence's residual). */
  readonly residual: number;
}

/**
 * Conjugate gradients for Ax = b with A SPD, given only `apply(x, out)`: out ← Ax
 * (Hestenes & Stiefel 1952; the algorithm as in Shewchuk, "An Introduction to the Conjugate
 * Gradient Method Without the Agonizing Pain", 1994, §B2). ALS uses a few warm-started steps
 * per row instead of a full solve (Takács, Pilászy & Tikk, RecSys 2011).
 */
export function conjugateGradient(apply: (x: Float64Array, out: Float64Array) => void, b: ArrayLike<number>, options: ConjugateGradientOptions = {}): ConjugateGradientResult {
  const n = b.length;
  const { x0, maxIterations = 10 * n, tolerance = 1e-10 } = options;
  if (x0 && x0.length !== n) throw new RangeError(`conjugateGradient: x0 has ${x0.length} entries, b has ${n}`);
  if (!(Number.isInteger(maxIterations) && maxIterations >= 0)) throw new RangeError(`conjugateGradient: maxIterations must be a non-negative integer, got ${maxIterations}`);
  if (!(tolerance >= 0)) throw new RangeError(`conjugateGradient: tolerance must be ≥ 0, got ${tolerance}`);
  const x = x0 ? Float64Array.from(x0) : new Float64Array(n);
  const r = new Float64Array(n);
  const p = new Float64Array(n);
  const ap = new Float64Array(n);
  let bNorm2 = 0;
  for (let i = 0; i < n; i++) bNorm2 += b[i]! * b[i]!;
  if (x0) apply(x, ap);
  let rr = 0;
  for (let i = 0; i < n; i++) {
    r[i] = b[i]! - (x0 ? ap[i]! : 0);
    p[i] = r[i]!;
    rr += r[i]! * r[i]!;
  }
  const stop = tolerance * tolerance * bNorm2;
  let iterations = 0;
  while (iterations < maxIterations && rr > stop) {
    apply(p, ap);
    let pap = 0;
    for (let i = 0; i < n; i++) pap += p[i]! * ap[i]!;
    if (!(pap > 0)) break; // pᵀAp ≤ 0: A is not positive definite along p (or p = 0); nothing more to gain.
    const alpha = rr / pap;
    let next = 0;
    for (let i = 0; i < n; i++) {
      x[i]! += alpha * p[i]!;
      r[i]! -= alpha * ap[i]!;
      next += r[i]! * r[i]!;
    }
    const beta = next / rr;
    for (let i = 0; i < n; i++) p[i] = r[i]! + beta * p[i]!;
    rr = next;
    iterations++;
  }
  return { x, iterations, residual: Math.sqrt(rr) };
}
