/**
 * Offline evaluation protocol shared by the benchmark, `nudge recommend evaluate` and the
 * dashboard's algorithm comparison: a seeded global random split of interactions, full
 * ranking of every item the customer has not interacted with in training, and P@K, R@K,
 * NDCG@K with binary relevance averaged over customers who have at least one test item.
 */
import { createRng } from '../ml/rng.js';
import { csrFromCoo, row, type Csr } from '../ml/sparse.js';
import { topK } from '../ml/topk.js';
import type { RecommenderModel } from './recommender.js';

export interface Split {
  readonly train: Csr;
  readonly test: Csr;
}

/** Global random split of the stored entries of `m`: each goes to test with probability ≈ testShare (exact count, seeded shuffle). */
export function randomSplit(m: Csr, testShare: number, seed: number | string): Split {
  if (!(testShare > 0 && testShare < 1)) throw new RangeError('randomSplit: testShare must be in (0, 1)');
  const n = m.indptr[m.rows]!;
  const rowOf = new Int32Array(n);
  for (let r = 0; r < m.rows; r++) rowOf.fill(r, m.indptr[r]!, m.indptr[r + 1]!);
  const order = Array.from({ length: n }, (_, i) => i);
  createRng(seed).shuffle(order);
  const testCount = Math.round(n * testShare);
  const pick = (ids: number[]) =>
    csrFromCoo(
      m.rows,
      m.cols,
      ids.map((k) => rowOf[k]!),
      ids.map((k) => m.indices[k]!),
      ids.map((k) => m.data[k]!),
    );
  return { test: pick(order.slice(0, testCount)), train: pick(order.slice(testCount)) };
}

export interface RankingMetrics {
  readonly k: number;
  readonly precision: number;
  readonly recall: number;
  readonly ndcg: number;
  /** Customers with at least one test item (the denominator). */
  readonly users: number;
}

/** P@K, R@K and NDCG@K of `model` on `split`, ranking all items except each customer's training items. */
export function evaluateRanking(model: RecommenderModel, split: Split, k = 10): RankingMetrics {
  const { train, test } = split;
  if (!(Number.isInteger(k) && k >= 1)) throw new RangeError(`evaluateRanking: k must be an integer ≥ 1, got ${k}`);
  // A shape mismatch would otherwise read past the score buffer and count nothing, silently.
  if (train.cols !== model.items || test.cols !== model.items) throw new RangeError(`evaluateRanking: the model scores ${model.items} items but the split has ${train.cols}/${test.cols} columns`);
  const scores = new Float32Array(model.items);
  const discount = Array.from({ length: k }, (_, i) => 1 / Math.log2(i + 2));
  let users = 0;
  let p = 0;
  let r = 0;
  let nd = 0;
  const seen = new Uint8Array(model.items);
  const relevant = new Uint8Array(model.items);
  for (let u = 0; u < test.rows; u++) {
    const truth = row(test, u);
    if (truth.indices.length === 0) continue;
    const history = u < train.rows ? row(train, u) : { indices: new Int32Array(0), data: new Float32Array(0) };
    model.score({ user: u, history }, scores);
    for (const i of history.indices) seen[i] = 1;
    for (const i of truth.indices) relevant[i] = 1;
    const ranked = topK(scores, k, (i) => seen[i] === 1);
    let hits = 0;
    let dcg = 0;
    for (let pos = 0; pos < ranked.length; pos++) {
      if (relevant[ranked[pos]!] === 1) {
        hits++;
        dcg += discount[pos]!;
      }
    }
    let idcg = 0;
    for (let pos = 0; pos < Math.min(k, truth.indices.length); pos++) idcg += discount[pos]!;
    p += hits / k;
    r += hits / truth.indices.length;
    nd += dcg / idcg;
    users++;
    for (const i of history.indices) seen[i] = 0;
    for (const i of truth.indices) relevant[i] = 0;
  }
  const d = Math.max(users, 1);
  return { k, precision: p / d, recall: r / d, ndcg: nd / d, users };
}
