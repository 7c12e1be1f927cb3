import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../ml/rng.js';
import { deserializeClassifier, predict, serializeClassifier, trainClassifier } from './classifier.js';

// A small synthetic review corpus: templates filled with sentiment words, Chinese and English.
const POS_EN = ['great', 'excellent', 'love', 'perfect', 'wonderful', 'amazing'];
const NEG_EN = ['terrible', 'awful', 'broken', 'hate', 'useless', 'disappointing'];
const POS_ZH = ['很好', '满意', '喜欢', '不错', '推荐', '完美'];
const NEG_ZH = ['很差', '失望', '垃圾', '难用', '退货', '糟糕'];
const THINGS_EN = ['phone', 'hotel room', 'delivery', 'service', 'screen', 'battery'];
const THINGS_ZH = ['手机', '酒店', '快递', '服务', '屏幕', '电池'];

function corpus(n: number, seed: number) {
  const rng = createRng(seed);
  const texts: string[] = [];
  const labels: string[] = [];
  for (let i = 0; i < n; i++) {
    const positive = rng.bernoulli(0.5);
    const zh = rng.bernoulli(0.5);
    if (zh) texts.push(`${rng.pick(THINGS_ZH)}${rng.pick(positive ? POS_ZH : NEG_ZH)}，${rng.pick(THINGS_ZH)}${rng.pick(positive ? POS_ZH : NEG_ZH)}`);
    else texts.push(`the ${rng.pick(THINGS_EN)} is ${rng.pick(positive ? POS_EN : NEG_EN)} and ${rng.pick(positive ? POS_EN : NEG_EN)}`);
    labels.push(positive ? 'positive' : 'negative');
  }
  return { texts, labels };
}

const train = corpus(400, 1);
const test_ = corpus(200, 2);
const small = { features: { bits: 16 } };

test('a sentiment model learns Chinese and English reviews', () => {
  const model = trainClassifier(train.texts, train.labels, small);
  assert.deepEqual(model.labels, ['negative', 'positive']);
  const correct = test_.texts.filter((t, i) => predict(model, t).label === test_.labels[i]).length;
  assert.ok(correct / test_.texts.length >= 0.95, `accuracy ${correct / test_.texts.length}`);
  assert.equal(predict(model, '这个手机很好，我很满意').label, 'positive');
  assert.equal(predict(model, 'the battery is awful').label, 'negative');
});

test('probabilities sum to one and the margin is best minus runner-up', () => {
  const model = trainClassifier(train.texts, train.labels, small);
  const p = predict(model, 'the screen is excellent');
  const sum = p.probabilities.reduce((s, x) => s + x, 0);
  assert.ok(Math.abs(sum - 1) < 1e-9);
  assert.ok(Math.abs(p.margin - (p.probabilities[p.index]! - p.probabilities[1 - p.index]!)) < 1e-12);
  assert.ok(p.probability > 0.5);
});

test('intents: a multiclass model separates several labels', () => {
  const intents: Record<string, string[]> = {
    card_arrival: ['where is my new card', 'my card has not arrived yet', 'when will the card be delivered', 'card still not here'],
    refund: ['i want a refund', 'how do i get my money back', 'refund my last order please', 'return the item and refund'],
    password: ['i forgot my password', 'reset my password', 'cannot log in, password wrong', 'change password please'],
  };
  const texts = Object.values(intents).flat();
  const labels = Object.entries(intents).flatMap(([k, v]) => v.map(() => k));
  const model = trainClassifier(texts, labels, { ...small, holdout: 0 });
  assert.equal(predict(model, 'has my card arrived').label, 'card_arrival');
  assert.equal(predict(model, 'please refund me').label, 'refund');
  assert.equal(predict(model, 'password reset').label, 'password');
});

test('training is deterministic for a seed', () => {
  const a = trainClassifier(train.texts, train.labels, { ...small, seed: 7 });
  const b = trainClassifier(train.texts, train.labels, { ...small, seed: 7 });
  assert.deepEqual(a.weights, b.weights);
  assert.equal(a.calibration.scale, b.calibration.scale);
});

test('a serialised model predicts exactly as the original', () => {
  const model = trainClassifier(train.texts, train.labels, { ...small, model: 'softmax' });
  const json = JSON.parse(JSON.stringify(serializeClassifier(model))) as unknown;
  const back = deserializeClassifier(json);
  for (const t of test_.texts.slice(0, 50)) assert.deepEqual(predict(back, t).probabilities, predict(model, t).probabilities);
});

test('a serialised model with a wrong tag or sizes is refused', () => {
  const s = serializeClassifier(trainClassifier(train.texts, train.labels, small));
  assert.throws(() => deserializeClassifier({ ...s, name: 'other' }));
  assert.throws(() => deserializeClassifier({ ...s, version: 99 }));
  assert.throws(() => deserializeClassifier({ ...s, labels: ['a', 'b', 'c'] }), RangeError);
});

test('bad training input is rejected up front', () => {
  assert.throws(() => trainClassifier(['a'], ['x', 'y']), RangeError);
  assert.throws(() => trainClassifier(['a', 'b'], ['x', 'x']), RangeError);
  assert.throws(() => trainClassifier(['a', 'b'], ['x', 'y'], { holdout: 1 }), RangeError);
  assert.throws(() => trainClassifier(['a', 'b'], ['x', 'y'], { calibrationSet: { texts: ['c'], labels: ['z'] } }), RangeError);
});

test('a class weight below 1 makes the classifier predict that class less often', () => {
  // Ambiguous texts share words with both classes; down-weighting "b" should hand them to "a".
  const texts: string[] = [];
  const labels: string[] = [];
  for (let i = 0; i < 40; i++) {
    texts.push(`alpha common word ${i % 5}`, `beta common word ${i % 7}`);
    labels.push('a', 'b');
  }
  const probe = Array.from({ length: 20 }, (_, i) => `common word ${i}`);
  const share = (m: ReturnType<typeof trainClassifier>) => probe.filter((t) => predict(m, t).label === 'b').length;
  const plain = trainClassifier(texts, labels, { seed: 3, holdout: 0 });
  const light = trainClassifier(texts, labels, { seed: 3, holdout: 0, classWeights: { b: 0.05 } });
  assert.ok(share(light) <= share(plain), `${share(light)} vs ${share(plain)}`);
  assert.ok(predict(light, 'beta beta beta').label === 'b', 'a strongly marked text still wins');
  assert.throws(() => trainClassifier(texts, labels, { classWeights: { c: 1 } }), /not a training label/);
  assert.throws(() => trainClassifier(texts, labels, { classWeights: { a: 0 } }), /must be positive/);
});
