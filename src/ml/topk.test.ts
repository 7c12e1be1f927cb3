import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from './rng.js';
import { topK } from './topk.js';

/** The reference: sort every index by score descending, then index ascending. */
const bySort = (scores: ArrayLike<number>, k: number, skip?: (i: number) => boolean): number[] =>
  Array.from({ length: scores.length }, (_, i) => i)
    .filter((i) => scores[i]! > -Infinity && !(skip && skip(i)))
    .sort((a, b) => scores[b]! - scores[a]! || a - b)
    .slice(0, Math.max(k, 0));

test('returns the k highest scores, best first', () => {
  assert.deepEqual([...topK([0.1, 0.9, 0.5, 0.7], 2)], [1, 3]);
  assert.deepEqual([...topK(Float32Array.of(3, 1, 2), 3)], [0, 2, 1]);
});

test('ties go to the lower index, so results are deterministic', () => {
  assert.deepEqual([...topK([1, 2, 2, 2, 1], 2)], [1, 2]);
  assert.deepEqual([...topK([5, 5, 5, 5], 3)], [0, 1, 2]);
});

test('matches a full sort on random vectors with many ties', () => {
  const rng = createRng('topk');
  for (let trial = 0; trial < 200; trial++) {
    const n = rng.int(0, 60);
    const scores = Float32Array.from({ length: n }, () => rng.int(0, 8) / 2);
    const k = rng.int(0, 70);
    assert.deepEqual([...topK(scores, k)], bySort(scores, k), `trial ${trial}`);
  }
});

test('skip, -Infinity and NaN entries are left out', () => {
  const scores = [4, -Infinity, NaN, 3, 2, 1];
  assert.deepEqual([...topK(scores, 10)], [0, 3, 4, 5]);
  assert.deepEqual([...topK(scores, 2, (i) => i === 0)], [3, 4]);
  assert.deepEqual([...topK([-Infinity, NaN], 3)], []);
});

test('k larger than n returns every candidate; k = 0 returns nothing', () => {
  assert.equal(topK([1, 2, 3], 100).length, 3);
  assert.equal(topK([1, 2, 3], 0).length, 0);
  assert.equal(topK([], 5).length, 0);
});

test('a k that is not a whole number is rejected', () => {
  assert.throws(() => topK([1, 2, 3], 1.5), /k must be/);
  assert.throws(() => topK([1, 2, 3], NaN), /k must be/);
});
