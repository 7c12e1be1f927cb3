/**
 * Text → hashed sparse features: word n-grams over normalised, stemmed, negation-marked tokens,
 * and character n-grams over the normalised text (Chinese characters and Latin letters get
 * their own n-gram ranges: a single Han character is a morpheme, a single letter is noise).
 *
 * The hashing trick (Weinberger et al. 2009, "Feature hashing for large scale multitask
 * learning") maps every n-gram to one of 2^bits buckets with no vocabulary to store or grow;
 * word and character n-grams hash with different seeds so they rarely share a bucket.
 * Output is the distinct buckets and their counts, written into reusable buffers.
 */
import { normalize, type NormalizeOptions } from './normalize.js';
import { createStemmer } from './stem.js';
import { markNegation, tokenize } from './tokenize.js';
import { isHan } from './language.js';
import { fmix32 } from '../ml/rng.js';

/** What the featuriser extracts; stored with every model so prediction featurises alike. */
export interface FeatureOptions {
  /** log2 of the hash space (default 20: 1,048,576 buckets). */
  bits: number;
  /** Longest word n-gram (default 2: unigrams and bigrams). */
  wordNgrams: number;
  /** Character n-gram range starting at a Han character (default [1, 3]; [0, 0] turns it off). */
  zhChar: readonly [number, number];
  /** Character n-gram range starting at any other character (default [2, 5]). */
  otherChar: readonly [number, number];
  /** Porter-stem English words (default true). */
  stem: boolean;
  /** Mark tokens in a negator's scope with "not_" (default true). */
  negation: boolean;
  normalize: NormalizeOptions;
}

export const DEFAULT_FEATURES: FeatureOptions = { bits: 20, wordNgrams: 2, zhChar: [1, 3], otherChar: [2, 5], stem: true, negation: true, normalize: {} };

/** Fill in defaults and check ranges. */
export function resolveFeatureOptions(o: Partial<FeatureOptions> = {}): FeatureOptions {
  const r: FeatureOptions = { ...DEFAULT_FEATURES, ...o, normalize: { ...DEFAULT_FEATURES.normalize, ...o.normalize } };
  if (!(Number.isInteger(r.bits) && r.bits >= 8 && r.bits <= 26)) throw new RangeError(`features: bits must be an integer in [8, 26], got ${r.bits}`);
  if (!(Number.isInteger(r.wordNgrams) && r.wordNgrams >= 0 && r.wordNgrams <= 4)) throw new RangeError(`features: wordNgrams must be in [0, 4], got ${r.wordNgrams}`);
  for (const [name, [lo, hi]] of [['zhChar', r.zhChar], ['otherChar', r.otherChar]] as const) {
    const ok = Number.isInteger(lo) && Number.isInteger(hi) && lo >= 0 && hi >= lo && hi <= 8 && (lo > 0 || hi === 0);
    if (!ok) throw new RangeError(`features: ${name} must be [min, max] with 1 <= min <= max <= 8 or [0, 0], got [${lo}, ${hi}]`);
  }
  return r;
}

/** A hashed, deduplicated bag of features for one text: views into the featuriser's buffers. */
export interface HashedBag {
  /** Distinct bucket ids in first-seen order (a view, valid until the next call). */
  buckets: Int32Array;
  /** Occurrences of each bucket. */
  counts: Float32Array;
}

/** Turns text into a HashedBag; owns its scratch buffers and stemmer memo, so it is not shared across threads. */
export interface Featurizer {
  readonly options: FeatureOptions;
  /** The analysed tokens (for explanations and keyword extraction). */
  tokens(text: string): string[];
  hash(text: string): HashedBag;
}

const SEED_WORD = [0x2545f491, 0x7feb352d, 0x846ca68b, 0x1b873593, 0xcc9e2d51];
const SEED_CHAR = 0x68e31da4;


/** murmur-style 32-bit hash of a string's UTF-16 units. */
export function hashString(s: string, seed = 0): number {
  let h = seed ^ s.length;
  for (let i = 0; i < s.length; i++) {
    h = Math.imul(h ^ s.charCodeAt(i), 0x5bd1e995);
    h ^= h >>> 15;
  }
  return fmix32(h);
}

/** Build a featuriser for the given options. */
export function createFeaturizer(options: Partial<FeatureOptions> = {}): Featurizer {
  const opts = resolveFeatureOptions(options);
  const mask = (1 << opts.bits) - 1;
  const stem = opts.stem ? createStemmer() : undefined;
  const tokenOpts = stem ? { stem } : {};
  let buf = new Int32Array(1024);
  let counts = new Float32Array(1024);
  let wordHashes = new Int32Array(256);
  let table = new Int32Array(2048);
  let stamp = new Int32Array(2048);
  let slot = new Int32Array(2048);
  let generation = 0;
  let n = 0;
  const push = (h: number) => {
    if (n === buf.length) {
      const next = new Int32Array(buf.length * 2);
      next.set(buf);
      buf = next;
    }
    buf[n++] = h & mask;
  };

  const tokens = (text: string): string[] => {
    const t = tokenize(normalize(text, opts.normalize), tokenOpts);
    return opts.negation ? markNegation(t) : t;
  };

  const hash = (text: string): HashedBag => {
    if (typeof text !== 'string') throw new TypeError('featurize: text must be a string');
    const norm = normalize(text, opts.normalize);
    n = 0;
    if (opts.wordNgrams > 0) {
      let toks = tokenize(norm, tokenOpts);
      if (opts.negation) toks = markNegation(toks);
      if (wordHashes.length < toks.length) wordHashes = new Int32Array(toks.length * 2);
      for (let i = 0; i < toks.length; i++) wordHashes[i] = hashString(toks[i]!, SEED_WORD[0]);
      for (let i = 0; i < toks.length; i++) {
        let h = wordHashes[i]!;
        push(h);
        for (let g = 2; g <= opts.wordNgrams && i + g <= toks.length; g++) {
          // Combine the previous n-gram's hash with the next token's: no string concatenation.
          h = fmix32(Math.imul(h, 0x9e3779b1) ^ wordHashes[i + g - 1]! ^ SEED_WORD[g - 1]!);
          push(h);
        }
      }
    }
    const [zlo, zhi] = opts.zhChar;
    const [olo, ohi] = opts.otherChar;
    if (zhi > 0 || ohi > 0) {
      for (let i = 0; i < norm.length; i++) {
        const c0 = norm.charCodeAt(i);
        if (c0 === 32) continue; // n-grams start at a character, not at the space between words
        const han = isHan(c0);
        const lo = han ? zlo : olo;
        const hi = han ? zhi : ohi;
        if (hi === 0) continue;
        let h = SEED_CHAR;
        for (let k = 0; k < hi && i + k < norm.length; k++) {
          h = Math.imul(h ^ norm.charCodeAt(i + k), 0x5bd1e995);
          h ^= h >>> 15;
          if (k + 1 >= lo) push(fmix32(h ^ (k + 1)));
        }
      }
    }
    // Deduplicate through an open-addressing table stamped per call (no clearing, no sort).
    let size = table.length;
    if (size < 2 * n) {
      while (size < 2 * n) size *= 2;
      table = new Int32Array(size);
      stamp = new Int32Array(size);
      slot = new Int32Array(size);
      generation = 0;
    }
    if (counts.length < n) counts = new Float32Array(buf.length);
    generation = (generation + 1) | 0;
    if (generation === 0) {
      stamp.fill(0);
      generation = 1;
    }
    const tmask = size - 1;
    let d = 0;
    for (let i = 0; i < n; i++) {
      const b = buf[i]!;
      let h = Math.imul(b, 0x9e3779b1) >>> 0;
      for (;;) {
        h &= tmask;
        if (stamp[h] !== generation) {
          stamp[h] = generation;
          table[h] = b;
          slot[h] = d;
          buf[d] = b; // d <= i: compacting in place never overwrites an unread entry
          counts[d++] = 1;
          break;
        }
        if (table[h] === b) {
          counts[slot[h]!]! += 1;
          break;
        }
        h++;
      }
    }
    return { buckets: buf.subarray(0, d), counts: counts.subarray(0, d) };
  };

  return { options: opts, tokens, hash };
}
