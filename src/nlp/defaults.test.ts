import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadDefaultModel } from './defaults.js';

test('the shipped spam model flags spam and passes a normal message', () => {
  const spam = loadDefaultModel('spam');
  assert.equal(spam.provenance.licence, 'CC BY 4.0');
  assert.equal(spam.classify('WINNER!! You have won a £1000 prize. Call 09061701461 to claim now').label, 'spam');
  assert.equal(spam.classify('Are we still meeting for lunch tomorrow?').label, 'ham');
  assert.equal(loadDefaultModel('spam'), spam, 'loaded once and cached');
});

test('the shipped intent model knows banking intents', () => {
  const intent = loadDefaultModel('intent');
  assert.equal(intent.model.labels.length, 77);
  assert.equal(intent.classify('my card has not arrived yet').label, 'card_arrival');
});

test('default sentiment is the lexicon, with neutral', () => {
  const s = loadDefaultModel('sentiment');
  assert.equal(s.source, 'lexicon');
  assert.equal(s.analyse('服务很好，非常满意').label, 'positive');
  assert.equal(s.analyse('The worst, totally broken').label, 'negative');
  assert.equal(s.analyse('订单号是多少').label, 'neutral');
});

test('an unknown task is refused', () => {
  // @ts-expect-error: an invalid task, as untyped callers might pass
  assert.throws(() => loadDefaultModel('topic'), RangeError);
});
