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
