/**
 * Seeded pseudo-random numbers for every random choice Nudge makes (model initialisation,
 * sampling, train/test splits, the demo shop).
 *
 * Generator: sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, from PractRand):
 * 128 bits of state, passes PractRand/BigCrush, and its 32-bit arithmetic is exact in JS.
 * Seeds (numbers or strings) are hashed to a 128-bit key; splitmix32 spreads the key over the
 * state. `fork(label)` derives an independent stream from the key and the label alone, so a
 * fork does not depend on how many numbers the parent has drawn.
 */

/** A seeded random stream. Methods use the stream's own state: same seed, same calls ⇒ same results. */
export interface Rng {
  /** Uniform float in [0, 1) with 32 bits of randomness. */
  next(): number;
  /** Uniform unsigned 32-bit integer. */
  uint32(): number;
  /** Uniform integer in [minIncl, maxExcl). */
  int(minIncl: number, maxExcl: number): number;
  /** Normal deviate (Box–Muller, the spare is cached). */
  normal(mean?: number, sd?: number): number;
  /** Exponential deviate with the given rate (mean 1/rate). */
  exponential(rate: number): number;
  /** Gamma deviate (Marsaglia & Tsang 2000); mean shape·scale. */
  gamma(shape: number, scale?: number): number;
  /** Beta deviate as X/(X+Y) with X~Gamma(a), Y~Gamma(b). */
  beta(a: number, b: number): number;
  /** Poisson count: multiplication method for λ < 30, Hörmann's PTRS (1993) above. */
  poisson(lambda: number): number;
  /** true with probability p. */
  bernoulli(p: number): boolean;
  /** One element chosen uniformly; throws on an empty array. */
  pick<T>(arr: readonly T[]): T;
  /** Index i with probability weights[i] / Σweights (linear scan; see createWeightedSampler for many draws). */
  weightedIndex(weights: ArrayLike<number>): number;
  /** Fisher–Yates shuffle in place; returns the same array. */
  shuffle<T>(arr: T[]): T[];
  /** An independent stream derived from this stream's seed and `label` (not from its position). */
  fork(label: string): Rng;
}

const TWO_POW_32 = 4294967296;
const INV_TWO_POW_32 = 1 / TWO_POW_32;
/** Per-word hash seeds (arbitrary odd constants) so one string gives four unrelated words. */
const KEY_SEEDS = [0x9e3779b1, 0x85ebca77, 0xc2b2ae3d, 0x27d4eb2f] as const;

/** murmur3's 32-bit finaliser: a bijective avalanche mix. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** 32-bit string hash (murmur-style mixing per UTF-16 unit, then fmix32). */
function hashString(s: string, seed: number): number {
  let h = (seed ^ s.length) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h = Math.imul(h ^ s.charCodeAt(i), 0x5bd1e995);
    h ^= h >>> 15;
  }
  return fmix32(h);
}

type Key = readonly [number, number, number, number];

/** Numbers and strings hash through distinct prefixes so createRng(1) and createRng('1') differ. */
function keyOf(seed: number | string): Key {
  if (typeof seed === 'number' && !Number.isFinite(seed)) throw new RangeError(`rng seed must be finite, got ${seed}`);
  const text = typeof seed === 'number' ? `n:${seed}` : `s:${seed}`;
  return [hashString(text, KEY_SEEDS[0]), hashString(text, KEY_SEEDS[1]), hashString(text, KEY_SEEDS[2]), hashString(text, KEY_SEEDS[3])];
}

function forkKey(key: Key, label: string): Key {
  return [
    fmix32((key[0] ^ hashString(label, KEY_SEEDS[0])) + 0x6a09e667),
    fmix32((key[1] ^ hashString(label, KEY_SEEDS[1])) + 0xbb67ae85),
    fmix32((key[2] ^ hashString(label, KEY_SEEDS[2])) + 0x3c6ef372),
    fmix32((key[3] ^ hashString(label, KEY_SEEDS[3])) + 0xa54ff53a),
  ];
}

const LANCZOS = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7] as const;

/** log Γ(x) for x > 0 (Lanczos, g = 7, n = 9; ~15 significant digits). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  x -= 1;
  let a = LANCZOS[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += (LANCZOS[i] ?? 0) / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** A seeded random stream from a number or string seed. */
export function createRng(seed: number | string): Rng {
  return fromKey(keyOf(seed));
}

function fromKey(key: Key): Rng {
  // splitmix32 over the key words fills the sfc32 state; the counter word never repeats a zero state.
  let sm = key[0] ^ fmix32(key[1] + 0x9e3779b9);
  const splitmix = (): number => {
    sm = (sm + 0x9e3779b9) | 0;
    return fmix32(sm ^ key[2] ^ Math.imul(key[3], 0x2545f491));
  };
  let a = splitmix() | 0;
  let b = splitmix() | 0;
  let c = splitmix() | 0;
  let d = splitmix() | 0;
  let spare = 0;
  let hasSpare = false;

  const uint32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // Warm-up recommended for sfc32 so near-identical seeds diverge fully.
  for (let i = 0; i < 15; i++) uint32();

  const next = (): number => uint32() * INV_TWO_POW_32;

  const int = (minIncl: number, maxExcl: number): number => {
    if (!(maxExcl > minIncl)) throw new RangeError(`rng.int needs max > min, got [${minIncl}, ${maxExcl})`);
    return minIncl + Math.floor(next() * (maxExcl - minIncl));
  };

  const normal = (mean = 0, sd = 1): number => {
    if (hasSpare) {
      hasSpare = false;
      return mean + sd * spare;
    }
    const u = 1 - next(); // (0, 1]: log(u) is finite
    const r = Math.sqrt(-2 * Math.log(u));
    const theta = 2 * Math.PI * next();
    spare = r * Math.sin(theta);
    hasSpare = true;
    return mean + sd * r * Math.cos(theta);
  };

  const exponential = (rate: number): number => {
    if (!(rate > 0)) throw new RangeError(`rng.exponential needs rate > 0, got ${rate}`);
    return -Math.log(1 - next()) / rate;
  };

  const gamma = (shape: number, scale = 1): number => {
    if (!(shape > 0) || !(scale > 0)) throw new RangeError(`rng.gamma needs shape, scale > 0, got ${shape}, ${scale}`);
    if (shape < 1) {
      // Boost: Gamma(k) = Gamma(k + 1) · U^(1/k).
      return gamma(shape + 1, scale) * Math.pow(1 - next(), 1 / shape);
    }
    const dd = shape - 1 / 3;
    const cc = 1 / Math.sqrt(9 * dd);
    for (;;) {
      const x = normal();
      let v = 1 + cc * x;
      if (v <= 0) continue;
      v = v * v * v;
      const u = 1 - next();
      const x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2) return dd * v * scale;
      if (Math.log(u) < 0.5 * x2 + dd * (1 - v + Math.log(v))) return dd * v * scale;
    }
  };

  const beta = (alpha: number, b2: number): number => {
    const x = gamma(alpha);
    return x / (x + gamma(b2));
  };

  const poisson = (lambda: number): number => {
    if (!(lambda >= 0)) throw new RangeError(`rng.poisson needs lambda >= 0, got ${lambda}`);
    if (lambda === 0) return 0;
    if (lambda < 30) {
      const limit = Math.exp(-lambda);
      let k = 0;
      let p = next();
      while (p > limit) {
        k++;
        p *= next();
      }
      return k;
    }
    // PTRS: W. Hörmann, "The transformed rejection method for generating Poisson random variables", 1993.
    const slam = Math.sqrt(lambda);
    const loglam = Math.log(lambda);
    const bb = 0.931 + 2.53 * slam;
    const aa = -0.059 + 0.02483 * bb;
    const invAlpha = 1.1239 + 1.1328 / (bb - 3.4);
    const vr = 0.9277 - 3.6224 / (bb - 2);
    for (;;) {
      const u = next() - 0.5;
      const v = next();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * aa) / us + bb) * u + lambda + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (Math.log(v) + Math.log(invAlpha) - Math.log(aa / (us * us) + bb) <= -lambda + k * loglam - logGamma(k + 1)) return k;
    }
  };

  const bernoulli = (p: number): boolean => next() < p;

  const pick = <T>(arr: readonly T[]): T => {
    if (arr.length === 0) throw new RangeError('rng.pick on an empty array');
    // Safe: the index is within [0, length).
    return arr[Math.floor(next() * arr.length)] as T;
  };

  const weightedIndex = (weights: ArrayLike<number>): number => {
    let total = 0;
    for (let i = 0; i < weights.length; i++) {
      const w = weights[i] ?? 0;
      if (w > 0) total += w;
    }
    if (!(total > 0)) throw new RangeError('rng.weightedIndex needs at least one positive weight');
    let r = next() * total;
    let last = -1;
    for (let i = 0; i < weights.length; i++) {
      const w = weights[i] ?? 0;
      if (!(w > 0)) continue;
      last = i;
      r -= w;
      if (r < 0) return i;
    }
    return last; // float rounding left r ≥ 0 after the last positive weight
  };

  const shuffle = <T>(arr: T[]): T[] => {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      // Safe: i and j are both within [0, length).
      const tmp = arr[i] as T;
      arr[i] = arr[j] as T;
      arr[j] = tmp;
    }
    return arr;
  };

  const fork = (label: string): Rng => fromKey(forkKey(key, label));

  return { next, uint32, int, normal, exponential, gamma, beta, poisson, bernoulli, pick, weightedIndex, shuffle, fork };
}

/**
 * A sampler for many draws from one fixed discrete distribution: cumulative sums and a binary
 * search, O(log n) a draw. Non-positive weights are never drawn.
 */
export function createWeightedSampler(weights: ArrayLike<number>): (rng: Rng) => number {
  const n = weights.length;
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const w = weights[i] ?? 0;
    if (w > 0) total += w;
    cumulative[i] = total;
  }
  if (!(total > 0)) throw new RangeError('createWeightedSampler needs at least one positive weight');
  return (rng: Rng): number => {
    const r = rng.next() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cumulative[mid] ?? 0) > r) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}
