import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UserError } from '../platform/errors.js';
import { asksForHuman, canTransition, CONVERSATION_STATES, decideTurn, transition, type ConversationState, type DialogueEvent, type TurnInput } from './dialogue.js';
import { INTENTS, type Intent } from './intents.data.js';
import { trainIntentClassifier } from './intents.js';

const intents = trainIntentClassifier();
const flat = (intent: Intent, p: number): TurnInput['intent'] => {
  const probabilities = Object.fromEntries(INTENTS.map((i) => [i, i === intent ? p : (1 - p) / (INTENTS.length - 1)])) as Record<Intent, number>; // every intent gets a value
  return { intent, probability: p, margin: p - (1 - p) / (INTENTS.length - 1), probabilities };
};
const turn = (over: Partial<TurnInput>): TurnInput => ({ text: 'x', intent: flat('out_of_scope', 0.3), articles: [], sentiment: null, failedAnswers: 0, ...over });

describe('conversation state machine', () => {
  test('bot → pending_human → human → resolved, and an agent may step in at any open state', () => {
    assert.equal(transition('bot', 'hand_off'), 'pending_human');
    assert.equal(transition('pending_human', 'take_over'), 'human');
    assert.equal(transition('human', 'agent_reply'), 'human');
    assert.equal(transition('human', 'resolve'), 'resolved');
    assert.equal(transition('bot', 'agent_reply'), 'human');
    assert.equal(transition('pending_human', 'agent_reply'), 'human');
    assert.equal(transition('bot', 'bot_answer'), 'bot');
    assert.equal(transition('bot', 'resolve'), 'resolved');
  });

  test('a resolved conversation accepts nothing; the bot never answers once a person is involved', () => {
    const events: DialogueEvent[] = ['hand_off', 'take_over', 'agent_reply', 'resolve', 'bot_answer'];
    for (const e of events) assert.equal(canTransition('resolved', e), false, e);
    assert.equal(canTransition('pending_human', 'bot_answer'), false);
    assert.equal(canTransition('human', 'bot_answer'), false);
    assert.throws(() => transition('resolved', 'agent_reply'), (err: unknown) => err instanceof UserError && err.code === 'ASSISTANT_INVALID_TRANSITION' && err.status === 409);
    // Every state is covered by the table.
    for (const s of CONVERSATION_STATES satisfies readonly ConversationState[]) assert.doesNotThrow(() => canTransition(s, 'resolve'));
  });
});

describe('hand-off rules', () => {
  test('asking for a person in Chinese or English hands off, whatever the classifier says', () => {
    for (const text of ['转人工', '人工客服', '我要人工客服，谢谢', 'talk to a human', 'Can I speak to a real person?', 'agent', 'Agent please', 'I want a live agent']) {
      assert.equal(asksForHuman(text), true, text);
      assert.deepEqual(decideTurn(turn({ text, intent: flat('greeting', 0.9) })), { kind: 'hand_off', reason: 'requested' }, text);
    }
    for (const text of ['人工智能是什么', 'my travel agent booked it', 'where is my order']) assert.equal(asksForHuman(text), false, text);
  });

  test('strongly negative sentiment hands off; mild negativity does not', () => {
    assert.deepEqual(decideTurn(turn({ sentiment: -0.95 })), { kind: 'hand_off', reason: 'negative_sentiment' });
    assert.notEqual(decideTurn(turn({ sentiment: -0.5 })).kind, 'hand_off');
  });

  test('the second unanswered question hands off', () => {
    assert.deepEqual(decideTurn(turn({ failedAnswers: 0 })), { kind: 'no_answer', failedAnswers: 1 });
    assert.deepEqual(decideTurn(turn({ failedAnswers: 1 })), { kind: 'hand_off', reason: 'failed_answers' });
  });

  test('answers only with a confident lead; close candidates become "did you mean…?"', () => {
    const a = { id: 'a', intent: 'shipping', score: 40, coverage: 1 };
    const b = { id: 'b', intent: 'shipping', score: 38, coverage: 1 };
    const c = { id: 'c', intent: null, score: 5, coverage: 0.5 };
    const sure = decideTurn(turn({ intent: flat('shipping', 0.9), articles: [a, c] }));
    assert.equal(sure.kind === 'answer' && sure.articleId, 'a');
    assert.ok(sure.kind === 'answer' && sure.confidence > 0.9);
    const close = decideTurn(turn({ intent: flat('shipping', 0.9), articles: [a, b, c] }));
    assert.equal(close.kind, 'clarify');
    assert.deepEqual(close.kind === 'clarify' ? close.articleIds.slice(0, 2) : [], ['a', 'b']);
    // A weak match is not an answer.
    const weak = decideTurn(turn({ articles: [{ id: 'w', intent: null, score: 2, coverage: 0.2 }] }));
    assert.equal(weak.kind, 'no_answer');
  });

  test('the trained classifier recognises the built-in intents in both languages', () => {
    const cases: [string, Intent][] = [
      ['我的订单到哪了？', 'order_status'],
      ['where is my package', 'order_status'],
      ['我想退货', 'refund_return'],
      ['I want a refund', 'refund_return'],
      ['包邮吗', 'shipping'],
      ['do you ship to Singapore', 'shipping'],
      ['有优惠券吗', 'price_discount'],
      ['有蓝色的吗', 'product_question'],
      ['服务太差了，我要投诉', 'complaint'],
      ['你好', 'greeting'],
      ['thank you so much', 'thanks'],
      ['今天天气怎么样', 'out_of_scope'],
    ];
    for (const [text, intent] of cases) assert.equal(intents.classify(text).intent, intent, text);
    // An order question goes to the order lookup, a greeting to small talk, a complaint to a person.
    assert.equal(decideTurn(turn({ text: 'where is my order', intent: intents.classify('where is my order') })).kind, 'order_status');
    assert.equal(decideTurn(turn({ text: '你好', intent: intents.classify('你好') })).kind, 'small_talk');
    assert.deepEqual(decideTurn(turn({ text: 'this is the worst service, I want to make a complaint', intent: intents.classify('this is the worst service, I want to make a complaint') })), { kind: 'hand_off', reason: 'complaint' });
  });
});
