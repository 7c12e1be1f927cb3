import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lexiconSentiment } from './sentiment.lexicon.js';

test('plain praise and complaints, in Chinese and English', () => {
  assert.equal(lexiconSentiment('房间很干净，服务非常好').label, 'positive');
  assert.equal(lexiconSentiment('太差了，再也不来了，垃圾').label, 'negative');
  assert.equal(lexiconSentiment('Great product, works perfectly').label, 'positive');
  assert.equal(lexiconSentiment('Terrible service, I want a refund').label, 'negative');
});

test('negation shifts the polarity', () => {
  assert.ok(lexiconSentiment('不满意').score < 0);
  assert.ok(lexiconSentiment('not good at all').score < 0);
  assert.ok(lexiconSentiment('没有问题').score > 0);
});

test('the clause after "but" carries the verdict', () => {
  assert.ok(lexiconSentiment('位置不错，但是房间太吵很脏').score < 0);
  assert.ok(lexiconSentiment('a bit expensive but really excellent quality').score > 0);
});

test('text without sentiment words is neutral', () => {
  const s = lexiconSentiment('我明天下午三点到');
  assert.equal(s.label, 'neutral');
  assert.equal(s.score, 0);
  assert.equal(lexiconSentiment('The parcel arrived on Tuesday').label, 'neutral');
});
