import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFeaturizer, resolveFeatureOptions } from './features.js';

const bag = (f: ReturnType<typeof createFeaturizer>, text: string) => {
  const b = f.hash(text);
  return new Map(Array.from(b.buckets, (x, i) => [x, b.counts[i]!]));
};

test('buckets are distinct, inside the hash space, and counts add up', () => {
  const f = createFeaturizer({ bits: 12, zhChar: [0, 0], otherChar: [0, 0], wordNgrams: 1 });
  const b = bag(f, 'good good good bad');
  assert.equal(b.size, 2);
  assert.deepEqual([...b.values()].sort(), [1, 3]);
  for (const k of b.keys()) assert.ok(k >= 0 && k < 4096);
});

test('the same text always hashes to the same bag, across featurisers', () => {
  const a = bag(createFeaturizer(), '这家酒店很好 great hotel!!');
  const b = bag(createFeaturizer(), '这家酒店很好 great hotel!!');
  assert.deepEqual(a, b);
});

test('normalisation makes full-width, traditional and simplified spellings share features', () => {
  const f = createFeaturizer();
  assert.deepEqual(bag(f, '這個產品ＧＲＥＡＴ'), bag(f, '这个产品great'));
});

test('negation changes the features of the negated word', () => {
  const f = createFeaturizer({ zhChar: [0, 0], otherChar: [0, 0], wordNgrams: 1 });
  const plain = bag(f, 'good');
  const negated = bag(f, 'not good');
  assert.equal([...plain.keys()].filter((k) => negated.has(k)).length, 0);
  assert.deepEqual(f.tokens("isn't good"), ['is', 'not', 'not_good']);
});

test('long texts grow the buffers', () => {
  const f = createFeaturizer({ bits: 16 });
  const text = Array.from({ length: 3000 }, (_, i) => `word${i}`).join(' ');
  assert.ok(f.hash(text).buckets.length > 3000);
});

test('bad options are rejected', () => {
  assert.throws(() => resolveFeatureOptions({ bits: 40 }), RangeError);
  assert.throws(() => resolveFeatureOptions({ otherChar: [3, 2] }), RangeError);
  assert.throws(() => resolveFeatureOptions({ zhChar: [0, 2] }), RangeError);
});
