/**
 * Aspect sentiment for shop reviews: what a customer liked or disliked (quality, price, delivery,
 * service, packaging, size/fit). A review is split into clauses; each clause is scored by the
 * sentiment classifier and its sentiment attributed to the aspects it names, found through a
 * bilingual keyword lexicon. This is the lexicon-plus-clause approach of Hu & Liu (KDD 2004, §3.4:
 * opinion orientation per sentence, attributed to the features it mentions) at clause rather than
 * sentence granularity, since "物流很快，但是质量很差" holds two opinions in one sentence.
 */
import { normalize } from './normalize.js';
import type { Sentiment, SentimentLabel } from './sentiment.js';

export const ASPECTS = ['quality', 'price', 'delivery', 'service', 'packaging', 'size'] as const;
export type Aspect = (typeof ASPECTS)[number];

/** Words that name each aspect, per language (matched on normalised text: lower case, simplified Chinese). */
export const ASPECT_LEXICON: Readonly<Record<Aspect, { zh: readonly string[]; en: readonly string[] }>> = {
  quality: {
    zh: ['质量', '做工', '品质', '用料', '质感', '材质', '面料', '音质', '续航', '口感', '味道', '瑕疵', '次品', '坏了', '耐用'],
    en: ['quality', 'craftsmanship', 'sturdy', 'durable', 'flimsy', 'material', 'fabric', 'broke', 'broken', 'defective', 'battery', 'sound', 'taste', 'build'],
  },
  price: {
    zh: ['价格', '性价比', '便宜', '太贵', '价钱', '划算', '价位', '优惠', '不值'],
    en: ['price', 'priced', 'value', 'worth', 'expensive', 'cheap', 'affordable', 'overpriced', 'cost', 'deal'],
  },
  delivery: {
    zh: ['物流', '快递', '发货', '配送', '送货', '到货', '运输'],
    en: ['delivery', 'delivered', 'shipping', 'shipped', 'arrived', 'courier', 'tracking', 'late', 'dispatch'],
  },
  service: {
    zh: ['客服', '售后', '服务', '退换货', '退货', '态度', '回复'],
    en: ['customer service', 'support', 'service', 'staff', 'refund', 'return', 'returns', 'reply', 'helpful', 'rude'],
  },
  packaging: {
    zh: ['包装', '盒子', '外包装', '破损'],
    en: ['packaging', 'packed', 'package', 'box', 'wrapping', 'wrapped'],
  },
  size: {
    zh: ['尺码', '尺寸', '大小', '偏大', '偏小', '合身', '码数', '版型', '上身'],
    en: ['size', 'sizing', 'fit', 'fits', 'fitted', 'too small', 'too big', 'too large', 'tight', 'loose'],
  },
};

// Clause boundaries: punctuation (after normalisation CJK punctuation is ASCII) and contrastive
// conjunctions, which start a clause of their own ("fast delivery but poor quality").
const CLAUSE_SPLIT = /[,.!?;:\n]+|\s+(?=(?:but|however|although|though|yet|except)\b)|(?=但是|但|不过|可是|然而|就是|只是)/u;

/** The clauses of a text, normalised, non-empty. */
export function splitClauses(text: string): string[] {
  return normalize(text)
    .split(CLAUSE_SPLIT)
    .map((c) => c.trim())
    .filter((c) => c.length > 0);
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const EN_PATTERNS: ReadonlyArray<readonly [Aspect, RegExp]> = ASPECTS.map((a) => [a, new RegExp(`\\b(?:${ASPECT_LEXICON[a].en.map(escape).join('|')})\\b`, 'u')] as const);

/** The aspects a (normalised) clause names. */
export function aspectsIn(clause: string): Aspect[] {
  const found: Aspect[] = [];
  for (const [aspect, en] of EN_PATTERNS) {
    if (en.test(clause) || ASPECT_LEXICON[aspect].zh.some((w) => clause.includes(w))) found.push(aspect);
  }
  return found;
}

/** One aspect's sentiment in one text. */
export interface AspectSentiment {
  aspect: Aspect;
  polarity: SentimentLabel;
  /** Mean score of the clauses naming the aspect, in [−1, 1]. */
  score: number;
}

/** Options for aspectSentiments; every field has a default. */
export interface AspectOptions {
  /** |mean score| below this is neutral (default 0.3, as sentiment.ts). */
  neutralBand?: number;
  /** Most clauses scored (default 200): a 10,000-character text is not split into thousands of calls. */
  maxClauses?: number;
}

/**
 * Aspect sentiments of one text: each clause naming an aspect is scored by `score` (a sentiment
 * classifier) and the clause scores per aspect averaged. Aspects appear in lexicon order.
 */
export function aspectSentiments(text: string, score: (clause: string) => Sentiment, options: AspectOptions = {}): AspectSentiment[] {
  const band = options.neutralBand ?? 0.3;
  const maxClauses = options.maxClauses ?? 200;
  const sums = new Map<Aspect, { total: number; n: number }>();
  for (const clause of splitClauses(text).slice(0, maxClauses)) {
    const named = aspectsIn(clause);
    if (named.length === 0) continue;
    const s = score(clause).score;
    for (const a of named) {
      const acc = sums.get(a) ?? { total: 0, n: 0 };
      acc.total += s;
      acc.n += 1;
      sums.set(a, acc);
    }
  }
  return ASPECTS.flatMap((aspect) => {
    const acc = sums.get(aspect);
    if (!acc) return [];
    const mean = acc.total / acc.n;
    const polarity: SentimentLabel = Math.abs(mean) < band ? 'neutral' : mean > 0 ? 'positive' : 'negative';
    return [{ aspect, polarity, score: mean }];
  });
}
