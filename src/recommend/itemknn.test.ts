import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../ml/rng.js';
import { csrFromCoo, type Csr } from '../ml/sparse.js';
import { topK } from '../ml/topk.js';
import { deserializeItemKnn, similarItems, trainItemKnn, type ItemKnnOptions } from './itemknn.js';
import type { RecommenderModel } from './recommender.js';

/**
 * 200 customers over 30 items in three planted taste groups (items 0–9, 10–19, 20–29): a customer
 * buys 4 items of one group and 1 random item as noise.
 */
function planted(seed: string): Csr {
  const rng = createRng(seed);
  const r: number[] = [];
  const c: number[] = [];
  for (let u = 0; u < 200; u++) {
    const g = u % 3;
    for (let t = 0; t < 4; t++) {
      r.push(u);
      c.push(g * 10 + rng.int(0, 10));
    }
    r.push(u);
    c.push(rng.int(0, 30));
  }
  return csrFromCoo(200, 30, r, c);
}

const m = planted('itemknn');
const history = (items: number[]) => ({ indices: Int32Array.from(items), data: new Float32Array(items.length).fill(1) });
const scoresFor = (model: RecommenderModel, items: number[]) => {
  const out = new Float32Array(model.items);
  model.score({ history: history(items) }, out);
  return out;
};
const VARIANTS: ItemKnnOptions[] = [{}, { weighting: 'cosine', shrink: 0 }, { weighting: 'bm25' }, { weighting: 'bm25', k1: 100, b: 0.8 }, { k: 5, rowNormalize: true }];

test('a customer who bought from one taste group is recommended that group, for every weighting', () => {
  for (const options of VARIANTS) {
    const model = trainItemKnn({ interactions: m, seed: 1 }, options);
    const s = scoresFor(model, [11, 12]);
    const top = [...topK(s, 5, (i) => i === 11 || i === 12)];
    assert.ok(
      top.every((i) => i >= 10 && i < 20),
      `${JSON.stringify(options)}: top ${top.join(',')}`,
    );
  }
});

test('each item keeps at most k neighbours, and never itself', () => {
  const model = trainItemKnn({ interactions: m, seed: 1 }, { k: 3 });
  for (let i = 0; i < 30; i++) {
    const s = scoresFor(model, [i]);
    assert.equal(s[i], 0);
    assert.ok(s.filter((x) => x > 0).length <= 3);
  }
  assert.ok(similarItems(model, 25, 3).every((j) => j >= 20 && j < 30 && j !== 25));
});

test('shrinkage discounts a pair seen together by one customer against a pair seen by many', () => {
  // Items 0,1 co-occur for 20 customers, and 600 more bought item 1 alone; item 2 co-occurs with 0
  // for a single customer. Raw cosine: s(0,1) = 20/√(21·620) ≈ 0.18 < s(0,2) = 1/√21 ≈ 0.22.
  const r: number[] = [];
  const c: number[] = [];
  for (let u = 0; u < 20; u++) {
    r.push(u, u);
    c.push(0, 1);
  }
  r.push(20, 20);
  c.push(0, 2);
  for (let u = 21; u < 621; u++) {
    r.push(u);
    c.push(1);
  }
  const x = csrFromCoo(621, 3, r, c);
  const plain = scoresFor(trainItemKnn({ interactions: x, seed: 1 }, { weighting: 'cosine', shrink: 0 }), [0]);
  const shrunk = scoresFor(trainItemKnn({ interactions: x, seed: 1 }, { weighting: 'cosine', shrink: 10 }), [0]);
  assert.ok(plain[2]! > plain[1]!, 'raw cosine favours the pair seen once');
  assert.ok(shrunk[1]! > shrunk[2]!, 'with shrinkage the well-supported neighbour wins');
});

test('because() names the history items that contributed most', () => {
  const model = trainItemKnn({ interactions: m, seed: 1 });
  const why = model.because?.({ history: history([3, 15, 27]) }, 14, 2) ?? [];
  assert.equal(why[0], 15);
  assert.deepEqual(model.because?.({ history: history([3]) }, 3, 2), [], 'an item does not explain itself');
});

test('serialise round-trip gives equal scores (through JSON)', () => {
  for (const options of VARIANTS) {
    const model = trainItemKnn({ interactions: m, seed: 1 }, options);
    const again = deserializeItemKnn(JSON.parse(JSON.stringify(model.serialize())));
    for (const h of [[0], [11, 12], [3, 15, 27], []]) assert.deepEqual([...scoresFor(again, h)], [...scoresFor(model, h)]);
    assert.deepEqual(again.serialize(), model.serialize());
  }
});

test('bad input is rejected', () => {
  const ctx = { interactions: m, seed: 1 };
  assert.throws(() => trainItemKnn(ctx, { k: 0 }), /k must be/);
  assert.throws(() => trainItemKnn(ctx, { shrink: -1 }), /shrink/);
  assert.throws(() => trainItemKnn(ctx, { b: 2, weighting: 'bm25' }), /b must be/);
  // Safe: deliberately an invalid value, as a JSON caller could send.
  assert.throws(() => trainItemKnn(ctx, { weighting: 'jaccard' as 'cosine' }), /weighting/);
  assert.throws(() => trainItemKnn({ interactions: csrFromCoo(1, 2, [0], [0], [-3]), seed: 1 }), /≥ 0/);
  const model = trainItemKnn(ctx);
  assert.throws(() => model.score({ history: history([0]) }, new Float32Array(3)), /out has length 3/);
  const s = model.serialize();
  assert.throws(() => deserializeItemKnn({ ...s, algorithm: 'ease' }), /expected a serialised itemknn model/);
  assert.throws(() => deserializeItemKnn({ ...s, arrays: { ...s.arrays, indptr: s.arrays.indices! } }), /entries, expected 31/);
});

/** s(i, j) for every pair by brute force: the dot products of X's columns (the 'cosine' weighting divides by the norms). */
function bruteSimilarities(x: Csr, cosine: boolean): Float64Array[] {
  const cols = Array.from({ length: x.cols }, () => new Float64Array(x.rows));
  for (let u = 0; u < x.rows; u++) for (let e = x.indptr[u]!; e < x.indptr[u + 1]!; e++) cols[x.indices[e]!]![u] = x.data[e]!;
  const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, v, u) => s + v * b[u]!, 0);
  return cols.map((ci, i) => Float64Array.from(cols, (cj, j) => (i === j ? 0 : cosine ? dot(ci, cj) / Math.sqrt(dot(ci, ci) * dot(cj, cj)) || 0 : dot(ci, cj))));
}

test('each item keeps exactly its k most similar items, ties at the cut going to the lower item id', () => {
  // Binary data over few customers makes many equal similarities, so the cut often falls in a tie.
  const rng = createRng('itemknn-ties');
  const r: number[] = [];
  const c: number[] = [];
  for (let u = 0; u < 12; u++) {
    for (let i = 0; i < 40; i++) {
      if (!rng.bernoulli(0.3)) continue;
      r.push(u);
      c.push(i);
    }
  }
  const x = csrFromCoo(12, 40, r, c);
  const sims = bruteSimilarities(x, true);
  for (const k of [1, 3, 7, 39]) {
    const model = trainItemKnn({ interactions: x, seed: 1 }, { weighting: 'cosine', k });
    for (let i = 0; i < 40; i++) {
      const s = sims[i]!;
      const expected = Array.from(s.keys())
        .filter((j) => s[j]! > 0)
        .sort((a, b) => s[b]! - s[a]! || a - b)
        .slice(0, k)
        .sort((a, b) => a - b);
      const got = scoresFor(model, [i]);
      const kept = Array.from(got.keys()).filter((j) => got[j]! > 0);
      assert.deepEqual(kept, expected, `k=${k}, item ${i}`);
      for (const j of kept) assert.ok(Math.abs(got[j]! - s[j]!) < 1e-6, `k=${k}: s(${i}, ${j})`);
    }
  }
});

test('rowNormalize makes each item’s kept similarities sum to 1, keeping their order', () => {
  const plain = trainItemKnn({ interactions: m, seed: 1 }, { k: 8 });
  const normalised = trainItemKnn({ interactions: m, seed: 1 }, { k: 8, rowNormalize: true });
  for (let i = 0; i < 30; i++) {
    const a = scoresFor(plain, [i]);
    const b = scoresFor(normalised, [i]);
    const sum = a.reduce((s, v) => s + v, 0);
    assert.ok(Math.abs(b.reduce((s, v) => s + v, 0) - 1) < 1e-5, `item ${i} sums to 1`);
    for (let j = 0; j < 30; j++) assert.ok(Math.abs(b[j]! - a[j]! / sum) < 1e-6);
  }
  // Rescaling a row leaves "similar items" (one item's neighbours, strongest first) unchanged.
  assert.deepEqual(similarItems(normalised, 12, 3), similarItems(plain, 12, 3));
});
