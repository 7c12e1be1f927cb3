import { predict, trainClassifier, type TextClassifier } from '../nlp/classifier.js';
import { INTENT_EXAMPLES, INTENTS, type Intent } from './intents.data.js';

export interface IntentPrediction {
  intent: Intent;
  probability: number;
  margin: number;
  /** P(intent) for every built-in intent. */
  probabilities: Record<Intent, number>;
}

export interface IntentClassifier {
  classify(text: string): IntentPrediction;
}

const isIntent = (s: string): s is Intent => (INTENTS as readonly string[]).includes(s);

/**
 * The built-in intent classifier, trained the first time a message needs it: training takes about
 * half a second (jieba included), which every process start and every CLI command would otherwise pay.
 */
export function lazyIntentClassifier(seed = 1): IntentClassifier {
  let trained: IntentClassifier | null = null;
  return { classify: (text) => (trained ??= trainIntentClassifier(seed)).classify(text) };
}

/** Train the built-in intent classifier on intents.data.ts (a few hundred short texts: milliseconds). */
export function trainIntentClassifier(seed = 1): IntentClassifier {
  const texts: string[] = [];
  const labels: string[] = [];
  for (const intent of INTENTS) {
    for (const t of [...INTENT_EXAMPLES[intent].en, ...INTENT_EXAMPLES[intent].zh]) {
      texts.push(t);
      labels.push(intent);
    }
  }
  // minDf 1: the examples are short and hand-picked, so a word seen once still carries signal.
  const model: TextClassifier = trainClassifier(texts, labels, { seed, minDf: 1, holdout: 0.15 });
  return {
    classify(text) {
      const p = predict(model, text);
      const probabilities = Object.fromEntries(INTENTS.map((i) => [i, 0])) as Record<Intent, number>; // filled below for every label
      model.labels.forEach((l, k) => {
        if (isIntent(l)) probabilities[l] = p.probabilities[k] ?? 0;
      });
      return { intent: isIntent(p.label) ? p.label : 'out_of_scope', probability: p.probability, margin: p.margin, probabilities };
    },
  };
}
