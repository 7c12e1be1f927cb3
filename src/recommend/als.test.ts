import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csrFromCoo, row } from '../ml/sparse.js';
import { topK } from '../ml/topk.js';
import { deserializeAls, trainAls, type AlsOptions } from './als.js';
import { evaluateRanking } from './evaluate.js';
import { BLOCKS, ITEMS, ITEMS_PER_BLOCK, USERS_PER_BLOCK, planted } from './planted.fixture.js';
import type { SerializedModel } from './recommender.js';

const data = planted('als-blocks');
// One factor per planted block; λ = 1 keeps the noise items from earning factors of their own.
const OPTIONS: AlsOptions = { factors: 4, iterations: 10, regularization: 1, alpha: 5 };
const model = trainAls({ interactions: data.train, seed: 7 }, OPTIONS);
const blockOf = (i: number) => Math.floor(i / ITEMS_PER_BLOCK);

test('each customer is recommended the held-out item of their block first', () => {
  const m = evaluateRanking(model, data, 1);
  assert.equal(m.users, BLOCKS * USERS_PER_BLOCK);
  assert.equal(m.precision, 1);
});

test('an anonymous session is folded in: its block is recommended without a trained factor', () => {
  // Items 17–21 are five of block 2's items (16–23); no customer has exactly this history.
  const items = [17, 18, 19, 20, 21];
  const out = new Float32Array(ITEMS);
  model.score({ history: { indices: Int32Array.from(items), data: new Float32Array(items.length).fill(1) } }, out);
  const top = [...topK(out, 3, (i) => items.includes(i))];
  assert.deepEqual(top.sort((a, b) => a - b), [16, 22, 23]);
});

test('a customer index outside training is folded in from the history, not rejected', () => {
  const history = row(data.train, 0);
  const out = new Float32Array(ITEMS);
  model.score({ user: 10_000, history }, out);
  const seen = new Set(history.indices);
  assert.equal(topK(out, 1, (i) => seen.has(i))[0], data.heldOut[0]);
});

test('because() names history items of the recommended item’s block', () => {
  for (const u of [0, 1, 2, 3]) {
    const history = row(data.train, u);
    const why = model.because!({ user: u, history }, data.heldOut[u]!, 3);
    assert.equal(why.length, 3);
    assert.ok(
      why.every((j) => blockOf(j) === u % BLOCKS && history.indices.includes(j)),
      `customer ${u}: ${why.join(',')}`,
    );
  }
  assert.deepEqual(model.because!({ history: { indices: new Int32Array(0), data: new Float32Array(0) } }, 3, 5), []);
});

test('training reports progress once per iteration, ending at 1', () => {
  const seen: number[] = [];
  trainAls({ interactions: data.train, seed: 1, onProgress: (f) => seen.push(f) }, { ...OPTIONS, iterations: 4 });
  assert.deepEqual(seen, [0.25, 0.5, 0.75, 1]);
});

test('the same seed gives identical factors; another seed gives different ones', () => {
  const a = trainAls({ interactions: data.train, seed: 7 }, OPTIONS).serialize();
  const b = model.serialize();
  const c = trainAls({ interactions: data.train, seed: 8 }, OPTIONS).serialize();
  assert.deepEqual(a, b);
  assert.notEqual(a.arrays.itemFactors, c.arrays.itemFactors);
});

test('serialise → JSON → deserialise scores exactly as the trained model', () => {
  // Same scratch buffers and the same arithmetic order, so the scores are bit-identical.
  // Safe: the object was produced by JSON.stringify of a SerializedModel a line above.
  const back = deserializeAls(JSON.parse(JSON.stringify(model.serialize())) as SerializedModel);
  const session = { indices: Int32Array.from([1, 2, 3]), data: new Float32Array([1, 2, 1]) };
  for (const input of [{ user: 5, history: row(data.train, 5) }, { history: session }]) {
    const x = new Float32Array(ITEMS);
    const y = new Float32Array(ITEMS);
    model.score(input, x);
    back.score(input, y);
    assert.deepEqual(y, x);
  }
  assert.deepEqual(back.because!({ history: session }, 4, 2), model.because!({ history: session }, 4, 2));
});

test('a stored model of another algorithm or with truncated factors is refused', () => {
  const s = model.serialize();
  assert.throws(() => deserializeAls({ ...s, algorithm: 'bpr' }), TypeError);
  assert.throws(() => deserializeAls({ ...s, arrays: { ...s.arrays, itemFactors: s.arrays.userFactors! } }), /itemFactors/);
});

test('bad options are rejected with a RangeError that names the option', () => {
  const bad: [keyof AlsOptions, number][] = [
    ['factors', 0],
    ['factors', 2.5],
    ['iterations', 0],
    ['regularization', 0],
    ['regularization', -1],
    ['alpha', -1],
    ['alpha', NaN],
    ['cgSteps', 0],
  ];
  for (const [name, value] of bad) {
    assert.throws(
      () => trainAls({ interactions: data.train, seed: 1 }, { [name]: value }),
      (e: unknown) => e instanceof RangeError && e.message.includes(name),
      `${name} = ${value}`,
    );
  }
});

test('a matrix with a negative weight is rejected before training', () => {
  const m = csrFromCoo(2, 2, [0, 1], [0, 1], [1, -1]);
  assert.throws(() => trainAls({ interactions: m, seed: 1 }), RangeError);
});
