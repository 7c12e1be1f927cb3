import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, type Rng } from './rng.js';
import { at, gemm, matrix, type Matrix } from './dense.js';
import { cholesky, choleskySolve, conjugateGradient, invertSpd } from './dense.solve.js';

/** A random SPD matrix MMᵀ + shift·I (well conditioned for shift ≳ n). */
const randomSpd = (rng: Rng, n: number, shift = n): Matrix => {
  const m = matrix(n, n);
  for (let i = 0; i < n * n; i++) m.data[i] = rng.normal();
  const a = matrix(n, n);
  gemm(m, m, a, { transB: true });
  for (let i = 0; i < n; i++) a.data[i * n + i]! += shift;
  return a;
};

const maxDistanceFromIdentity = (p: Matrix): number => {
  let worst = 0;
  for (let i = 0; i < p.rows; i++) for (let j = 0; j < p.cols; j++) worst = Math.max(worst, Math.abs(at(p, i, j) - (i === j ? 1 : 0)));
  return worst;
};

test('cholesky factors the textbook 3×3 example exactly', () => {
  // A = LLᵀ with L = [[2,0,0],[6,1,0],[-8,5,3]].
  const a = matrix(3, 3, Float64Array.from([4, 12, -16, 12, 37, -43, -16, -43, 98]));
  cholesky(a);
  assert.deepEqual(Array.from(a.data), [2, 0, 0, 6, 1, 0, -8, 5, 3]);
  const x = choleskySolve(a, [4, 12, -16]); // the first column of A, so x = e₁
  assert.deepEqual(Array.from(x, (v) => Math.round(v * 1e12) / 1e12), [1, 0, 0]);
});

test('cholesky and choleskySolve solve random SPD systems', () => {
  const rng = createRng('chol');
  for (const n of [1, 7, 40]) {
    const a = randomSpd(rng, n);
    const l = matrix(n, n, Float64Array.from(a.data));
    cholesky(l);
    const xTrue = Float64Array.from({ length: n }, () => rng.normal());
    const b = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) b[i]! += at(a, i, j) * xTrue[j]!;
    const x = choleskySolve(l, b);
    for (let i = 0; i < n; i++) assert.ok(Math.abs(x[i]! - xTrue[i]!) < 1e-10, `n=${n}, x[${i}] = ${x[i]}, expected ${xTrue[i]}`);
  }
});

test('cholesky rejects a matrix that is not positive definite', () => {
  assert.throws(() => cholesky(matrix(2, 2, Float64Array.from([1, 2, 2, 1]))), /not positive definite/);
  assert.throws(() => cholesky(matrix(2, 3)), /not square/);
});

test('invertSpd gives A·A⁻¹ = I for random SPD matrices, at and across the recursion base', () => {
  const rng = createRng('inverse');
  for (const [n, baseSize] of [[1, 64], [5, 64], [64, 64], [65, 64], [150, 16], [97, 1]] as const) {
    const a = randomSpd(rng, n);
    const inv = matrix(n, n, Float64Array.from(a.data));
    invertSpd(inv, { baseSize });
    const p = matrix(n, n);
    gemm(a, inv, p);
    assert.ok(maxDistanceFromIdentity(p) < 1e-12, `n=${n}, base=${baseSize}: |A·A⁻¹ − I| = ${maxDistanceFromIdentity(p)}`);
    // The inverse of a symmetric matrix is symmetric, and it is stored in full.
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) assert.ok(Math.abs(at(inv, i, j) - at(inv, j, i)) < 1e-14);
  }
});

test('invertSpd inverts a hand-checked 2×2 and rejects an indefinite matrix', () => {
  const a = matrix(2, 2, Float64Array.from([2, 1, 1, 2])); // inverse: [[2, −1], [−1, 2]] / 3
  invertSpd(a);
  assert.deepEqual(Array.from(a.data, (v) => Math.round(v * 3 * 1e12) / 1e12), [2, -1, -1, 2]);
  // Positive diagonal but indefinite (eigenvalues 3 and −1), with the failing pivot in the recursion's second half.
  const bad = randomSpd(createRng('bad'), 10);
  bad.data[9 * 10 + 9] = -100;
  assert.throws(() => invertSpd(bad, { baseSize: 4 }), /not positive definite/);
});

test('conjugateGradient solves an SPD system given only its matrix–vector product', () => {
  const rng = createRng('cg');
  const n = 30;
  const a = randomSpd(rng, n, 5);
  const apply = (x: Float64Array, out: Float64Array) => {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += at(a, i, j) * x[j]!;
      out[i] = s;
    }
  };
  const b = Float64Array.from({ length: n }, () => rng.normal());
  const { x, iterations, residual } = conjugateGradient(apply, b, { tolerance: 1e-12 });
  assert.ok(iterations <= 3 * n, `took ${iterations} iterations`);
  assert.ok(residual < 1e-10, `residual ${residual}`);
  const ax = new Float64Array(n);
  apply(x, ax);
  for (let i = 0; i < n; i++) assert.ok(Math.abs(ax[i]! - b[i]!) < 1e-9);
  // Warm-started at the solution there is nothing left to do; a capped run stops at the cap.
  assert.equal(conjugateGradient(apply, b, { x0: x, tolerance: 1e-8 }).iterations, 0);
  assert.equal(conjugateGradient(apply, b, { maxIterations: 3 }).iterations, 3);
  assert.throws(() => conjugateGradient(apply, b, { x0: [1] }), /x0 has 1 entries/);
});
