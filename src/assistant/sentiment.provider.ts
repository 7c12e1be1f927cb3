import { loadDefaultModel } from '../nlp/defaults.js';
import type { SentimentScorer } from './assistant.service.js';

/**
 * The default sentiment model of src/nlp (`loadDefaultModel('sentiment')`) as a scorer, or null
 * when it cannot be loaded: the assistant then hands off on its other rules only.
 */
export async function defaultSentimentScorer(): Promise<SentimentScorer | null> {
  try {
    const analyzer = loadDefaultModel('sentiment');
    return (text) => analyzer.analyse(text).score;
  } catch {
    return null;
  }
}
