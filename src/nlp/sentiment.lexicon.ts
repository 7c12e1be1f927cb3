/**
 * Lexicon sentiment for Chinese and English: the default when no trained sentiment model is
 * available (docs/models.md says why none ships). Each lexicon word (lexicon.ts) adds its weight,
 * scaled by a preceding intensifier ("很", "very"), reversed and damped by a negator within three
 * tokens before it ("不", "not"; Taboada et al. 2011, "Lexicon-based methods for sentiment
 * analysis", §2.4 shift rather than full flip), and weighted up after a contrast word ("但是",
 * "but", Polanyi & Zaenen 2006). The sum s becomes a score tanh(s / 2) in (−1, 1).
 */
import { normalize } from './normalize.js';
import { INTENSIFIERS, LEXICON } from './lexicon.js';
import type { Sentiment, SentimentLabel } from './sentiment.js';
import { isClauseEnd, isNegator, tokenize } from './tokenize.js';

const CONTRAST: ReadonlySet<string> = new Set(['but', 'however', 'though', '但', '但是', '可是', '不过', '却', '就是']);
const SUFFIXES = ['ing', 'ed', 'es', 's', 'ly', 'er'];

const ZH_PREFIXES = ['非常', '特别', '十分', '有点', '比较', '很', '太', '超', '真', '挺', '好', '最', '不', '没'];

/**
 * A lexicon word's polarity. English: the word, then the word without a common suffix. Chinese:
 * jieba often keeps a degree adverb or negator with its adjective ("太吵", "很脏", "不干净"), so
 * an unknown word starting with one is looked up without it and scaled (or negated) accordingly.
 */
function polarity(token: string): number | undefined {
  const direct = LEXICON.get(token);
  if (direct !== undefined) return direct;
  if (token.charCodeAt(0) > 0x7f) {
    for (const prefix of ZH_PREFIXES) {
      if (token.length <= prefix.length || !token.startsWith(prefix)) continue;
      const rest = LEXICON.get(token.slice(prefix.length));
      if (rest === undefined) continue;
      return isNegator(prefix) ? -0.7 * rest : rest * (INTENSIFIERS.get(prefix) ?? 1);
    }
    return undefined;
  }
  for (const suffix of SUFFIXES) {
    if (token.length > suffix.length + 2 && token.endsWith(suffix)) {
      const p = LEXICON.get(token.slice(0, -suffix.length)) ?? LEXICON.get(token.slice(0, -suffix.length) + 'e');
      if (p !== undefined) return p;
    }
  }
  return undefined;
}

/** Options for lexiconSentiment; every field has a default. */
export interface LexiconSentimentOptions {
  /** |score| below this is neutral (default 0.3). */
  neutralBand?: number;
}

/** The lexicon's raw sum for a text (positive minus negative evidence). */
export function lexiconSum(text: string): number {
  const tokens = tokenize(normalize(text));
  let sum = 0;
  let negated = 0;
  let boost = 1;
  let clauseWeight = 1;
  for (const t of tokens) {
    if (CONTRAST.has(t)) {
      // What follows "but" usually carries the writer's verdict.
      clauseWeight = 1.5;
      sum *= 0.7;
      negated = 0;
      boost = 1;
      continue;
    }
    if (isNegator(t)) {
      negated = 3;
      continue;
    }
    if (isClauseEnd(t)) {
      negated = 0;
      boost = 1;
      continue;
    }
    const scale = INTENSIFIERS.get(t);
    const p = polarity(t);
    if (p !== undefined) {
      sum += p * boost * clauseWeight * (negated > 0 ? -0.7 : 1);
      boost = 1;
      negated = 0;
    } else if (scale !== undefined) {
      boost = scale;
    } else if (negated > 0) {
      negated--;
    }
  }
  return sum;
}

/** Sentiment of a text by the lexicon: score = tanh(sum / 2), neutral inside the band. */
export function lexiconSentiment(text: string, options: LexiconSentimentOptions = {}): Sentiment {
  const band = options.neutralBand ?? 0.3;
  if (!(band >= 0 && band <= 1)) throw new RangeError(`sentiment: neutralBand must be in [0, 1], got ${band}`);
  const score = Math.tanh(lexiconSum(text) / 2);
  const label: SentimentLabel = Math.abs(score) < band ? 'neutral' : score > 0 ? 'positive' : 'negative';
  return { label, score };
}
