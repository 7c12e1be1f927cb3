/**
 * Keyword extraction for Chinese and English text, two ways:
 * - TF-IDF against a corpus the caller indexes (e.g. a workspace's reviews or tickets): words
 *   frequent in this text but rare in the corpus (Spärck Jones 1972; Salton & Buckley 1988).
 * - TextRank (Mihalcea & Tarau, EMNLP 2004, §3): PageRank over a co-occurrence graph of
 *   candidate words within a sliding window; needs no corpus, so it works on a single text.
 *
 * Candidates are content words: not stop words, not punctuation or numbers, and for Chinese at
 * least two characters (single characters are mostly function words once jieba has segmented).
 */
import { isHan } from './language.js';
import { normalize } from './normalize.js';
import { tokenize } from './tokenize.js';

const EN_STOP = new Set(
  'a an the and or but if then else of to in on at by for with from as is are was were be been being am do does did have has had i me my we our you your he she it its they them their this that these those there here what which who whom how when where why not no so than too very can could will would should may might must just also only about into over under again more most some any each all both few other such own same up down out off s t don now get got really one'.split(' '),
);
const ZH_STOP = new Set(
  '的 了 和 是 就 都 而 及 与 着 或 一个 没有 我们 你们 他们 她们 它们 我 你 他 她 它 这 那 这个 那个 这些 那些 之 在 也 很 还 又 并 但 但是 因为 所以 如果 就是 而且 不过 可以 已经 非常 比较 还是 一些 什么 怎么 这样 那样 自己 时候 觉得 有点 一下 真的 吧 吗 呢 啊 哦 嗯 呀 么 让 被 把 给 对 从 向 到 为 以 于 有 不 没 会 要 能 说 去 来 上 下 里 中 个 次 点 再 才 更 最'.split(' '),
);

/** True for a token worth proposing as a keyword. */
export function isCandidate(token: string): boolean {
  if (token.length === 0 || EN_STOP.has(token) || ZH_STOP.has(token)) return false;
  const c = token.codePointAt(0)!;
  if (isHan(c)) return [...token].length >= 2;
  return /^[\p{L}][\p{L}\p{M}'-]+$/u.test(token);
}

/** The candidate words of a text, in order (normalised, not stemmed, so they read as typed). */
export function candidates(text: string): string[] {
  return tokenize(normalize(text)).filter(isCandidate);
}

/** A scored keyword. */
export interface Keyword {
  word: string;
  score: number;
}

/** Document frequencies of candidate words over a corpus, for tfidfKeywords. */
export interface KeywordIndex {
  documents: number;
  df: ReadonlyMap<string, number>;
}

/** Count in how many corpus texts each candidate word appears. */
export function buildKeywordIndex(corpus: Iterable<string>): KeywordIndex {
  const df = new Map<string, number>();
  let documents = 0;
  for (const text of corpus) {
    documents++;
    for (const w of new Set(candidates(text))) df.set(w, (df.get(w) ?? 0) + 1);
  }
  return { documents, df };
}

const top = (scores: Map<string, number>, k: number): Keyword[] =>
  [...scores.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, k)
    .map(([word, score]) => ({ word, score }));

const checkK = (k: number) => {
  if (!(Number.isInteger(k) && k >= 1)) throw new RangeError(`keywords: k must be a positive integer, got ${k}`);
};

/** The k words with the highest tf · idf, idf = ln((1 + N)/(1 + df)) + 1 (smoothed, so unseen words score highest). */
export function tfidfKeywords(text: string, index: KeywordIndex, k = 10): Keyword[] {
  checkK(k);
  const tf = new Map<string, number>();
  for (const w of candidates(text)) tf.set(w, (tf.get(w) ?? 0) + 1);
  const scores = new Map<string, number>();
  for (const [w, f] of tf) scores.set(w, f * (Math.log((1 + index.documents) / (1 + (index.df.get(w) ?? 0))) + 1));
  return top(scores, k);
}

/** Options for textRankKeywords; every field has a default. */
export interface TextRankOptions {
  /** Co-occurrence window in candidate words (default 5, as jieba's TextRank; the paper tried 2–10). */
  window?: number;
  /** PageRank damping factor d (default 0.85, Brin & Page 1998). */
  damping?: number;
  /** Most iterations (default 100); stops earlier when no score moves by 1e-6. */
  iterations?: number;
}

/** The k most central words of one text by TextRank over an undirected, weighted co-occurrence graph. */
export function textRankKeywords(text: string, k = 10, options: TextRankOptions = {}): Keyword[] {
  checkK(k);
  const window = options.window ?? 5;
  const d = options.damping ?? 0.85;
  const iterations = options.iterations ?? 100;
  if (!(Number.isInteger(window) && window >= 2) || !(d > 0 && d < 1)) throw new RangeError('textRankKeywords: window >= 2 and 0 < damping < 1');
  const words = candidates(text);
  const id = new Map<string, number>();
  for (const w of words) if (!id.has(w)) id.set(w, id.size);
  const n = id.size;
  if (n === 0) return [];
  // Edge weights: co-occurrence counts within the window (symmetric).
  const edges = new Map<number, number>();
  const seq = words.map((w) => id.get(w)!);
  for (let i = 0; i < seq.length; i++) {
    for (let j = i + 1; j < Math.min(seq.length, i + window); j++) {
      const a = seq[i]!;
      const b = seq[j]!;
      if (a === b) continue;
      const key = a < b ? a * n + b : b * n + a;
      edges.set(key, (edges.get(key) ?? 0) + 1);
    }
  }
  const from: number[] = [];
  const to: number[] = [];
  const weight: number[] = [];
  const outSum = new Float64Array(n);
  for (const [key, w] of edges) {
    const a = Math.floor(key / n);
    const b = key % n;
    from.push(a, b);
    to.push(b, a);
    weight.push(w, w);
    outSum[a]! += w;
    outSum[b]! += w;
  }
  let score = new Float64Array(n).fill(1 / n);
  let next = new Float64Array(n);
  for (let it = 0; it < iterations; it++) {
    next.fill((1 - d) / n);
    for (let e = 0; e < from.length; e++) next[to[e]!]! += (d * weight[e]! * score[from[e]!]!) / outSum[from[e]!]!;
    // Isolated words (no edges) keep only the teleport term; their mass is spread evenly.
    let dangling = 0;
    for (let v = 0; v < n; v++) if (outSum[v] === 0) dangling += score[v]!;
    let delta = 0;
    for (let v = 0; v < n; v++) {
      next[v]! += (d * dangling) / n;
      delta = Math.max(delta, Math.abs(next[v]! - score[v]!));
    }
    [score, next] = [next, score];
    if (delta < 1e-6) break;
  }
  const scores = new Map<string, number>();
  for (const [w, v] of id) scores.set(w, score[v]!);
  return top(scores, k);
}
