import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, createWeightedSampler, logGamma } from './rng.js';

const draws = (seed: number | string, n: number): number[] => {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => rng.next());
};

const meanSd = (xs: readonly number[]): { mean: number; sd: number } => {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1);
  return { mean, sd: Math.sqrt(variance) };
};

test('the same seed gives the same sequence, for numbers and strings', () => {
  assert.deepEqual(draws(42, 1000), draws(42, 1000));
  assert.deepEqual(draws('nudge-demo', 1000), draws('nudge-demo', 1000));
});

test('different seeds give different sequences', () => {
  const a = draws(1, 100);
  const b = draws(2, 100);
  const c = draws('1', 100);
  assert.notDeepEqual(a, b);
  assert.notDeepEqual(a, c);
  // Neighbouring seeds must not be shifted copies of each other.
  const shared = a.filter((x) => b.includes(x)).length;
  assert.ok(shared < 3, `seeds 1 and 2 share ${shared} values`);
});

test('next() is uniform on [0, 1)', () => {
  const xs = draws('uniform', 200_000);
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  const { mean, sd } = meanSd(xs);
  assert.ok(Math.abs(mean - 0.5) < 0.005, `mean ${mean}`);
  assert.ok(Math.abs(sd - Math.sqrt(1 / 12)) < 0.005, `sd ${sd}`);
  const buckets = new Array<number>(10).fill(0);
  for (const x of xs) buckets[Math.floor(x * 10)]! += 1;
  for (const b of buckets) assert.ok(Math.abs(b / xs.length - 0.1) < 0.005, `bucket share ${b / xs.length}`);
});

test('int() covers [min, max) and nothing else', () => {
  const rng = createRng(7);
  const seen = new Set<number>();
  for (let i = 0; i < 10_000; i++) seen.add(rng.int(-3, 4));
  assert.deepEqual([...seen].sort((x, y) => x - y), [-3, -2, -1, 0, 1, 2, 3]);
  assert.throws(() => rng.int(5, 5), RangeError);
});

test('normal() has the requested mean and sd', () => {
  const rng = createRng('normal');
  const xs = Array.from({ length: 100_000 }, () => rng.normal(10, 3));
  const { mean, sd } = meanSd(xs);
  assert.ok(Math.abs(mean - 10) < 0.05, `mean ${mean}`);
  assert.ok(Math.abs(sd - 3) < 0.05, `sd ${sd}`);
});

test('exponential, gamma, beta and poisson match their moments', () => {
  const rng = createRng('moments');
  const n = 100_000;
  const exp = meanSd(Array.from({ length: n }, () => rng.exponential(4)));
  assert.ok(Math.abs(exp.mean - 0.25) < 0.005, `exponential mean ${exp.mean}`);

  for (const [shape, scale] of [
    [0.5, 2],
    [3, 1.5],
  ] as const) {
    const g = meanSd(Array.from({ length: n }, () => rng.gamma(shape, scale)));
    assert.ok(Math.abs(g.mean - shape * scale) / (shape * scale) < 0.02, `gamma(${shape}) mean ${g.mean}`);
    assert.ok(Math.abs(g.sd - Math.sqrt(shape) * scale) / (Math.sqrt(shape) * scale) < 0.03, `gamma(${shape}) sd ${g.sd}`);
  }

  const b = meanSd(Array.from({ length: n }, () => rng.beta(2, 6)));
  assert.ok(Math.abs(b.mean - 0.25) < 0.005, `beta mean ${b.mean}`);

  for (const lambda of [0.7, 12, 80]) {
    const p = meanSd(Array.from({ length: n }, () => rng.poisson(lambda)));
    assert.ok(Math.abs(p.mean - lambda) / lambda < 0.02, `poisson(${lambda}) mean ${p.mean}`);
    assert.ok(Math.abs(p.sd ** 2 - lambda) / lambda < 0.05, `poisson(${lambda}) variance ${p.sd ** 2}`);
  }
  assert.equal(rng.poisson(0), 0);
});

test('bernoulli, pick and shuffle behave', () => {
  const rng = createRng('misc');
  let hits = 0;
  for (let i = 0; i < 100_000; i++) if (rng.bernoulli(0.3)) hits++;
  assert.ok(Math.abs(hits / 100_000 - 0.3) < 0.01);

  const counts = new Map<string, number>();
  for (let i = 0; i < 30_000; i++) {
    const v = rng.pick(['a', 'b', 'c']);
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  for (const c of counts.values()) assert.ok(Math.abs(c / 30_000 - 1 / 3) < 0.015);
  assert.throws(() => rng.pick([]), RangeError);

  const arr = Array.from({ length: 50 }, (_, i) => i);
  rng.shuffle(arr);
  assert.notDeepEqual(arr, Array.from({ length: 50 }, (_, i) => i));
  assert.deepEqual([...arr].sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i));
});

test('weightedIndex and createWeightedSampler draw in proportion to the weights', () => {
  const weights = [1, 0, 3, 6];
  const rng = createRng('weights');
  const sample = createWeightedSampler(weights);
  const a = [0, 0, 0, 0];
  const b = [0, 0, 0, 0];
  const n = 100_000;
  for (let i = 0; i < n; i++) {
    a[rng.weightedIndex(weights)]! += 1;
    b[sample(rng)]! += 1;
  }
  for (const counts of [a, b]) {
    assert.equal(counts[1], 0, 'a zero weight is never drawn');
    assert.ok(Math.abs(counts[0]! / n - 0.1) < 0.006);
    assert.ok(Math.abs(counts[2]! / n - 0.3) < 0.01);
    assert.ok(Math.abs(counts[3]! / n - 0.6) < 0.01);
  }
  assert.throws(() => rng.weightedIndex([0, 0]), RangeError);
  assert.throws(() => createWeightedSampler([]), RangeError);
});

test('fork() gives independent, reproducible streams that ignore the parent position', () => {
  const parent = createRng('parent');
  const a1 = parent.fork('a');
  for (let i = 0; i < 500; i++) parent.next();
  const a2 = parent.fork('a');
  const b = parent.fork('b');
  const xa1 = Array.from({ length: 2000 }, () => a1.next());
  const xa2 = Array.from({ length: 2000 }, () => a2.next());
  const xb = Array.from({ length: 2000 }, () => b.next());
  assert.deepEqual(xa1, xa2);
  assert.notDeepEqual(xa1, xb);
  // Correlation between sibling streams and with the parent stream is ~0.
  const fresh = createRng('parent');
  const xp = Array.from({ length: 2000 }, () => fresh.next());
  for (const other of [xb, xp]) {
    const ma = meanSd(xa1);
    const mo = meanSd(other);
    let cov = 0;
    for (let i = 0; i < xa1.length; i++) cov += (xa1[i]! - ma.mean) * (other[i]! - mo.mean);
    const corr = cov / (xa1.length - 1) / (ma.sd * mo.sd);
    assert.ok(Math.abs(corr) < 0.08, `correlation ${corr}`);
  }
  // Forks of forks are streams of their own too.
  assert.notDeepEqual(draws('x', 5), Array.from({ length: 5 }, createRng('x').fork('a').fork('a').next));
});

test('logGamma matches known values', () => {
  assert.ok(Math.abs(logGamma(1)) < 1e-12);
  assert.ok(Math.abs(logGamma(5) - Math.log(24)) < 1e-12);
  assert.ok(Math.abs(logGamma(0.5) - Math.log(Math.sqrt(Math.PI))) < 1e-12);
});
