import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aspectsIn, aspectSentiments, splitClauses } from './aspects.js';
import { cleanText, enrichText, MAX_TEXT_CHARS, type EnrichModels } from './enrich.js';
import { lexiconSentiment } from './sentiment.lexicon.js';

const lexicon: EnrichModels = { sentiment: (t) => lexiconSentiment(t), intent: null, spam: null };

test('a review splits into clauses at punctuation and contrast words, in both languages', () => {
  assert.deepEqual(splitClauses('物流很快，但是质量很差。'), ['物流很快', '但是质量很差']);
  assert.deepEqual(splitClauses('Fast delivery but the quality is poor!'), ['fast delivery', 'but the quality is poor']);
});

test('aspects are found by their zh and en words, whole English words only', () => {
  assert.deepEqual(aspectsIn('尺码偏小'), ['size']);
  assert.deepEqual(aspectsIn('the price was fair and it fits'), ['price', 'size']);
  assert.deepEqual(aspectsIn('priceless'), []);
});

test('each clause gives its sentiment to the aspects it names', () => {
  const got = aspectSentiments('Delivery was fast and great, but the quality is terrible', (c) => lexiconSentiment(c));
  assert.deepEqual(got.map((a) => `${a.aspect}:${a.polarity}`), ['quality:negative', 'delivery:positive']);
});

test('overlong texts are cut at 10,000 characters with a flag, never inside a surrogate pair', () => {
  const long = cleanText('a'.repeat(MAX_TEXT_CHARS - 1) + '😀' + 'b'.repeat(100));
  assert.ok(long.flags.includes('truncated'));
  assert.equal(long.text.length, MAX_TEXT_CHARS - 1);
  assert.deepEqual(cleanText('fine').flags, []);
});

test('binary junk and NUL characters are removed; a mostly-junk text is flagged and not analysed', () => {
  const junk = enrichText('\u0000\u0001\u0002\ufffd\ufffd\ufffd\u0003ok', lexicon);
  assert.ok(junk.flags.includes('binary'));
  assert.equal(junk.sentiment, null);
  assert.ok(!junk.text.includes('\u0000'));
  assert.deepEqual(enrichText('   ', lexicon).flags, ['empty']);
  const lone = enrichText('good \ud800 product', lexicon);
  assert.equal(lone.text, 'good  product');
});

test('a negative review is a complaint; without models only language and keywords are given', () => {
  const e = enrichText('The delivery was terrible and the box was damaged', lexicon);
  assert.equal(e.language, 'en');
  assert.equal(e.sentiment?.label, 'negative');
  assert.equal(e.complaint, true);
  const bare = enrichText('质量很好', { sentiment: null, intent: null, spam: null });
  assert.equal(bare.language, 'zh');
  assert.equal(bare.sentiment, null);
  assert.deepEqual(bare.aspects, []);
});
