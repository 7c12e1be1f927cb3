import { test } from 'node:test';
import assert from 'node:assert/strict';
import { predict, trainClassifier } from './classifier.js';
import { compactClassifier, expandClassifier } from './compact.js';

const texts = ['free prize call now', 'win cash now', 'claim your free reward', 'see you at lunch', 'are we still on for dinner', 'call me when you land', 'urgent you won a prize', 'lunch tomorrow?'];
const labels = ['spam', 'spam', 'spam', 'ham', 'ham', 'ham', 'spam', 'ham'];

test('a compact model predicts like the float model it came from', () => {
  const model = trainClassifier(texts, labels, { holdout: 0, minDf: 1, seed: 1 });
  const back = expandClassifier(JSON.parse(JSON.stringify(compactClassifier(model)))).model;
  assert.deepEqual(back.labels, model.labels);
  for (const t of [...texts, 'free lunch prize', 'dinner now']) {
    const a = predict(model, t);
    const b = predict(back, t);
    assert.equal(b.label, a.label);
    assert.ok(Math.abs(a.probability - b.probability) < 0.02, `${t}: ${a.probability} vs ${b.probability}`);
  }
});

test('pruning keeps the requested number of buckets and the provenance travels with the model', () => {
  const model = trainClassifier(texts, labels, { holdout: 0, minDf: 1, seed: 1 });
  const provenance = { task: 'spam', dataset: 'toy', licence: 'CC0', trainedAt: '2025-01-01', parameters: {}, metrics: { testAccuracy: 1 } };
  const c = compactClassifier(model, { maxBuckets: 50 }, provenance);
  assert.equal(c.buckets, 50);
  const back = expandClassifier(c);
  assert.equal(back.model.vocab.length, 50);
  assert.deepEqual(back.provenance, provenance);
});

test('a damaged compact model is refused', () => {
  const model = trainClassifier(texts, labels, { holdout: 0, minDf: 1, seed: 1 });
  const c = compactClassifier(model);
  assert.throws(() => expandClassifier({ ...c, buckets: c.buckets + 1 }), RangeError);
  assert.throws(() => expandClassifier({ ...c, name: 'other' }));
});
