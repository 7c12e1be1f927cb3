import { loadDefaultModel } from './defaults.js';
import type { EnrichModels, NlpModelProvider } from './enrich.js';

/**
 * The shipped models (defaults.ts) as enrichment models: lexicon sentiment, the intent and the
 * spam classifiers, loaded on the first job rather than at start-up (the intent model takes a
 * moment to expand). A classifier whose file is missing is reported once and left out.
 */
export function defaultModelProvider(onError: (err: unknown) => void = () => {}): NlpModelProvider {
  let loaded: EnrichModels | undefined;
  const tryLoad = <T>(load: () => T): T | null => {
    try {
      return load();
    } catch (err) {
      onError(err);
      return null;
    }
  };
  return {
    async models() {
      if (loaded) return loaded;
      const sentiment = loadDefaultModel('sentiment');
      const intent = tryLoad(() => loadDefaultModel('intent'));
      const spam = tryLoad(() => loadDefaultModel('spam'));
      loaded = {
        sentiment: (text) => sentiment.analyse(text),
        intent: intent
          ? (text) => {
              const p = intent.classify(text);
              return { label: p.label, confidence: p.probability };
            }
          : null,
        spam: spam ? (text) => spam.classify(text).label === 'spam' : null,
      };
      return loaded;
    },
  };
}

/** A provider of fixed models (tests). */
export const fixedModels = (models: EnrichModels): NlpModelProvider => ({ models: async () => models });
