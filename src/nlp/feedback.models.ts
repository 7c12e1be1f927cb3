import { loadDefaultModel } from './defaults.js';
import { classifierModels, type EnrichModels, type NlpModelProvider } from './enrich.js';
import type { WorkspaceModels } from './workspace-models.js';

/**
 * The shipped models (defaults.ts) as enrichment models: lexicon sentiment, the intent and the
 * spam classifiers. Each classifier is loaded the first time a text needs it (the intent model
 * takes about half a second to expand), not at start-up; one whose file is missing is reported
 * once and left out.
 */
/** How sure the shipped (SMS-trained) spam model must be before a review or chat message counts as spam. */
const SHIPPED_SPAM_MIN_PROBABILITY = 0.99;

export function defaultModelProvider(onError: (err: unknown) => void = () => {}, own?: WorkspaceModels): NlpModelProvider {
  const lazy = <T>(load: () => T): (() => T | null) => {
    let state: { value: T | null } | undefined;
    return () => {
      if (state) return state.value;
      try {
        state = { value: load() };
      } catch (err) {
        onError(err);
        state = { value: null };
      }
      return state.value;
    };
  };
  const intent = lazy(() => loadDefaultModel('intent'));
  const spam = lazy(() => loadDefaultModel('spam'));
  const sentiment = loadDefaultModel('sentiment');
  const models: EnrichModels = {
    sentiment: (text) => sentiment.analyse(text),
    intent: (text) => {
      const p = intent()?.classify(text);
      // Without a model, no intent: a confidence of 0 is below any threshold.
      return p ? { label: p.label, confidence: p.probability } : { label: '', confidence: 0 };
    },
    // The shipped spam model learnt SMS spam; on shop reviews it also flags short complaints
    // ("Customer service was slow to reply!" at 0.96), which would then drop out of the traits.
    // Only near-certain spam counts; a workspace's own spam model (below) uses its calibrated label.
    spam: (text) => {
      const p = spam()?.classify(text);
      return p !== undefined && p.label === 'spam' && p.probability >= SHIPPED_SPAM_MIN_PROBABILITY;
    },
  };
  return {
    async models(workspaceId) {
      if (!own || workspaceId === undefined) return models;
      // A workspace's own classifier replaces the shipped one for its task (nudge nlp train --workspace).
      const sentimentModel = own.get(workspaceId, 'sentiment');
      const intentModel = own.get(workspaceId, 'intent');
      const spamModel = own.get(workspaceId, 'spam');
      if (!sentimentModel && !intentModel && !spamModel) return models;
      const mine = classifierModels({ ...(sentimentModel ? { sentiment: sentimentModel } : {}), ...(intentModel ? { intent: intentModel } : {}), ...(spamModel ? { spam: spamModel } : {}) });
      return { sentiment: mine.sentiment ?? models.sentiment, intent: mine.intent ?? models.intent, spam: mine.spam ?? models.spam };
    },
  };
}

/** A provider of fixed models (tests). */
export const fixedModels = (models: EnrichModels): NlpModelProvider => ({ models: async () => models });
