import { test } from 'node:test';
import assert from 'node:assert/strict';
import { at, gramFromCsr, matrix } from '../ml/dense.js';
import { cholesky, choleskySolve } from '../ml/dense.solve.js';
import { createRng } from '../ml/rng.js';
import { csrFromCoo, row, type Csr } from '../ml/sparse.js';
import { topK } from '../ml/topk.js';
import { deserializeEase, trainEase } from './ease.js';
import type { RecommenderModel, ScoringInput } from './recommender.js';

/**
 * 60 customers over 12 items: items 0–3 go together (a "starter kit"), items 4–7 (a
 * "camping set"); each customer buys each item of their bundle with probability 0.7, and
 * each of items 8–10 (unrelated to anything) with probability 0.3. Item 11 is in the catalogue but nobody has bought it.
 */
function plantedBundles(): Csr {
  const rng = createRng('ease-bundles');
  const rows: number[] = [];
  const cols: number[] = [];
  for (let u = 0; u < 60; u++) {
    const bundle = u % 2 === 0 ? [0, 1, 2, 3] : [4, 5, 6, 7];
    for (const item of bundle) if (rng.bernoulli(0.7)) { rows.push(u); cols.push(item); }
    for (const item of [8, 9, 10]) if (rng.bernoulli(0.3)) { rows.push(u); cols.push(item); }
  }
  return csrFromCoo(60, 12, rows, cols);
}

const history = (items: number[]): ScoringInput => ({ history: { indices: Int32Array.from(items), data: new Float32Array(items.length).fill(1) } });

const scores = (model: RecommenderModel, input: ScoringInput): Float32Array => {
  const out = new Float32Array(model.items);
  model.score(input, out);
  return out;
};

test('a customer holding part of a bundle is recommended the rest of it first, because of the bundle items they hold', () => {
  const model = trainEase({ interactions: plantedBundles(), seed: 1 }, { lambda: 5 });
  const input = history([0, 1]);
  const s = scores(model, input);
  const ranked = Array.from(topK(s, 2, (i) => i === 0 || i === 1));
  assert.deepEqual(ranked.sort(), [2, 3]);
  assert.deepEqual(model.because?.(input, 2, 5).sort(), [0, 1]);
  // Holding nothing from the camping set is no reason to recommend it.
  assert.deepEqual(model.because?.(input, 5, 5), []);
  const camping = Array.from(topK(scores(model, history([4, 5, 6])), 1, (i) => i >= 4 && i <= 6));
  assert.deepEqual(camping, [7]);
});

test('B is the closed form of Steck (2019): B = I − P·diagMat(1/diag P), P = (XᵀX + λI)⁻¹, zero diagonal', () => {
  const x = plantedBundles();
  const lambda = 3;
  const model = trainEase({ interactions: x, seed: 1 }, { lambda });
  // Independent route: Cholesky of the full 12 × 12 Gram matrix (unused item 11 included).
  const n = x.cols;
  const g = gramFromCsr(x);
  for (let i = 0; i < n; i++) g.data[i * n + i]! += lambda;
  const l = matrix(n, n, Float64Array.from(g.data));
  cholesky(l);
  const p = matrix(n, n);
  for (let j = 0; j < n; j++) {
    const col = choleskySolve(l, Float64Array.from({ length: n }, (_, i) => (i === j ? 1 : 0)));
    for (let i = 0; i < n; i++) p.data[i * n + j] = col[i]!;
  }
  // Scoring the one-item history {i} reads off row i of B.
  for (let i = 0; i < n; i++) {
    const s = scores(model, history([i]));
    for (let j = 0; j < n; j++) {
      const expected = i === j ? 0 : -at(p, i, j) / at(p, j, j);
      assert.ok(Math.abs(s[j]! - expected) < 1e-6, `B[${i}][${j}] = ${s[j]}, expected ${expected}`);
    }
  }
});

test('inverting on the customers’ side (Woodbury) gives the same model as on the items’ side', () => {
  const rng = createRng('ease-sides');
  const rows: number[] = [];
  const cols: number[] = [];
  for (let u = 0; u < 25; u++) for (let i = 0; i < 40; i++) if (rng.next() < 0.2) { rows.push(u); cols.push(i); }
  const x = csrFromCoo(25, 40, rows, cols, rows.map(() => 1 + rng.int(0, 3)));
  const items = trainEase({ interactions: x, seed: 1 }, { lambda: 2, solver: 'items' });
  const customers = trainEase({ interactions: x, seed: 1 }, { lambda: 2, solver: 'customers' });
  for (let u = 0; u < x.rows; u++) {
    const input = { user: u, history: row(x, u) };
    const a = scores(items, input);
    const b = scores(customers, input);
    for (let j = 0; j < x.cols; j++) assert.ok(Math.abs(a[j]! - b[j]!) < 1e-4 * Math.max(1, Math.abs(a[j]!)), `customer ${u}, item ${j}: ${a[j]} vs ${b[j]}`);
  }
});

test('an item nobody has interacted with scores 0 and is never a reason', () => {
  const model = trainEase({ interactions: plantedBundles(), seed: 1 });
  assert.equal(scores(model, history([0, 1, 2]))[11], 0);
  assert.deepEqual(model.because?.(history([11, 0]), 1, 3), [0]);
  assert.equal(scores(model, history([11]))[1], 0);
});

test('a serialised model, through JSON, scores exactly like the original', () => {
  const model = trainEase({ interactions: plantedBundles(), seed: 1 }, { lambda: 7 });
  const copy = deserializeEase(JSON.parse(JSON.stringify(model.serialize())));
  assert.equal(copy.items, model.items);
  for (const items of [[0], [4, 6], [1, 5, 9], []]) assert.deepEqual(scores(copy, history(items)), scores(model, history(items)));
  assert.deepEqual(copy.because?.(history([0, 1]), 2, 3), model.because?.(history([0, 1]), 2, 3));
  assert.equal(copy.serialize().params['lambda'], 7);
});

test('a workspace with no interactions yet gets a model that scores every item 0', () => {
  const model = trainEase({ interactions: csrFromCoo(3, 4, [], []), seed: 1 });
  assert.deepEqual(Array.from(scores(model, history([1]))), [0, 0, 0, 0]);
  assert.deepEqual(model.because?.(history([1]), 2, 3), []);
});

test('bad options, inputs and serialised forms are refused with a clear error', () => {
  const x = plantedBundles();
  assert.throws(() => trainEase({ interactions: x, seed: 1 }, { lambda: 0 }), /lambda must be a finite number > 0/);
  assert.throws(() => trainEase({ interactions: x, seed: 1 }, { maxDimension: 5, solver: 'items' }), /exceeds maxDimension 5/);
  const model = trainEase({ interactions: x, seed: 1 });
  assert.throws(() => model.score(history([0]), new Float32Array(3)), /out has length 3/);
  assert.throws(() => model.score(history([12]), new Float32Array(12)), /item 12 is outside/);
  const s = model.serialize();
  assert.throws(() => deserializeEase({ ...s, algorithm: 'als' }), /expected a serialised ease model/);
  assert.throws(() => deserializeEase({ ...s, version: 99 }), /unsupported format version/);
  assert.throws(() => deserializeEase({ ...s, arrays: { ...s.arrays, b: 'AAAAAA==' } }), /array b has 1 entries/);
});
