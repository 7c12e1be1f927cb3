import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../ml/rng.js';
import { csrFromCoo, nnz, row, type Csr } from '../ml/sparse.js';
import { evaluateRanking, randomSplit } from './evaluate.js';
import type { RecommenderModel, ScoringInput } from './recommender.js';

/** A model that always scores items by a fixed vector. */
const fixed = (scores: number[]): RecommenderModel => ({
  algorithm: 'popularity',
  items: scores.length,
  score: (_input: ScoringInput, out: Float32Array) => out.set(scores),
  serialize: () => ({ algorithm: 'popularity', version: 0, params: {}, arrays: {} }),
});

const entries = (m: Csr): string[] => {
  const out: string[] = [];
  for (let r = 0; r < m.rows; r++) for (const c of row(m, r).indices) out.push(`${r}:${c}`);
  return out;
};

const randomMatrix = (seed: string, rows: number, cols: number, n: number): Csr => {
  const rng = createRng(seed);
  return csrFromCoo(
    rows,
    cols,
    Array.from({ length: n }, () => rng.int(0, rows)),
    Array.from({ length: n }, () => rng.int(0, cols)),
  );
};

test('randomSplit partitions the entries exactly, with the requested test share', () => {
  const m = randomMatrix('split', 50, 40, 600);
  const { train, test: held } = randomSplit(m, 0.2, 7);
  assert.equal(nnz(held), Math.round(nnz(m) * 0.2));
  assert.equal(nnz(train) + nnz(held), nnz(m));
  const all = new Set(entries(m));
  const tr = entries(train);
  const te = entries(held);
  assert.equal(new Set([...tr, ...te]).size, all.size, 'no entry lost or duplicated');
  for (const e of [...tr, ...te]) assert.ok(all.has(e));
  assert.equal(train.rows, m.rows);
  assert.equal(held.cols, m.cols);
});

test('randomSplit is reproducible by seed and keeps the values', () => {
  const m = csrFromCoo(3, 3, [0, 0, 1, 2, 2], [0, 2, 1, 0, 1], [5, 6, 7, 8, 9]);
  const a = randomSplit(m, 0.4, 'seed');
  const b = randomSplit(m, 0.4, 'seed');
  assert.deepEqual(entries(a.test), entries(b.test));
  const c = randomSplit(randomMatrix('x', 30, 30, 300), 0.5, 1);
  const d = randomSplit(randomMatrix('x', 30, 30, 300), 0.5, 2);
  assert.notDeepEqual(entries(c.test), entries(d.test));
  const values = [...a.train.data, ...a.test.data].sort();
  assert.deepEqual(values, [5, 6, 7, 8, 9]);
  assert.throws(() => randomSplit(m, 0, 1), /testShare/);
  assert.throws(() => randomSplit(m, 1, 1), /testShare/);
});

test('a perfect ranking scores P = R = NDCG = 1 when each customer has k test items', () => {
  // Customer 0 holds out items 0,1; customer 1 holds out 2,3; a model ranking them first wins.
  const train = csrFromCoo(2, 6, [0, 1], [5, 4]);
  const held = csrFromCoo(2, 6, [0, 0, 1, 1], [0, 1, 2, 3]);
  const model: RecommenderModel = {
    ...fixed([0, 0, 0, 0, 0, 0]),
    score: (input, out) => {
      out.fill(0);
      const mine = input.user === 0 ? [0, 1] : [2, 3];
      for (const i of mine) out[i] = 1;
    },
  };
  const m = evaluateRanking(model, { train, test: held }, 2);
  assert.deepEqual(m, { k: 2, precision: 1, recall: 1, ndcg: 1, users: 2 });
});

test('metrics follow the definitions: P = hits/k, R = hits/|test|, NDCG with IDCG over min(k, |test|) positions', () => {
  // One customer, test items {1, 3}; ranking by score: 0, 1, 2, 3 → hits at positions 2 (item 1) only within k = 2.
  const train = csrFromCoo(1, 5, [0], [4]);
  const held = csrFromCoo(1, 5, [0, 0], [1, 3]);
  const m = evaluateRanking(fixed([4, 3, 2, 1, 9]), { train, test: held }, 2);
  assert.equal(m.precision, 1 / 2);
  assert.equal(m.recall, 1 / 2);
  const dcg = 1 / Math.log2(3);
  const idcg = 1 + 1 / Math.log2(3);
  assert.ok(Math.abs(m.ndcg - dcg / idcg) < 1e-12);
});

test('training items are never recommended, and customers without test items are not counted', () => {
  // Item 0 scores highest but customer 0 trained on it: the slot goes to item 1, a test item.
  const train = csrFromCoo(3, 3, [0, 1], [0, 0]);
  const held = csrFromCoo(3, 3, [0, 2], [1, 2]);
  const m = evaluateRanking(fixed([9, 5, 1]), { train, test: held }, 1);
  assert.equal(m.users, 2, 'customer 1 has no test items');
  // Customer 0: top-1 among {1, 2} is 1 — a hit. Customer 2 (no history): top-1 is item 0 — a miss.
  assert.equal(m.precision, 0.5);
  assert.equal(m.ndcg, 0.5);
});

test('a split or k that does not fit the model is rejected', () => {
  const train = csrFromCoo(1, 3, [0], [0]);
  const held = csrFromCoo(1, 3, [0], [1]);
  assert.throws(() => evaluateRanking(fixed([1, 2]), { train, test: held }), /scores 2 items/);
  assert.throws(() => evaluateRanking(fixed([1, 2, 3]), { train, test: held }, 0), /k must be/);
});
