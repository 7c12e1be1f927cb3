/**
 * Dense row-major linear algebra on typed arrays: matrix views, a blocked GEMM, the Gram
 * matrix of a sparse matrix, products of dense and sparse matrices, and the symmetric
 * positive-definite (SPD) solvers in ./dense.solve.ts build on these.
 *
 * The GEMM follows the Goto–van de Geijn layering (K. Goto & R. van de Geijn, "Anatomy of
 * high-performance matrix multiplication", ACM TOMS 34(3), 2008): op(B) is packed into
 * KC × NC panels that stay in L2, op(A) into MC × KC blocks that stay in L1, and a 4 × 4
 * register-blocked micro-kernel does the multiply–adds on the packed copies. Packing also
 * makes transposes and Float32/Float64 inputs free for the kernel, which only ever reads
 * contiguous Float64Arrays (one element kind keeps V8's code for it monomorphic).
 */
import type { Csr } from './sparse.js';

export type Floats = Float64Array | Float32Array;

/** A row-major matrix or a window into one: element (i, j) is `data[offset + i·stride + j]`. */
export interface Matrix {
  readonly data: Floats;
  readonly rows: number;
  readonly cols: number;
  readonly offset: number;
  readonly stride: number;
}

/** A rows × cols matrix over `data` (zero-filled Float64Array when omitted). */
export function matrix(rows: number, cols: number, data?: Floats): Matrix {
  if (!(Number.isInteger(rows) && rows >= 0 && Number.isInteger(cols) && cols >= 0)) throw new RangeError(`matrix: shape ${rows}×${cols} must be non-negative integers`);
  const d = data ?? new Float64Array(rows * cols);
  if (d.length < rows * cols) throw new RangeError(`matrix: data has ${d.length} entries, a ${rows}×${cols} matrix needs ${rows * cols}`);
  return { data: d, rows, cols, offset: 0, stride: cols };
}

/** The rows × cols window of `m` whose top-left corner is (r0, c0); shares m's storage. */
export function view(m: Matrix, r0: number, c0: number, rows: number, cols: number): Matrix {
  if (!(r0 >= 0 && c0 >= 0 && rows >= 0 && cols >= 0 && r0 + rows <= m.rows && c0 + cols <= m.cols)) {
    throw new RangeError(`view: [${r0}, ${r0 + rows}) × [${c0}, ${c0 + cols}) is outside a ${m.rows}×${m.cols} matrix`);
  }
  return { data: m.data, rows, cols, offset: m.offset + r0 * m.stride + c0, stride: m.stride };
}

/** Element (i, j) (no bounds check beyond the typed array's own). */
export const at = (m: Matrix, i: number, j: number): number => m.data[m.offset + i * m.stride + j] ?? NaN;

/** A dense copy of `m` (Float64Array, stride = cols). */
export function copy(m: Matrix): Matrix {
  const out = matrix(m.rows, m.cols);
  for (let i = 0; i < m.rows; i++) out.data.set(m.data.subarray(m.offset + i * m.stride, m.offset + i * m.stride + m.cols), i * m.cols);
  return out;
}

/** The n × n identity (Float64Array). */
export function identity(n: number): Matrix {
  const m = matrix(n, n);
  for (let i = 0; i < n; i++) m.data[i * n + i] = 1;
  return m;
}

export interface GemmOptions {
  /** Scale of the product (default 1). */
  readonly alpha?: number;
  /** Scale of C's previous contents (default 0: C is overwritten, even where it held NaN). */
  readonly beta?: number;
  /** Use Aᵀ instead of A (default false). */
  readonly transA?: boolean;
  /** Use Bᵀ instead of B (default false). */
  readonly transB?: boolean;
}

// Blocking sizes, tuned on a 2-core Zen 4 (~4 GFlop/s a core in float64, about 3× the unpacked i-k-j loop):
// a KC × NC panel of B (128 × 512 doubles = 512 KB) fits L2, an MC × KC block of A (64 KB) L1/L2.
const MR = 4;
const NR = 4;
const KC = 128;
const MC = 64;
const NC = 512;

// Packing buffers, grown on demand and reused: gemm is synchronous and never re-entered, and
// each worker thread has its own module instance, so sharing them is safe and keeps calls
// allocation-free after the first.
let packA: Float64Array = new Float64Array(MC * KC);
let packB: Float64Array = new Float64Array(KC * NC);
const tile = new Float64Array(MR * NR);

/** C ← α·op(A)·op(B) + β·C, where op(A) is m × k, op(B) is k × n and C is m × n. */
export function gemm(a: Matrix, b: Matrix, c: Matrix, options: GemmOptions = {}): void {
  const { alpha = 1, beta = 0, transA = false, transB = false } = options;
  const m = transA ? a.cols : a.rows;
  const k = transA ? a.rows : a.cols;
  const kb = transB ? b.cols : b.rows;
  const n = transB ? b.rows : b.cols;
  if (k !== kb || c.rows !== m || c.cols !== n) {
    throw new RangeError(`gemm: op(A) is ${m}×${k}, op(B) ${kb}×${n}, C ${c.rows}×${c.cols}`);
  }
  if (!Number.isFinite(alpha) || !Number.isFinite(beta)) throw new RangeError('gemm: alpha and beta must be finite');
  scale(c, beta);
  if (alpha === 0 || k === 0) return;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      packB = ensure(packB, Math.ceil(nc / NR) * NR * kc);
      pack(packB, b, !transB, pc, jc, kc, nc, NR, alpha);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        packA = ensure(packA, Math.ceil(mc / MR) * MR * kc);
        pack(packA, a, transA, pc, ic, kc, mc, MR, 1);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = Math.min(NR, nc - jr);
          for (let ir = 0; ir < mc; ir += MR) {
            kernel4x4(kc, packA, ir * kc, packB, jr * kc);
            addTile(c, ic + ir, jc + jr, Math.min(MR, mc - ir), nr);
          }
        }
      }
    }
  }
}

/** C ← β·C (β = 0 writes zeros, so NaN or garbage in C does not survive). */
function scale(c: Matrix, beta: number): void {
  if (beta === 1) return;
  for (let i = 0; i < c.rows; i++) {
    const o = c.offset + i * c.stride;
    if (beta === 0) c.data.fill(0, o, o + c.cols);
    else for (let j = o; j < o + c.cols; j++) c.data[j]! *= beta;
  }
}

/** Grow a packing buffer to at least `size` doubles. */
const ensure = (buf: Float64Array, size: number): Float64Array => (buf.length >= size ? buf : new Float64Array(size));

/**
 * Pack a kc-deep slab of `w` lines of an operand into micro-panels `width` lines wide
 * (zero-padded at the edge): panel q holds, for each depth p < kc, the values of lines
 * q … q+width−1, scaled by `scaleBy`. Lines are op(A)'s rows or op(B)'s columns;
 * `linesAreColumns` says whether they are columns of the stored matrix.
 */
function pack(dst: Float64Array, src: Matrix, linesAreColumns: boolean, pc: number, l0: number, kc: number, w: number, width: number, scaleBy: number): void {
  const { data, offset, stride } = src;
  for (let q = 0; q < w; q += width) {
    const base = q * kc;
    const lines = Math.min(width, w - q);
    for (let p = 0; p < kc; p++) {
      const o = base + p * width;
      // Element (depth, line) of the stored matrix when lines are its columns, else (line, depth).
      const start = linesAreColumns ? offset + (pc + p) * stride + l0 + q : offset + (l0 + q) * stride + pc + p;
      const step = linesAreColumns ? 1 : stride;
      for (let t = 0; t < lines; t++) dst[o + t] = scaleBy * data[start + t * step]!;
      for (let t = lines; t < width; t++) dst[o + t] = 0;
    }
  }
}

/**
 * The micro-kernel: tile ← Σ_p packA[ao + 4p + i] · packB[bo + 4p + j] for a 4 × 4 tile.
 * Sixteen scalar accumulators fit V8's 16 XMM registers with the operands (a 4 × 8 variant
 * measured ~15% slower).
 */
function kernel4x4(kc: number, pa: Float64Array, ao: number, pb: Float64Array, bo: number): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let p = 0; p < kc; p++) {
    const x = ao + p * 4;
    const y = bo + p * 4;
    const a0 = pa[x]!, a1 = pa[x + 1]!, a2 = pa[x + 2]!, a3 = pa[x + 3]!;
    const b0 = pb[y]!, b1 = pb[y + 1]!, b2 = pb[y + 2]!, b3 = pb[y + 3]!;
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
  }
  tile[0] = c00; tile[1] = c01; tile[2] = c02; tile[3] = c03;
  tile[4] = c10; tile[5] = c11; tile[6] = c12; tile[7] = c13;
  tile[8] = c20; tile[9] = c21; tile[10] = c22; tile[11] = c23;
  tile[12] = c30; tile[13] = c31; tile[14] = c32; tile[15] = c33;
}

/** C[i0 …, j0 …] += the top-left mr × nr of the last tile. */
function addTile(c: Matrix, i0: number, j0: number, mr: number, nr: number): void {
  const d = c.data;
  for (let i = 0; i < mr; i++) {
    const o = c.offset + (i0 + i) * c.stride + j0;
    for (let j = 0; j < nr; j++) d[o + j]! += tile[i * NR + j]!;
  }
}

/**
 * The Gram matrix XᵀX (cols × cols, Float64) of a sparse matrix: every row adds the outer
 * product of its stored entries, so the cost is Σ_rows nnz(row)², not rows · cols².
 */
export function gramFromCsr(x: Csr): Matrix {
  const n = x.cols;
  const g = matrix(n, n);
  const d = g.data;
  for (let r = 0; r < x.rows; r++) {
    const end = x.indptr[r + 1]!;
    for (let s = x.indptr[r]!; s < end; s++) {
      const i = x.indices[s]!;
      const v = x.data[s]!;
      const o = i * n;
      // Column indices in a row are increasing, so t ≥ s fills the upper triangle only.
      for (let t = s; t < end; t++) d[o + x.indices[t]!]! += v * x.data[t]!;
    }
  }
  mirrorUpper(g);
  return g;
}

/** Copy the upper triangle of the square matrix `m` onto its lower triangle. */
export function mirrorUpper(m: Matrix): void {
  if (m.rows !== m.cols) throw new RangeError(`mirrorUpper: ${m.rows}×${m.cols} is not square`);
  const { data, offset, stride } = m;
  for (let i = 1; i < m.rows; i++) for (let j = 0; j < i; j++) data[offset + i * stride + j] = data[offset + j * stride + i]!;
}

/** mᵀ as a new dense Float64 matrix (blocked so both sides are read and written a cache line at a time). */
export function transposed(m: Matrix): Matrix {
  const out = matrix(m.cols, m.rows);
  const B = 32;
  for (let i0 = 0; i0 < m.rows; i0 += B) {
    for (let j0 = 0; j0 < m.cols; j0 += B) {
      for (let i = i0; i < Math.min(m.rows, i0 + B); i++) {
        const ro = m.offset + i * m.stride;
        for (let j = j0; j < Math.min(m.cols, j0 + B); j++) out.data[j * m.rows + i] = m.data[ro + j]!;
      }
    }
  }
  return out;
}

export interface CsrTimesDenseOptions {
  /** The product is known to be symmetric (e.g. XᵀAX with A symmetric): compute the upper triangle only and mirror it (half the work). */
  readonly symmetric?: boolean;
}

/** out ← S·W for sparse S (p × r) and dense W (r × q): out's row i is Σ S[i][r]·W's row r. */
export function csrTimesDense(s: Csr, w: Matrix, out: Matrix, options: CsrTimesDenseOptions = {}): void {
  if (w.rows !== s.cols || out.rows !== s.rows || out.cols !== w.cols) throw new RangeError(`csrTimesDense: ${s.rows}×${s.cols} · ${w.rows}×${w.cols} → ${out.rows}×${out.cols}`);
  const symmetric = options.symmetric ?? false;
  if (symmetric && out.rows !== out.cols) throw new RangeError('csrTimesDense: a symmetric product must be square');
  scale(out, 0);
  const { indptr, indices, data } = s;
  const q = w.cols;
  for (let i = 0; i < s.rows; i++) {
    // Symmetric: row i needs columns i… only, so the cost is Σ nnz(row i)·(q − i) — least when
    // the sparse rows are ordered by increasing nnz.
    const from = symmetric ? i : 0;
    const oo = out.offset + i * out.stride + from;
    for (let k = indptr[i]!; k < indptr[i + 1]!; k++) axpy(q - from, data[k]!, w.data, w.offset + indices[k]! * w.stride + from, out.data, oo);
  }
  if (symmetric) mirrorUpper(out);
}

/**
 * y[yo …] += v · x[xo …] over `len` entries. A separate function with the arrays as arguments
 * and a 4-way unroll runs about 2.5× faster in V8 than the same loop written inline (measured).
 */
function axpy(len: number, v: number, x: Floats, xo: number, y: Floats, yo: number): void {
  let t = 0;
  for (; t + 4 <= len; t += 4) {
    y[yo + t]! += v * x[xo + t]!;
    y[yo + t + 1]! += v * x[xo + t + 1]!;
    y[yo + t + 2]! += v * x[xo + t + 2]!;
    y[yo + t + 3]! += v * x[xo + t + 3]!;
  }
  for (; t < len; t++) y[yo + t]! += v * x[xo + t]!;
}
