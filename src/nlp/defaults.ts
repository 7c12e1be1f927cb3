/**
 * The models that ship with Nudge (models/nlp/, built by scripts/train-default-models.ts; their
 * provenance is in docs/models.md): spam/abuse (SMS Spam Collection, CC BY 4.0), intent
 * (BANKING77, CC BY 4.0) and sentiment. No sentiment corpus we hold may be redistributed as a
 * trained model, so default sentiment is the hand-written lexicon of sentiment.lexicon.ts.
 *
 * Each model is read and expanded on first use, then cached: they are immutable, so one copy
 * serves every caller (like the jieba dictionary in tokenize.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { predict, type ClassifierOptions, type Prediction, type TextClassifier } from './classifier.js';
import { expandClassifier, type Provenance } from './compact.js';
import { SENTIMENT_OPTIONS, type Sentiment } from './sentiment.js';
import { lexiconSentiment, type LexiconSentimentOptions } from './sentiment.lexicon.js';

export type DefaultTask = 'sentiment' | 'intent' | 'spam';

/** Where the shipped model files live (the repository's models/nlp). */
export const DEFAULT_MODEL_DIR = path.resolve(import.meta.dirname, '../../models/nlp');

/** A shipped classifier: the model, where it came from, and a one-call classify. */
export interface DefaultClassifier {
  readonly task: 'intent' | 'spam';
  readonly model: TextClassifier;
  readonly provenance: Provenance;
  classify(text: string): Prediction;
}

/** Sentiment as the product shows it: positive / neutral / negative with a score in [−1, 1]. */
export interface SentimentAnalyzer {
  readonly task: 'sentiment';
  readonly source: 'lexicon' | 'classifier';
  readonly provenance: Provenance;
  analyse(text: string, options?: LexiconSentimentOptions): Sentiment;
}

export interface DefaultModels {
  sentiment: SentimentAnalyzer;
  intent: DefaultClassifier;
  spam: DefaultClassifier;
}

/** Provenance of the lexicon sentiment default; its measured accuracy is in docs/models.md. */
export const LEXICON_PROVENANCE: Provenance = {
  task: 'sentiment',
  dataset: 'none (hand-written zh + en lexicon in src/nlp/lexicon.ts, negation- and intensifier-aware)',
  licence: "Nudge's own (Apache-2.0)",
  trainedAt: '2026-12-01',
  parameters: { neutralBand: 0.3, negationWindow: 3, negationShift: -0.7, contrastWeight: 1.5 },
  metrics: {},
  notes: 'Neutral is the band |score| < 0.3; no corpus with neutral labels was available.',
};

/** Training options per task (`nudge nlp train`, scripts/train-default-models.ts): NB-SVM for sentiment, plain SVMs otherwise. */
export const TRAINING_PRESETS: Readonly<Record<DefaultTask, ClassifierOptions>> = { sentiment: SENTIMENT_OPTIONS, intent: {}, spam: {} };

export const DEFAULT_MODEL_FILES: Record<'intent' | 'spam', string> = { intent: 'intent.json.gz', spam: 'spam.json.gz' };

const cache = new Map<string, DefaultModels[DefaultTask]>();

function loadClassifier(task: 'intent' | 'spam', dir: string): DefaultClassifier {
  const file = path.join(dir, DEFAULT_MODEL_FILES[task]);
  if (!fs.existsSync(file)) throw new Error(`default ${task} model not found at ${file}; build it with \`npx tsx scripts/train-default-models.ts\``);
  const { model, provenance } = expandClassifier(JSON.parse(zlib.gunzipSync(fs.readFileSync(file)).toString('utf8')));
  if (!provenance) throw new Error(`default ${task} model at ${file} has no provenance`);
  const scratch = new Float64Array(model.labels.length);
  return { task, model, provenance, classify: (text) => predict(model, text, scratch) };
}

const lexicon: SentimentAnalyzer = { task: 'sentiment', source: 'lexicon', provenance: LEXICON_PROVENANCE, analyse: (text, options) => lexiconSentiment(text, options) };

/** The shipped model for a task, loaded on first use and cached (by task and directory). */
export function loadDefaultModel<T extends DefaultTask>(task: T, options: { dir?: string } = {}): DefaultModels[T] {
  if (task !== 'sentiment' && task !== 'intent' && task !== 'spam') throw new RangeError(`loadDefaultModel: unknown task "${String(task)}" (sentiment, intent or spam)`);
  const dir = options.dir ?? DEFAULT_MODEL_DIR;
  const key = `${task}\0${dir}`;
  let m = cache.get(key);
  if (!m) {
    m = task === 'sentiment' ? lexicon : loadClassifier(task === 'intent' ? 'intent' : 'spam', dir);
    cache.set(key, m);
  }
  // Safe: the cache entry for `task` was built by the branch for that same task.
  return m as DefaultModels[T];
}
