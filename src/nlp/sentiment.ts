/**
 * Sentiment as the product shows it: positive / neutral / negative with a score in [−1, 1],
 * from a classifier trained on positive and negative (and optionally neutral) examples.
 *
 * score = P(positive) − P(negative) from the calibrated probabilities, so a score of 0.6 means
 * the same confidence whatever dataset trained the model. Binary corpora (ChnSentiCorp,
 * online_shopping_10_cats) have no neutral class, so "neutral" is the band of scores near 0:
 * the model is not confident either way.
 */
import { predict, type ClassifierOptions, type TextClassifier } from './classifier.js';

/**
 * Training options for sentiment models: NB-scaled SVMs (Wang & Manning 2012), which measured
 * +1.0 point on ChnSentiCorp_htl_all and +0.1 on online_shopping_10_cats over plain SVMs
 * (bench/nlp.bench.ts), while on SMS spam they lowered spam recall, so they are not the default.
 */
export const SENTIMENT_OPTIONS: ClassifierOptions = { svm: { nb: true } };

export type SentimentLabel = 'positive' | 'neutral' | 'negative';

export interface Sentiment {
  label: SentimentLabel;
  /** P(positive) − P(negative), in [−1, 1]. */
  score: number;
}

/** Options for sentimentOf; every field has a default. */
export interface SentimentOptions {
  /** |score| below this is neutral (default 0.3, i.e. P(positive) within 0.35–0.65 for a binary model). */
  neutralBand?: number;
}

/** Map calibrated probabilities of labelled classes to a sentiment; needs "positive" and "negative" labels. */
export function sentimentFromProbabilities(labels: readonly string[], probabilities: ArrayLike<number>, options: SentimentOptions = {}): Sentiment {
  const band = options.neutralBand ?? 0.3;
  if (!(band >= 0 && band <= 1)) throw new RangeError(`sentiment: neutralBand must be in [0, 1], got ${band}`);
  const pos = labels.indexOf('positive');
  const neg = labels.indexOf('negative');
  if (pos < 0 || neg < 0) throw new RangeError('sentiment: the model needs "positive" and "negative" labels');
  const neutral = labels.indexOf('neutral');
  const score = (probabilities[pos] ?? 0) - (probabilities[neg] ?? 0);
  // A three-class model may put most mass on "neutral" itself.
  const pNeutral = neutral >= 0 ? (probabilities[neutral] ?? 0) : 0;
  const label: SentimentLabel = Math.abs(score) < band || pNeutral > Math.max(probabilities[pos] ?? 0, probabilities[neg] ?? 0) ? 'neutral' : score > 0 ? 'positive' : 'negative';
  return { label, score };
}

/** Sentiment of one text under a sentiment classifier. */
export function sentimentOf(model: TextClassifier, text: string, options: SentimentOptions = {}): Sentiment {
  return sentimentFromProbabilities(model.labels, predict(model, text).probabilities, options);
}
