/**
 * FAQ retrieval: BM25 (MiniSearch's BM25+ variant, Lv & Zhai 2011) over each article's title,
 * alternative questions and body. Chinese has no spaces, so a Han run is indexed twice: as jieba
 * words and as overlapping character bigrams — the words give precise matches, the bigrams recall
 * when jieba splits a query differently from the article (退货 vs 退 货), the standard
 * combination for Chinese IR (Kwok 1997; Nie, Gao, Zhang & Zhou 2000). Latin text uses the
 * English tokenizer of src/nlp with lower-casing and a small stop list.
 */
import MiniSearch, { type SearchResult } from 'minisearch';
import { isHan } from '../nlp/language.js';
import { normalize } from '../nlp/normalize.js';
import { tokenize } from '../nlp/tokenize.js';

/** What the index needs of an article. */
export interface RetrievableArticle {
  id: string;
  language: string;
  title: string;
  body: string;
  questions: readonly string[];
  intent: string | null;
}

export interface RetrievalHit {
  id: string;
  /** Raw BM25 score (unbounded; compare within one query). */
  score: number;
  /** Share of the query's distinct terms the article matched, in [0, 1]. */
  coverage: number;
}

const STOP = new Set(
  (
    'a an the is are was were be been am i me my we our you your it its of to in on at for with and or do does did can could would should how what when where which who why will my ' +
    'please hi hello there this that these those have has had not no yes if so about from by as any get got want need ' +
    '的 了 吗 呢 吧 啊 呀 我 你 您 我们 你们 我的 是 在 有 和 与 就 都 也 要 想 请问 请 一下 怎么 什么 如何 可以 能 么 这 那 个 么'
  ).split(' '),
);
const PUNCT = /^[\p{P}\p{S}\s]+$/u;

/** Index terms of a text: jieba words and Han bigrams for Chinese, words for the rest. */
export function indexTerms(text: string): string[] {
  const norm = normalize(text);
  const out: string[] = [];
  for (const t of tokenize(norm)) {
    if (PUNCT.test(t) || STOP.has(t)) continue;
    out.push(t);
  }
  // Character bigrams over each Han run (a lone Han character stands as itself).
  let run: number[] = [];
  const flush = () => {
    if (run.length === 1) out.push(String.fromCodePoint(run[0]!));
    for (let i = 0; i + 1 < run.length; i++) out.push(`#${String.fromCodePoint(run[i]!, run[i + 1]!)}`);
    run = [];
  };
  for (const ch of norm) {
    const cp = ch.codePointAt(0)!;
    if (isHan(cp)) run.push(cp);
    else flush();
  }
  flush();
  return out;
}

export interface FaqIndex {
  readonly size: number;
  search(query: string, limit?: number): RetrievalHit[];
}

/** Build the BM25 index over a workspace's articles (milliseconds for hundreds of articles). */
export function buildFaqIndex(articles: readonly RetrievableArticle[]): FaqIndex {
  const ms = new MiniSearch<{ id: string; title: string; questions: string; body: string }>({
    fields: ['title', 'questions', 'body'],
    idField: 'id',
    tokenize: (text) => indexTerms(text),
    // Terms are already normalised by indexTerms.
    processTerm: (term) => term,
    searchOptions: { boost: { title: 2, questions: 2, body: 1 }, combineWith: 'OR', tokenize: (text) => indexTerms(text), processTerm: (term) => term },
  });
  ms.addAll(articles.map((a) => ({ id: a.id, title: a.title, questions: a.questions.join('\n'), body: a.body })));
  return {
    size: articles.length,
    search(query, limit = 5) {
      const all = indexTerms(query);
      if (all.length === 0) return [];
      // Coverage counts words; Han bigrams ("#…") only when the query has no words at all.
      const words = all.filter((t) => !t.startsWith('#'));
      const terms = new Set(words.length > 0 ? words : all);
      const results: SearchResult[] = ms.search(query);
      return results.slice(0, limit).map((r) => ({ id: String(r.id), score: r.score, coverage: r.queryTerms.filter((t) => terms.has(t)).length / terms.size }));
    },
  };
}
