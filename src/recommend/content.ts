/**
 * Content-based recommendations from catalogue text: each item is a TF-IDF vector of its
 * title, description and categories (Salton & Buckley, "Term-weighting approaches in automatic
 * text retrieval", 1988: sublinear tf 1 + log tf, smoothed idf log((1 + N)/(1 + df)) + 1, unit
 * length); a customer's profile is the history-weighted sum of their items' vectors, and an item
 * scores the cosine between the profile and its vector (Pazzani & Billsus, "Content-based
 * recommendation systems", 2007). It needs no interactions with an item, so it recommends new
 * catalogue entries that no collaborative model has seen bought.
 */
import { encodeArray } from '../ml/serialize.js';
import { assertCsr, csrFromCoo, transpose, type Csr } from '../ml/sparse.js';
import { contentTokens } from './content.tokens.js';
import type { RecommenderModel, ScoringInput, SerializedModel, TrainContext } from './recommender.js';
import { expectModel, float32Array, int32Array, numberParam } from './serialized.js';

export interface ContentOptions {
  /** One text per item, aligned with the interaction matrix's columns (title, description and categories joined). */
  readonly texts: readonly string[];
  /** Terms in fewer items are dropped: a term of one item links it to nothing. Default 2. */
  readonly minDf?: number;
  /** Terms in more than this share of items are dropped as uninformative. Default 0.5. */
  readonly maxDfShare?: number;
}

const VERSION = 1;

/** Scores by cosine between the profile and each item's unit TF-IDF vector. */
class ContentModel implements RecommenderModel {
  readonly algorithm = 'content' as const;
  readonly items: number;
  /** terms × items: the inverted index, for scoring a profile in O(postings of its terms). */
  private readonly postings: Csr;
  private readonly profile: Float64Array;
  private readonly touched: Int32Array;

  constructor(
    /** items × terms, rows of unit length (or empty for an item without usable text). */
    private readonly vectors: Csr,
    private readonly minDf: number,
    private readonly maxDfShare: number,
  ) {
    this.items = vectors.rows;
    this.postings = transpose(vectors);
    this.profile = new Float64Array(vectors.cols);
    this.touched = new Int32Array(vectors.cols);
  }

  score(input: ScoringInput, out: Float32Array): void {
    if (out.length !== this.items) throw new RangeError(`content.score: out has length ${out.length}, expected ${this.items}`);
    out.fill(0);
    const { vectors: v, postings: pt, profile, touched } = this;
    const h = input.history;
    let nTouched = 0;
    for (let t = 0; t < h.indices.length; t++) {
      const i = h.indices[t]!;
      if (i >= this.items) continue;
      const w = h.data[t]!;
      for (let e = v.indptr[i]!; e < v.indptr[i + 1]!; e++) {
        const term = v.indices[e]!;
        if (profile[term] === 0) touched[nTouched++] = term;
        profile[term]! += w * v.data[e]!;
      }
    }
    let norm2 = 0;
    for (let q = 0; q < nTouched; q++) norm2 += profile[touched[q]!]! ** 2;
    const inv = norm2 > 0 ? 1 / Math.sqrt(norm2) : 0;
    for (let q = 0; q < nTouched; q++) {
      const term = touched[q]!;
      const p = profile[term]! * inv;
      for (let e = pt.indptr[term]!; e < pt.indptr[term + 1]!; e++) out[pt.indices[e]!]! += p * pt.data[e]!;
      profile[term] = 0;
    }
  }

  /** v_i · v_j for two items (both rows sorted by term: a merge). */
  private dot(i: number, j: number): number {
    const v = this.vectors;
    let a = v.indptr[i]!;
    let b = v.indptr[j]!;
    const aEnd = v.indptr[i + 1]!;
    const bEnd = v.indptr[j + 1]!;
    let s = 0;
    while (a < aEnd && b < bEnd) {
      const ta = v.indices[a]!;
      const tb = v.indices[b]!;
      if (ta === tb) s += v.data[a++]! * v.data[b++]!;
      else if (ta < tb) a++;
      else b++;
    }
    return s;
  }

  /** The score is linear in the history, so history item i contributes h_i · (v_i · v_item) (up to the shared profile norm). */
  because(input: ScoringInput, item: number, max: number): number[] {
    if (!(item >= 0 && item < this.items)) return [];
    const h = input.history;
    const found: { item: number; c: number }[] = [];
    for (let t = 0; t < h.indices.length; t++) {
      const i = h.indices[t]!;
      if (i >= this.items || i === item) continue;
      const c = h.data[t]! * this.dot(i, item);
      if (c > 0) found.push({ item: i, c });
    }
    found.sort((a, b) => b.c - a.c || a.item - b.item);
    return found.slice(0, Math.max(0, max)).map((x) => x.item);
  }

  serialize(): SerializedModel {
    const { indptr, indices, data } = this.vectors;
    return {
      algorithm: this.algorithm,
      version: VERSION,
      params: { items: this.items, terms: this.vectors.cols, minDf: this.minDf, maxDfShare: this.maxDfShare },
      arrays: { indptr: encodeArray(indptr), indices: encodeArray(indices), data: encodeArray(data) },
    };
  }
}

/** Unit-length TF-IDF vectors (items × terms) of `texts`, terms kept by document frequency. */
export function tfidfVectors(texts: readonly string[], minDf: number, maxDfShare: number): { vectors: Csr; vocabulary: string[] } {
  const n = texts.length;
  const termId = new Map<string, number>();
  const df: number[] = [];
  const docs: Map<number, number>[] = [];
  for (const text of texts) {
    const counts = new Map<number, number>();
    for (const tok of contentTokens(text)) {
      let id = termId.get(tok);
      if (id === undefined) {
        id = df.length;
        termId.set(tok, id);
        df.push(0);
      }
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    for (const id of counts.keys()) df[id]! += 1;
    docs.push(counts);
  }
  // Renumber the kept terms densely.
  const maxDf = Math.floor(maxDfShare * n);
  const keep = new Int32Array(df.length).fill(-1);
  const vocabulary: string[] = [];
  for (const [tok, id] of termId) {
    if (df[id]! >= minDf && df[id]! <= Math.max(maxDf, minDf)) {
      keep[id] = vocabulary.length;
      vocabulary.push(tok);
    }
  }
  const r: number[] = [];
  const c: number[] = [];
  const v: number[] = [];
  docs.forEach((counts, item) => {
    const start = v.length;
    let norm2 = 0;
    for (const [id, tf] of counts) {
      const kept = keep[id]!;
      if (kept < 0) continue;
      const w = (1 + Math.log(tf)) * (Math.log((1 + n) / (1 + df[id]!)) + 1);
      r.push(item);
      c.push(kept);
      v.push(w);
      norm2 += w * w;
    }
    const inv = norm2 > 0 ? 1 / Math.sqrt(norm2) : 0;
    for (let k = start; k < v.length; k++) v[k]! *= inv;
  });
  return { vectors: csrFromCoo(n, vocabulary.length, r, c, v), vocabulary };
}

/** Train a content model over one text per item. */
export function trainContent(ctx: TrainContext, options: ContentOptions): RecommenderModel {
  const { texts } = options;
  const minDf = options.minDf ?? 2;
  const maxDfShare = options.maxDfShare ?? 0.5;
  const m = ctx.interactions;
  assertCsr(m, 'content: interactions', { nonNegative: true });
  if (!Array.isArray(texts) || texts.some((t) => typeof t !== 'string')) throw new TypeError('content: texts must be an array of strings');
  if (texts.length !== m.cols) throw new RangeError(`content: ${texts.length} texts for ${m.cols} items (one text per item column)`);
  if (!(Number.isInteger(minDf) && minDf >= 1)) throw new RangeError(`content: minDf must be an integer ≥ 1, got ${minDf}`);
  if (!(maxDfShare > 0 && maxDfShare <= 1)) throw new RangeError(`content: maxDfShare must be in (0, 1], got ${maxDfShare}`);
  ctx.onProgress?.(0, 'tokenising');
  const { vectors } = tfidfVectors(texts, minDf, maxDfShare);
  ctx.onProgress?.(1, `${vectors.cols} terms`);
  return new ContentModel(vectors, minDf, maxDfShare);
}

/** Rebuild a content model from its serialised form. */
export function deserializeContent(s: SerializedModel): RecommenderModel {
  expectModel(s, 'content', VERSION);
  const items = numberParam(s, 'items', true);
  const terms = numberParam(s, 'terms', true);
  const indptr = int32Array(s, 'indptr', items + 1);
  const indices = int32Array(s, 'indices');
  const vectors: Csr = { rows: items, cols: terms, indptr, indices, data: float32Array(s, 'data', indices.length) };
  assertCsr(vectors, 'content: serialised vectors', { nonNegative: true });
  return new ContentModel(vectors, numberParam(s, 'minDf', true), numberParam(s, 'maxDfShare'));
}
