import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStemmer, porterStem } from './stem.js';

// Pairs from Porter (1980) and his published vocabulary/output lists.
const CASES: Array<[string, string]> = [
  ['caresses', 'caress'],
  ['ponies', 'poni'],
  ['cats', 'cat'],
  ['feed', 'feed'],
  ['agreed', 'agre'],
  ['plastered', 'plaster'],
  ['motoring', 'motor'],
  ['sing', 'sing'],
  ['conflated', 'conflat'],
  ['hopping', 'hop'],
  ['filing', 'file'],
  ['happy', 'happi'],
  ['relational', 'relat'],
  ['conditional', 'condit'],
  ['generalization', 'gener'],
  ['hopeful', 'hope'],
  ['goodness', 'good'],
  ['adjustment', 'adjust'],
  ['adoption', 'adopt'],
  ['controlling', 'control'],
  ['refunded', 'refund'],
  ['charges', 'charg'],
  ['yelling', 'yell'],
];

test('Porter stems match the published examples', () => {
  for (const [word, stem] of CASES) assert.equal(porterStem(word), stem, word);
});

test('short words are left alone', () => {
  assert.equal(porterStem('is'), 'is');
});

test('the memoised stemmer agrees with the plain one', () => {
  const stem = createStemmer({ cacheSize: 2 });
  for (const [word, s] of [...CASES, ...CASES]) assert.equal(stem(word), s);
  assert.throws(() => createStemmer({ cacheSize: -1 }), RangeError);
});
