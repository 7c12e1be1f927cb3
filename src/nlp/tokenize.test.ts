import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStemmer } from './stem.js';
import { markNegation, tokenize, tokenizeChinese, tokenizeEnglish } from './tokenize.js';

test('English: words, numbers, emoji and punctuation runs are tokens', () => {
  assert.deepEqual(tokenizeEnglish('great phone!!! 😍 cost £20'), ['great', 'phone', '!!!', '😍', 'cost', '£', '20']);
});

test('English: contractions split so the negator is visible', () => {
  assert.deepEqual(tokenizeEnglish("i don't like it, can't wait"), ['i', 'do', 'not', 'like', 'it', ',', 'can', 'not', 'wait']);
  assert.deepEqual(tokenizeEnglish("it's"), ['it', "'s"]);
});

test('English: long digit runs become a shape token (phone numbers, codes)', () => {
  assert.deepEqual(tokenizeEnglish('call 08001234567 now'), ['call', '<num11>', 'now']);
  assert.deepEqual(tokenizeEnglish('call 08001234567', { numberShapeMin: 0 }), ['call', '08001234567']);
});

test('English: a stemmer applies to alphabetic words only', () => {
  assert.deepEqual(tokenizeEnglish('refunds pending 2nd', { stem: createStemmer() }), ['refund', 'pend', '2', 'nd']);
});

test('Chinese is segmented into words by jieba', () => {
  const words = tokenizeChinese('我喜欢这家酒店');
  assert.ok(words.includes('喜欢'), words.join('/'));
  assert.ok(words.includes('酒店'), words.join('/'));
});

test('mixed text sends Han runs to jieba and the rest to the English tokenizer', () => {
  const t = tokenize('iphone电池不耐用!!');
  assert.equal(t[0], 'iphone');
  assert.ok(t.includes('电池'), t.join('/'));
  assert.equal(t.at(-1), '!!');
});

test('negation marks the following tokens up to clause punctuation', () => {
  assert.deepEqual(markNegation(['not', 'good', 'at', 'all', ',', 'fine']), ['not', 'not_good', 'not_at', 'not_all', ',', 'fine']);
  assert.deepEqual(markNegation(['不', '满意', '。']), ['不', 'not_满意', '。']);
  assert.deepEqual(markNegation(['never', 'a', 'b', 'c', 'd'], { scope: 2 }), ['never', 'not_a', 'not_b', 'c', 'd']);
});
