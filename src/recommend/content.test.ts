import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csrFromCoo } from '../ml/sparse.js';
import { topK } from '../ml/topk.js';
import { contentTokens } from './content.tokens.js';
import { deserializeContent, trainContent } from './content.js';
import type { RecommenderModel } from './recommender.js';

const texts = [
  'Yamaha acoustic guitar, spruce top — 雅马哈 民谣 吉他 初学者',
  'Guitar strings for acoustic guitar, phosphor bronze 吉他弦',
  '电子琴 61键 儿童 初学者 电子 钢琴 keyboard',
  'Digital piano 88 keys weighted 电钢琴 钢琴',
  'Clip-on guitar tuner 吉他 调音器',
  'Drum sticks maple 鼓棒',
];
// Six customers; nobody bought item 4 (the tuner) yet — content must still recommend it.
const m = csrFromCoo(3, texts.length, [0, 1, 1, 2], [0, 2, 3, 5]);
const ctx = { interactions: m, seed: 1 };
const scoresFor = (model: RecommenderModel, items: number[]): Float32Array => {
  const out = new Float32Array(model.items);
  model.score({ history: { indices: Int32Array.from(items), data: new Float32Array(items.length).fill(1) } }, out);
  return out;
};

test('tokens: English lower-cased without stop words, Chinese segmented by jieba', () => {
  assert.deepEqual(contentTokens('The Guitar and THE Strings'), ['guitar', 'strings']);
  const zh = contentTokens('这是一把适合初学者的吉他');
  assert.ok(zh.includes('吉他') && zh.includes('初学者'), zh.join('|'));
  assert.ok(!zh.includes('的') && !zh.includes('是'));
  assert.deepEqual(contentTokens('ＡＢＣ 88键'), ['abc', '88', '键']);
});

test('a guitar buyer is recommended the other guitar items first, the piano buyer the keyboard', () => {
  const model = trainContent(ctx, { texts });
  const guitar = scoresFor(model, [0]);
  const top = [...topK(guitar, 2, (i) => i === 0)].sort();
  assert.deepEqual(top, [1, 4], 'strings and the never-bought tuner share "guitar"/"吉他"');
  assert.equal(guitar[5], 0, 'drum sticks share no term with a guitar');
  const piano = scoresFor(model, [3]);
  assert.equal(topK(piano, 1, (i) => i === 3)[0], 2);
  // Chinese-only overlap is enough: the tuner's text shares only 吉他 and guitar with item 0.
  assert.ok(guitar[4]! > 0);
});

test('scores are cosines in [0, 1], and the profile weights history items', () => {
  const model = trainContent(ctx, { texts });
  const s = scoresFor(model, [0]);
  assert.ok(Math.abs(s[0]! - 1) < 1e-5, 'an item is identical to a profile made of itself');
  for (const x of s) assert.ok(x >= 0 && x <= 1 + 1e-6);
  const out = new Float32Array(model.items);
  model.score({ history: { indices: Int32Array.of(0, 3), data: Float32Array.of(1, 10) } }, out);
  assert.ok(out[2]! > out[1]!, 'a heavily weighted piano outweighs one guitar');
});

test('because() names the most similar history item', () => {
  const model = trainContent(ctx, { texts });
  const history = { indices: Int32Array.of(0, 3, 5), data: Float32Array.of(1, 1, 1) };
  assert.deepEqual(model.because?.({ history }, 4, 2), [0]);
  assert.equal(model.because?.({ history }, 2, 1)[0], 3);
});

test('serialise round-trip gives equal scores (through JSON)', () => {
  const model = trainContent(ctx, { texts });
  const again = deserializeContent(JSON.parse(JSON.stringify(model.serialize())));
  for (const h of [[0], [3], [0, 5], []]) assert.deepEqual([...scoresFor(again, h)], [...scoresFor(model, h)]);
  assert.deepEqual(again.serialize(), model.serialize());
});

test('bad input is rejected', () => {
  assert.throws(() => trainContent(ctx, { texts: texts.slice(1) }), /5 texts for 6 items/);
  assert.throws(() => trainContent(ctx, { texts, minDf: 0 }), /minDf/);
  assert.throws(() => trainContent(ctx, { texts, maxDfShare: 0 }), /maxDfShare/);
  // Safe: deliberately the wrong type, as a JSON caller could send.
  assert.throws(() => trainContent(ctx, { texts: [1, 2, 3, 4, 5, 6] as unknown as string[] }), /array of strings/);
  const s = trainContent(ctx, { texts }).serialize();
  assert.throws(() => deserializeContent({ ...s, algorithm: 'popularity' }), /expected a serialised content model/);
  assert.throws(() => deserializeContent({ ...s, arrays: { ...s.arrays, indices: '' } }), /entries/);
});
