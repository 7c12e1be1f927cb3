/**
 * The dialogue policy, as pure functions: the conversation state machine and the decision of what
 * the bot does with one customer message. The service applies the decisions; tests drive these
 * directly.
 *
 * States: bot (the assistant answers) → pending_human (handed off, waiting for an agent) → human
 * (an agent took over) → resolved. A customer writing to a resolved conversation starts a new one.
 */
import { UserError } from '../platform/errors.js';
import { say } from '../platform/language.js';
import type { Intent } from './intents.data.js';

export const CONVERSATION_STATES = ['bot', 'pending_human', 'human', 'resolved'] as const;
export type ConversationState = (typeof CONVERSATION_STATES)[number];

export type DialogueEvent = 'hand_off' | 'take_over' | 'agent_reply' | 'resolve' | 'bot_answer';

/** Allowed transitions; anything else is refused with ASSISTANT_INVALID_TRANSITION. */
const TRANSITIONS: Record<ConversationState, Partial<Record<DialogueEvent, ConversationState>>> = {
  bot: { hand_off: 'pending_human', take_over: 'human', agent_reply: 'human', resolve: 'resolved', bot_answer: 'bot' },
  pending_human: { take_over: 'human', agent_reply: 'human', resolve: 'resolved', hand_off: 'pending_human' },
  human: { agent_reply: 'human', resolve: 'resolved', take_over: 'human', hand_off: 'human' },
  resolved: {},
};

/** What each event does, in the Chinese of ASSISTANT_INVALID_TRANSITION ("…无法转人工"). */
const EVENT_ZH: Record<DialogueEvent, string> = { hand_off: '转人工', take_over: '由人工客服接管', agent_reply: '由人工客服回复', resolve: '标记为已解决', bot_answer: '由智能客服回复' };

/** The state after `event`, or a UserError when the event is not allowed in `state`. */
export function transition(state: ConversationState, event: DialogueEvent): ConversationState {
  const next = TRANSITIONS[state][event];
  if (!next) throw new UserError('ASSISTANT_INVALID_TRANSITION', say(`A conversation in state "${state}" cannot ${event.replace('_', ' ')}`, `状态为 "${state}" 的对话无法${EVENT_ZH[event]}`), { status: 409, field: 'state' });
  return next;
}

export const canTransition = (state: ConversationState, event: DialogueEvent): boolean => TRANSITIONS[state][event] !== undefined;

export type HandoffReason = 'requested' | 'negative_sentiment' | 'complaint' | 'failed_answers';

/** What the bot should do with one message. */
export type BotDecision =
  | { kind: 'hand_off'; reason: HandoffReason }
  | { kind: 'answer'; articleId: string; confidence: number }
  | { kind: 'order_status' }
  | { kind: 'clarify'; articleIds: string[] }
  | { kind: 'small_talk'; intent: 'greeting' | 'thanks' }
  | { kind: 'no_answer'; failedAnswers: number };

/** The thresholds of the policy; defaults chosen on the tests' bilingual FAQ. */
export interface DialogueThresholds {
  /** Answer only when the top article's confidence reaches this… */
  minConfidence: number;
  /** …and it leads the runner-up by this much (1 − s₂/s₁ on BM25 scores, or intent agreement). */
  minMargin: number;
  /** Below minConfidence but at least this: offer the top articles ("did you mean…?"). */
  clarifyConfidence: number;
  /** An intent is trusted at this calibrated probability and margin (src/nlp/scope.ts). */
  intentProbability: number;
  intentMargin: number;
  /** Sentiment score (P(pos) − P(neg)) at or below this hands off. */
  negativeSentiment: number;
  /** Consecutive unanswered turns that hand off. */
  maxFailedAnswers: number;
}

export const DEFAULT_THRESHOLDS: DialogueThresholds = { minConfidence: 0.6, minMargin: 0.15, clarifyConfidence: 0.35, intentProbability: 0.6, intentMargin: 0.3, negativeSentiment: -0.9, maxFailedAnswers: 2 };

export interface ScoredArticle {
  id: string;
  intent: string | null;
  /** BM25 score. */
  score: number;
  /** Share of the query's words the article matched. */
  coverage: number;
}

export interface TurnInput {
  text: string;
  intent: { intent: Intent; probability: number; margin: number; probabilities: Record<Intent, number> };
  articles: readonly ScoredArticle[];
  /** Sentiment score in [−1, 1], or null without a sentiment model. */
  sentiment: number | null;
  failedAnswers: number;
}

// Explicit requests for a person: matched before any model, so they always work.
const HUMAN_REQUEST = /转人工|人工客服|人工服务|接人工|找人工|真人|客服人员|\b(talk|speak|chat)\s+(to|with)\s+(a\s+|an\s+|some\s*one|a\s+real\s+)?(human|person|agent|someone|representative|people)\b|\b(live|real|human)\s+agent\b|^\s*(agent|human|representative|operator)(\s+please)?\s*[.!?]*\s*$/iu;

/** True when the customer asks for a person in so many words. */
export const asksForHuman = (text: string): boolean => HUMAN_REQUEST.test(text);

/**
 * Confidence in one retrieved article, in [0, 1]: how much of the query it matched, whether its
 * intent is the one the classifier found, and its BM25 score relative to the best hit.
 */
export function articleConfidence(a: ScoredArticle, intent: TurnInput['intent'], topScore: number): number {
  const agreement = a.intent ? (intent.probabilities[a.intent as Intent] ?? 0) : 0; // unknown intents score 0
  const relative = topScore > 0 ? a.score / topScore : 0;
  return Math.min(1, 0.55 * a.coverage + 0.25 * agreement + 0.2 * relative);
}

/** Decide the bot's move for one customer message in state `bot`. */
export function decideTurn(input: TurnInput, t: DialogueThresholds = DEFAULT_THRESHOLDS): BotDecision {
  const { intent } = input;
  const trusted = intent.probability >= t.intentProbability && intent.margin >= t.intentMargin;
  if (asksForHuman(input.text) || (trusted && intent.intent === 'human')) return { kind: 'hand_off', reason: 'requested' };
  if (input.sentiment !== null && input.sentiment <= t.negativeSentiment) return { kind: 'hand_off', reason: 'negative_sentiment' };
  if (trusted && intent.intent === 'complaint') return { kind: 'hand_off', reason: 'complaint' };
  if (trusted && intent.intent === 'order_status') return { kind: 'order_status' };
  if (trusted && (intent.intent === 'greeting' || intent.intent === 'thanks') && input.text.length <= 40) return { kind: 'small_talk', intent: intent.intent };

  const topScore = Math.max(0, ...input.articles.map((a) => a.score));
  const ranked = input.articles.map((a) => ({ a, c: articleConfidence(a, intent, topScore) })).sort((x, y) => y.c - x.c || y.a.score - x.a.score);
  const top = ranked[0];
  const second = ranked[1];
  if (top && !(trusted && intent.intent === 'out_of_scope')) {
    // The lead over the runner-up: by score, or because only the top agrees with a trusted intent.
    const scoreMargin = second ? 1 - second.a.score / Math.max(top.a.score, 1e-9) : 1;
    const confidenceMargin = second ? top.c - second.c : top.c;
    const margin = Math.max(scoreMargin, confidenceMargin);
    if (top.c >= t.minConfidence && margin >= t.minMargin) return { kind: 'answer', articleId: top.a.id, confidence: top.c };
    if (top.c >= t.clarifyConfidence) {
      return { kind: 'clarify', articleIds: ranked.filter((r) => r.c >= t.clarifyConfidence).slice(0, 3).map((r) => r.a.id) };
    }
  }
  const failed = input.failedAnswers + 1;
  if (failed >= t.maxFailedAnswers) return { kind: 'hand_off', reason: 'failed_answers' };
  return { kind: 'no_answer', failedAnswers: failed };
}
