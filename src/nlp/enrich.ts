/**
 * Enrichment of one customer text (a review, a chat message, a survey answer): language,
 * sentiment, intent, spam, keywords and aspect sentiments, from whichever models are available.
 * Pure: the models come in, the result goes out; storage and scheduling are feedback.service.ts's.
 */
import { aspectSentiments, type AspectSentiment } from './aspects.js';
import { predict, type TextClassifier } from './classifier.js';
import { textRankKeywords } from './keywords.js';
import { detectLanguage, type Language } from './language.js';
import { sentimentOf, type Sentiment } from './sentiment.js';

/** Longest text analysed; longer texts are cut here and flagged `truncated`. */
export const MAX_TEXT_CHARS = 10_000;

export type NlpTask = 'sentiment' | 'intent' | 'spam';

/** The models enrichment uses, as functions; any may be missing (its fields are then null). */
export interface EnrichModels {
  sentiment: ((text: string) => Sentiment) | null;
  intent: ((text: string) => { label: string; confidence: number }) | null;
  spam: ((text: string) => boolean) | null;
}

/** Enrichment models from trained classifiers (tests train small ones on synthetic data). */
export function classifierModels(m: { sentiment?: TextClassifier; intent?: TextClassifier; spam?: TextClassifier }): EnrichModels {
  const { sentiment, intent, spam } = m;
  return {
    sentiment: sentiment ? (text) => sentimentOf(sentiment, text) : null,
    intent: intent
      ? (text) => {
          const p = predict(intent, text);
          return { label: p.label, confidence: p.probability };
        }
      : null,
    spam: spam ? (text) => predict(spam, text).label === 'spam' : null,
  };
}

/** Where enrichment gets its models: the shipped defaults in production, small trained ones in tests. */
export interface NlpModelProvider {
  /** The models for a workspace's texts (its own where it trained some, else the shipped ones). */
  models(workspaceId?: string): Promise<EnrichModels>;
}

export type EnrichFlag = 'truncated' | 'binary' | 'empty';

export interface Enrichment {
  /** The text as analysed: cleaned, at most MAX_TEXT_CHARS characters. */
  text: string;
  language: Language;
  sentiment: Sentiment | null;
  intent: { label: string; confidence: number } | null;
  spam: boolean;
  /** Negative sentiment or a complaint intent. */
  complaint: boolean;
  keywords: string[];
  aspects: AspectSentiment[];
  flags: EnrichFlag[];
}

/** Options for enrichText; every field has a default. */
export interface EnrichOptions {
  /** Keywords kept per text (default 5). */
  keywords?: number;
  /** Classify intent (default true; feedback sources turn it on per event). */
  intent?: boolean;
  /** Intents below this calibrated probability are left out (default 0.5). */
  minIntentConfidence?: number;
  /** Intent labels that count as a complaint (default: any label containing "complaint"). */
  isComplaint?: (intent: string) => boolean;
}

// C0/C1 controls other than tab and newline, lone surrogates and U+FFFD (what a bad decode leaves).
// eslint-disable-next-line no-control-regex
const JUNK = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffd]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/gu;

/**
 * A text made safe to analyse and show: junk characters removed, cut to MAX_TEXT_CHARS (never
 * inside a surrogate pair), with flags saying what happened. A text that was mostly junk is
 * `binary` and is not sent to the models.
 */
export function cleanText(raw: string): { text: string; flags: EnrichFlag[] } {
  const flags: EnrichFlag[] = [];
  let text = raw;
  if (text.length > MAX_TEXT_CHARS * 2) text = text.slice(0, MAX_TEXT_CHARS * 2);
  const cleaned = text.replace(JUNK, '');
  if (text.length >= 8 && cleaned.length < text.length * 0.7) flags.push('binary');
  text = cleaned.trim();
  if (raw.length > MAX_TEXT_CHARS || text.length > MAX_TEXT_CHARS) {
    let cut = Math.min(text.length, MAX_TEXT_CHARS);
    const c = text.charCodeAt(cut - 1);
    if (c >= 0xd800 && c <= 0xdbff) cut--;
    if (cut < text.length || raw.length > MAX_TEXT_CHARS) flags.push('truncated');
    text = text.slice(0, cut);
  }
  if (text.length === 0) flags.push('empty');
  return { text, flags };
}

const defaultComplaint = (intent: string) => intent.toLowerCase().includes('complaint');

/** Enrich one raw text with the models given. */
export function enrichText(raw: string, models: EnrichModels, options: EnrichOptions = {}): Enrichment {
  const { text, flags } = cleanText(raw);
  const skip = flags.includes('binary') || flags.includes('empty');
  const language = skip ? 'unknown' : detectLanguage(text).language;
  if (skip) return { text, language, sentiment: null, intent: null, spam: false, complaint: false, keywords: [], aspects: [], flags };
  const score = models.sentiment;
  const sentiment = score ? score(text) : null;
  const guess = models.intent && (options.intent ?? true) ? models.intent(text) : null;
  // A low-confidence intent is no intent (the maximum-probability rule of scope.ts).
  const intent = guess && guess.confidence >= (options.minIntentConfidence ?? 0.5) ? guess : null;
  const spam = models.spam ? models.spam(text) : false;
  const isComplaint = options.isComplaint ?? defaultComplaint;
  const complaint = sentiment?.label === 'negative' || (intent !== null && isComplaint(intent.label));
  const keywords = textRankKeywords(text, options.keywords ?? 5).map((k) => k.word);
  const aspects = score ? aspectSentiments(text, score) : [];
  return { text, language, sentiment, intent, spam, complaint, keywords, aspects, flags };
}
