import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sentimentFromProbabilities } from './sentiment.js';

const BINARY = ['negative', 'positive'];

test('the score is P(positive) − P(negative)', () => {
  const s = sentimentFromProbabilities(BINARY, [0.1, 0.9]);
  assert.equal(s.label, 'positive');
  assert.ok(Math.abs(s.score - 0.8) < 1e-12);
  assert.equal(sentimentFromProbabilities(BINARY, [0.95, 0.05]).label, 'negative');
});

test('an unsure binary model reads as neutral', () => {
  assert.equal(sentimentFromProbabilities(BINARY, [0.45, 0.55]).label, 'neutral');
  assert.equal(sentimentFromProbabilities(BINARY, [0.45, 0.55], { neutralBand: 0 }).label, 'positive');
});

test('a three-class model can say neutral itself', () => {
  assert.equal(sentimentFromProbabilities(['negative', 'neutral', 'positive'], [0.1, 0.5, 0.4]).label, 'neutral');
});

test('a model without sentiment labels is refused', () => {
  assert.throws(() => sentimentFromProbabilities(['spam', 'ham'], [0.5, 0.5]), RangeError);
});
