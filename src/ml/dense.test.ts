import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, type Rng } from './rng.js';
import { csrFromCoo, type Csr } from './sparse.js';
import { at, csrTimesDense, gemm, gramFromCsr, matrix, transposed, view, type Floats, type Matrix } from './dense.js';

const random = (rng: Rng, rows: number, cols: number, data: Floats = new Float64Array(rows * cols)): Matrix => {
  for (let i = 0; i < rows * cols; i++) data[i] = rng.normal();
  return matrix(rows, cols, data);
};

/** The textbook triple loop, the reference every kernel is checked against. */
const naive = (a: Matrix, b: Matrix, transA = false, transB = false): number[][] => {
  const m = transA ? a.cols : a.rows;
  const k = transA ? a.rows : a.cols;
  const n = transB ? b.rows : b.cols;
  return Array.from({ length: m }, (_, i) =>
    Array.from({ length: n }, (_, j) => {
      let s = 0;
      for (let p = 0; p < k; p++) s += (transA ? at(a, p, i) : at(a, i, p)) * (transB ? at(b, j, p) : at(b, p, j));
      return s;
    }),
  );
};

const assertClose = (m: Matrix, expected: number[][], tol: number) => {
  assert.equal(m.rows, expected.length);
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < m.cols; j++) {
      const want = expected[i]![j]!;
      const got = at(m, i, j);
      assert.ok(Math.abs(got - want) <= tol * Math.max(1, Math.abs(want)), `(${i}, ${j}): got ${got}, expected ${want}`);
    }
  }
};

const randomCsr = (rng: Rng, rows: number, cols: number, density: number): Csr => {
  const r: number[] = [];
  const c: number[] = [];
  const v: number[] = [];
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) if (rng.next() < density) { r.push(i); c.push(j); v.push(1 + rng.int(0, 3)); }
  return csrFromCoo(rows, cols, r, c, v);
};

const toDense = (x: Csr): Matrix => {
  const m = matrix(x.rows, x.cols);
  for (let i = 0; i < x.rows; i++) for (let k = x.indptr[i]!; k < x.indptr[i + 1]!; k++) m.data[i * x.cols + x.indices[k]!] = x.data[k]!;
  return m;
};

test('gemm multiplies a hand-checked 2×3 by 3×2 product', () => {
  const a = matrix(2, 3, Float64Array.from([1, 2, 3, 4, 5, 6]));
  const b = matrix(3, 2, Float64Array.from([7, 8, 9, 10, 11, 12]));
  const c = matrix(2, 2);
  gemm(a, b, c);
  assert.deepEqual(Array.from(c.data), [58, 64, 139, 154]);
});

test('gemm matches the triple loop for every transpose, across block edges and odd sizes', () => {
  const rng = createRng('gemm');
  // 130 > KC = 128 and 70 > MC = 64, and none is a multiple of the 4 × 4 tile.
  const [m, n, k] = [70, 131, 130];
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      const a = transA ? random(rng, k, m) : random(rng, m, k);
      const b = transB ? random(rng, n, k) : random(rng, k, n);
      const c = matrix(m, n);
      gemm(a, b, c, { transA, transB });
      assertClose(c, naive(a, b, transA, transB), 1e-12);
    }
  }
});

test('gemm applies alpha and beta, and beta = 0 overwrites NaN in C', () => {
  const rng = createRng('alpha-beta');
  const a = random(rng, 9, 5);
  const b = random(rng, 5, 7);
  const c0 = random(rng, 9, 7);
  const c = matrix(9, 7, Float64Array.from(c0.data));
  gemm(a, b, c, { alpha: -2, beta: 0.5 });
  const ab = naive(a, b);
  assertClose(c, ab.map((row, i) => row.map((v, j) => -2 * v + 0.5 * at(c0, i, j))), 1e-12);
  const dirty = matrix(9, 7, new Float64Array(63).fill(NaN));
  gemm(a, b, dirty);
  assertClose(dirty, ab, 1e-12);
});

test('gemm works on Float32 data and on windows of a larger matrix', () => {
  const rng = createRng('views');
  const big = random(rng, 20, 30, new Float32Array(600));
  const a = view(big, 2, 3, 9, 11);
  const b = view(big, 5, 12, 11, 6);
  const outer = matrix(12, 10, new Float32Array(120).fill(7));
  const c = view(outer, 1, 2, 9, 6);
  gemm(a, b, c);
  assertClose(c, naive(a, b), 1e-5);
  // Entries of the outer matrix outside the window are untouched.
  assert.equal(at(outer, 0, 0), 7);
  assert.equal(at(outer, 10, 9), 7);
  assert.equal(at(outer, 1, 8), 7);
});

test('gemm rejects mismatched shapes', () => {
  assert.throws(() => gemm(matrix(2, 3), matrix(2, 3), matrix(2, 3)), /gemm: op\(A\) is 2×3, op\(B\) 2×3/);
  assert.throws(() => gemm(matrix(2, 3), matrix(3, 4), matrix(2, 3)), RangeError);
  assert.throws(() => view(matrix(2, 2), 1, 1, 2, 1), /outside a 2×2 matrix/);
});

test('gramFromCsr equals XᵀX of the dense matrix', () => {
  const x = randomCsr(createRng('gram'), 40, 25, 0.2);
  const g = gramFromCsr(x);
  const d = toDense(x);
  assertClose(g, naive(d, d, true), 0);
});

test('csrTimesDense equals the dense product, and its symmetric mode gives XᵀAX', () => {
  const rng = createRng('spmm');
  const x = randomCsr(rng, 30, 17, 0.25);
  const w = random(rng, 17, 9);
  const out = matrix(30, 9);
  csrTimesDense(x, w, out);
  assertClose(out, naive(toDense(x), w), 1e-12);

  // XᵀAX with A symmetric: xt · (A·X) computed as the upper triangle only, then mirrored.
  const s = random(rng, 30, 30);
  const a = matrix(30, 30);
  gemm(s, s, a, { transB: true }); // A = SSᵀ, symmetric
  const xt = csrFromCoo(17, 30, ...cooOfTranspose(x));
  const ax = matrix(30, 17);
  gemm(a, toDense(x), ax);
  const xtax = matrix(17, 17);
  csrTimesDense(xt, ax, xtax, { symmetric: true });
  assertClose(xtax, naive(toDense(x), ax, true), 1e-10);
});

const cooOfTranspose = (x: Csr): [number[], number[], number[]] => {
  const r: number[] = [];
  const c: number[] = [];
  const v: number[] = [];
  for (let i = 0; i < x.rows; i++) for (let k = x.indptr[i]!; k < x.indptr[i + 1]!; k++) { r.push(x.indices[k]!); c.push(i); v.push(x.data[k]!); }
  return [r, c, v];
};

test('transposed swaps rows and columns, including across its 32 × 32 blocks', () => {
  const m = random(createRng('t'), 37, 70);
  const t = transposed(m);
  assert.equal(t.rows, 70);
  assert.equal(t.cols, 37);
  for (let i = 0; i < 37; i++) for (let j = 0; j < 70; j++) assert.equal(at(t, j, i), at(m, i, j));
});
