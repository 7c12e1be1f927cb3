import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csrFromCoo, row } from '../ml/sparse.js';
import { topK } from '../ml/topk.js';
import { deserializePopularity, trainPopularity } from './popularity.js';

// 4 customers × 3 items; item 2 is the most interacted with, item 0 the least.
const m = csrFromCoo(4, 3, [0, 1, 2, 3, 0, 1], [2, 2, 2, 1, 1, 0]);
const scoresOf = (model: ReturnType<typeof trainPopularity>, u = 0) => {
  const out = new Float32Array(model.items);
  model.score({ user: u, history: row(m, u) }, out);
  return out;
};

test('on a plain matrix the score is the column sum, the same for every customer', () => {
  const model = trainPopularity({ interactions: m, seed: 1 });
  assert.equal(model.items, 3);
  assert.deepEqual([...scoresOf(model, 0)], [1, 2, 3]);
  assert.deepEqual([...scoresOf(model, 3)], [1, 2, 3]);
  assert.deepEqual([...topK(scoresOf(model), 1)], [2]);
  assert.deepEqual(model.because?.({ history: row(m, 0) }, 2, 3), []);
});

test('a half-life makes recent interactions outweigh old ones', () => {
  // Item 0: one interaction today. Item 1: three interactions 30 days ago. Half-life 7 days.
  const recent = csrFromCoo(4, 2, [0, 1, 2, 3], [0, 1, 1, 1]);
  const ages = new Float32Array([0, 30, 30, 30]);
  const plain = trainPopularity({ interactions: recent, seed: 1 });
  const decayed = trainPopularity({ interactions: recent, seed: 1 }, { ages, halfLife: 7 });
  const out = new Float32Array(2);
  plain.score({ history: row(recent, 0) }, out);
  assert.ok(out[1]! > out[0]!, 'without decay the older, more frequent item wins');
  decayed.score({ history: row(recent, 0) }, out);
  assert.ok(out[0]! > out[1]!, 'with a 7-day half-life the recent item wins');
  assert.ok(Math.abs(out[1]! - 3 * 2 ** (-30 / 7)) < 1e-6);
});

test('an interaction exactly one half-life old counts half', () => {
  const one = csrFromCoo(1, 1, [0], [0], [4]);
  const model = trainPopularity({ interactions: one, seed: 1 }, { ages: [10], halfLife: 10 });
  const out = new Float32Array(1);
  model.score({ history: row(one, 0) }, out);
  assert.ok(Math.abs(out[0]! - 2) < 1e-6);
});

test('serialise round-trip gives equal scores (through JSON)', () => {
  for (const model of [trainPopularity({ interactions: m, seed: 1 }), trainPopularity({ interactions: m, seed: 1 }, { ages: [1, 2, 3, 4, 5, 6], halfLife: 3 })]) {
    const again = deserializePopularity(JSON.parse(JSON.stringify(model.serialize())));
    assert.deepEqual([...scoresOf(again)], [...scoresOf(model)]);
    assert.deepEqual(again.serialize(), model.serialize());
  }
});

test('bad input is rejected', () => {
  const ctx = { interactions: m, seed: 1 };
  assert.throws(() => trainPopularity(ctx, { halfLife: 7 }), /needs per-interaction ages/);
  assert.throws(() => trainPopularity(ctx, { ages: [1, 2], halfLife: 7 }), /ages has 2 entries/);
  assert.throws(() => trainPopularity(ctx, { ages: [1, 2, 3, 4, 5, -1], halfLife: 7 }), /ages\[5\]/);
  assert.throws(() => trainPopularity(ctx, { ages: [1, 2, 3, 4, 5, 6], halfLife: 0 }), /halfLife must be > 0/);
  assert.throws(() => trainPopularity({ interactions: csrFromCoo(1, 1, [0], [0], [-1]), seed: 1 }), /≥ 0/);
  const model = trainPopularity(ctx);
  assert.throws(() => model.score({ history: row(m, 0) }, new Float32Array(2)), /out has length 2/);
  const s = model.serialize();
  assert.throws(() => deserializePopularity({ ...s, algorithm: 'itemknn' }), /expected a serialised popularity model/);
  assert.throws(() => deserializePopularity({ ...s, version: 99 }), /version 99/);
  assert.throws(() => deserializePopularity({ ...s, params: { ...s.params, items: 5 } }), /expected 5/);
});
