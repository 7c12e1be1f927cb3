import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFloat32 } from '../ml/serialize.js';
import { row } from '../ml/sparse.js';
import { topK } from '../ml/topk.js';
import { deserializeBpr, trainBpr, type BprOptions } from './bpr.js';
import { evaluateRanking } from './evaluate.js';
import { BLOCKS, ITEMS, ITEMS_PER_BLOCK, USERS_PER_BLOCK, planted } from './planted.fixture.js';
import type { SerializedModel } from './recommender.js';

const data = planted('bpr-blocks');
const OPTIONS: BprOptions = { factors: 8, epochs: 150, learningRate: 0.05, regularization: 0.01 };
const model = trainBpr({ interactions: data.train, seed: 7 }, OPTIONS);
const blockOf = (i: number) => Math.floor(i / ITEMS_PER_BLOCK);
const ones = (items: number[]) => ({ indices: Int32Array.from(items), data: new Float32Array(items.length).fill(1) });

test('each customer is recommended the held-out item of their block first', () => {
  const m = evaluateRanking(model, data, 1);
  assert.equal(m.users, BLOCKS * USERS_PER_BLOCK);
  assert.equal(m.precision, 1);
});

test('an anonymous session is folded in as the mean of its items’ factors: its block comes first', () => {
  const items = [17, 18, 19, 20, 21]; // five of block 2's items (16–23)
  const out = new Float32Array(ITEMS);
  model.score({ history: ones(items) }, out);
  const top = [...topK(out, 3, (i) => items.includes(i))];
  assert.deepEqual(top.sort((a, b) => a - b), [16, 22, 23]);
});

test('an empty anonymous history is scored by the item biases alone (a popularity ranking)', () => {
  const out = new Float32Array(ITEMS);
  model.score({ history: ones([]) }, out);
  assert.deepEqual(out, decodeFloat32(model.serialize().arrays.itemBias!));
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
});

test('training reports progress once per epoch, ending at 1', () => {
  const seen: number[] = [];
  trainBpr({ interactions: data.train, seed: 1, onProgress: (f) => seen.push(f) }, { ...OPTIONS, epochs: 4 });
  assert.deepEqual(seen, [0.25, 0.5, 0.75, 1]);
});

test('the same seed gives identical factors; another seed gives different ones', () => {
  const a = trainBpr({ interactions: data.train, seed: 7 }, OPTIONS).serialize();
  const c = trainBpr({ interactions: data.train, seed: 8 }, OPTIONS).serialize();
  assert.deepEqual(a, model.serialize());
  assert.notEqual(a.arrays.itemFactors, c.arrays.itemFactors);
});

test('serialise → JSON → deserialise scores exactly as the trained model', () => {
  // Safe: the object was produced by JSON.stringify of a SerializedModel on this line.
  const back = deserializeBpr(JSON.parse(JSON.stringify(model.serialize())) as SerializedModel);
  for (const input of [{ user: 5, history: row(data.train, 5) }, { history: ones([1, 2, 3]) }]) {
    const x = new Float32Array(ITEMS);
    const y = new Float32Array(ITEMS);
    model.score(input, x);
    back.score(input, y);
    assert.deepEqual(y, x);
  }
});

test('a stored model of another algorithm or with a missing bias array is refused', () => {
  const s = model.serialize();
  assert.throws(() => deserializeBpr({ ...s, algorithm: 'als' }), TypeError);
  const { itemBias: _dropped, ...arrays } = s.arrays;
  assert.throws(() => deserializeBpr({ ...s, arrays }), /itemBias/);
});

test('bad options are rejected with a RangeError that names the option', () => {
  const bad: [keyof BprOptions, number][] = [
    ['factors', 0],
    ['epochs', 1.5],
    ['learningRate', 0],
    ['learningRate', Infinity],
    ['regularization', -0.1],
    ['biasRegularization', NaN],
    ['samplesPerEpoch', -1],
  ];
  for (const [name, value] of bad) {
    assert.throws(
      () => trainBpr({ interactions: data.train, seed: 1 }, { [name]: value }),
      (e: unknown) => e instanceof RangeError && e.message.includes(name),
      `${name} = ${value}`,
    );
  }
});
