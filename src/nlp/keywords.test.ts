import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildKeywordIndex, candidates, textRankKeywords, tfidfKeywords } from './keywords.js';

test('candidates drop stop words, punctuation, numbers and single Chinese characters', () => {
  assert.deepEqual(candidates('The battery is great, 100%!'), ['battery', 'great']);
  const zh = candidates('这个酒店的服务很好');
  assert.ok(zh.includes('酒店') && zh.includes('服务'), zh.join('/'));
  assert.ok(!zh.includes('的') && !zh.includes('很'), zh.join('/'));
});

test('TF-IDF ranks words frequent here and rare in the corpus first', () => {
  const index = buildKeywordIndex(['the delivery was quick', 'quick delivery and good price', 'good price', 'delivery on time']);
  const kw = tfidfKeywords('battery died, battery replaced, delivery quick', index, 3);
  assert.equal(kw[0]!.word, 'battery');
  assert.equal(kw.length, 3);
});

test('TextRank finds the central words of a single text', () => {
  const text = 'The refund for my order is late. I asked for a refund twice; the refund team says the order refund is pending.';
  const kw = textRankKeywords(text, 2);
  assert.equal(kw[0]!.word, 'refund');
  assert.ok(kw.some((k) => k.word === 'order'), JSON.stringify(kw));
});

test('TextRank works on Chinese and scores sum to about one', () => {
  const kw = textRankKeywords('酒店位置很好，酒店房间干净，前台服务热情，房间设施有点旧', 50);
  assert.equal(kw[0]!.word === '酒店' || kw[0]!.word === '房间', true, JSON.stringify(kw));
  const sum = kw.reduce((s, k) => s + k.score, 0);
  assert.ok(Math.abs(sum - 1) < 1e-6, `sum ${sum}`);
});

test('empty text gives no keywords; bad k is rejected', () => {
  assert.deepEqual(textRankKeywords('!!!', 3), []);
  assert.throws(() => textRankKeywords('x', 0), RangeError);
});
