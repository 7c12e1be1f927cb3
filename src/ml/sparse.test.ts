import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertCsr, csrFromCoo, mapValues, nnz, row, transpose, type Csr } from './sparse.js';
import { createRng } from './rng.js';

const dense = (m: Csr): number[][] => {
  const out = Array.from({ length: m.rows }, () => new Array<number>(m.cols).fill(0));
  for (let r = 0; r < m.rows; r++) {
    const { indices, data } = row(m, r);
    indices.forEach((c, k) => (out[r]![c] = data[k]!));
  }
  return out;
};

test('csrFromCoo sorts each row by column and sums duplicate entries', () => {
  const m = csrFromCoo(3, 4, [2, 0, 0, 2, 0], [1, 3, 1, 1, 1], [5, 1, 2, 7, 10]);
  assert.deepEqual(dense(m), [
    [0, 12, 0, 1],
    [0, 0, 0, 0],
    [0, 12, 0, 0],
  ]);
  assert.deepEqual([...m.indptr], [0, 2, 2, 3]);
  assert.deepEqual([...row(m, 0).indices], [1, 3]);
  assert.equal(nnz(m), 3);
  assertCsr(m);
});

test('csrFromCoo without values stores 1 per entry (so repeats count)', () => {
  const m = csrFromCoo(2, 2, [0, 0, 1], [1, 1, 0]);
  assert.deepEqual(dense(m), [
    [0, 2],
    [1, 0],
  ]);
});

test('csrFromCoo rejects entries outside the shape, mismatched lengths and bad shapes', () => {
  assert.throws(() => csrFromCoo(2, 2, [0, 2], [0, 0]), /outside a 2×2/);
  assert.throws(() => csrFromCoo(2, 2, [0], [-1]), /outside/);
  assert.throws(() => csrFromCoo(2, 2, [0.5], [0]), /outside/);
  assert.throws(() => csrFromCoo(2, 2, [0, 1], [0]), /same length/);
  assert.throws(() => csrFromCoo(2, 2, [0], [0], [1, 2]), /same length/);
  assert.throws(() => csrFromCoo(-1, 2, [], []), /non-negative integers/);
  assert.throws(() => csrFromCoo(2, 1.5, [], []), /non-negative integers/);
});

test('transpose of a random matrix matches the dense transpose and keeps rows sorted', () => {
  const rng = createRng('sparse-transpose');
  const r: number[] = [];
  const c: number[] = [];
  const v: number[] = [];
  for (let k = 0; k < 300; k++) {
    r.push(rng.int(0, 17));
    c.push(rng.int(0, 23));
    v.push(rng.int(1, 5));
  }
  const m = csrFromCoo(17, 23, r, c, v);
  const t = transpose(m);
  assert.equal(t.rows, 23);
  assert.equal(t.cols, 17);
  assertCsr(t);
  const d = dense(m);
  assert.deepEqual(dense(t), d[0]!.map((_, j) => d.map((line) => line[j]!)));
  assert.deepEqual(dense(transpose(t)), d);
});

test('row returns views, and mapValues copies rather than changing the input', () => {
  const m = csrFromCoo(2, 3, [0, 0, 1], [0, 2, 1], [2, 3, 4]);
  const r0 = row(m, 0);
  assert.equal(r0.data.buffer, m.data.buffer);
  const squared = mapValues(m, (x) => x * x);
  assert.deepEqual([...squared.data], [4, 9, 16]);
  assert.deepEqual([...m.data], [2, 3, 4]);
  assert.equal(squared.indices, m.indices);
});

test('empty matrices and empty rows are valid', () => {
  const m = csrFromCoo(0, 0, [], []);
  assert.equal(nnz(m), 0);
  assertCsr(m);
  const t = transpose(csrFromCoo(3, 2, [], []));
  assert.deepEqual([...t.indptr], [0, 0, 0]);
});

test('assertCsr names what is wrong with a malformed matrix', () => {
  const good = csrFromCoo(2, 3, [0, 0, 1], [0, 2, 1], [1, 1, 1]);
  assert.throws(() => assertCsr({ ...good, indptr: Int32Array.of(0, 2) }, 'X'), /X: indptr has length 2/);
  assert.throws(() => assertCsr({ ...good, indices: Int32Array.of(2, 0, 1) }), /not strictly increasing/);
  assert.throws(() => assertCsr({ ...good, indices: Int32Array.of(0, 3, 1) }), /out of range/);
  assert.throws(() => assertCsr({ ...good, data: Float32Array.of(1, NaN, 1) }), /must be finite/);
  assert.throws(() => assertCsr({ ...good, data: Float32Array.of(1, -1, 1) }, 'X', { nonNegative: true }), /≥ 0/);
  assertCsr({ ...good, data: Float32Array.of(1, -1, 1) });
  assert.throws(() => assertCsr({ ...good, indptr: Int32Array.of(0, 2, 1) }), /indptr/);
});
