import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { IngestService } from '../ingest/ingest.service.js';
import { detectLanguage } from '../nlp/language.js';
import type { Clock } from '../platform/clock.js';
import { UserError } from '../platform/errors.js';
import type { ProfileService } from '../profiles/profile.service.js';
import type { StoredEvent } from '../profiles/profile.schema.js';
import type { AssistantSettingsService } from './assistant.settings.js';
import { assistantDb, type ConversationRow } from './assistant.tables.js';
import type { ArticleRef, AskResponse, ChatMessage, Conversation, ConversationContext, ConversationDetail, ConversationList, RecentOrder } from './assistant.schema.js';
import { conversationRepository, toConversation, type NewMessage } from './conversation.repository.js';
import { decideTurn, DEFAULT_THRESHOLDS, transition, articleConfidence, type BotDecision, type ConversationState, type DialogueThresholds } from './dialogue.js';
import type { IntentClassifier } from './intents.js';
import type { Article } from './kb.schema.js';
import type { KnowledgeBase } from './kb.service.js';
import { groundedAnswer, type LlmSettings } from './llm.js';
import { handoffReply, orderStatusReply, REPLIES, type Lang } from './replies.js';
import { verifyUserHash } from './identity.js';
import { cleanMessage } from './text.js';

/** Sentiment score of a text in [−1, 1] (P(positive) − P(negative)). */
export type SentimentScorer = (text: string) => number;

/** Recommendations for the inbox side panel (the recommend service, adapted in the composition root). */
export type InboxRecommender = (workspaceId: string, customer: string, n: number) => Promise<ConversationContext['recommendations']>;

export interface AssistantDeps {
  db: Kysely<Database>;
  clock: Clock;
  kb: KnowledgeBase;
  intents: IntentClassifier;
  profiles: ProfileService;
  ingest: IngestService;
  settings: AssistantSettingsService;
  /** The workspace's widget identity secret (identity.ts); user ids are verified against it. */
  identitySecret: (workspaceId: string) => string;
  /** Resolved once, on first use; null (or a failure) means no sentiment-based hand-off. */
  sentiment?: () => Promise<SentimentScorer | null>;
  recommend?: InboxRecommender;
  thresholds?: DialogueThresholds;
  /** For the LLM path (tests pass a fake server's fetch or rely on loopback). */
  llmFetch?: typeof fetch;
  onError?: (err: unknown) => void;
}

export interface CustomerMessageInput {
  visitorId: string;
  text: string;
  userId?: string | null | undefined;
  /** HMAC-SHA256 of userId under the identity secret, from the shop's server (identity.ts). */
  userHash?: string | null | undefined;
  /** Trusted callers (the demo seed) may vouch for the user id themselves. */
  trusted?: boolean;
  /** The browser's language, used when the text itself does not tell (emoji, numbers). */
  language?: Lang | undefined;
}

export interface AssistantService {
  /** A customer message from the widget: stored, answered by the bot while it holds the conversation. */
  customerMessage(workspaceId: string, input: CustomerMessageInput): Promise<ConversationDetail>;
  /** The visitor's latest conversation and its messages after `afterSeq` (widget polling). */
  visitorConversation(workspaceId: string, visitorId: string, afterSeq: number): Promise<{ conversation: Conversation | null; messages: ChatMessage[] }>;
  /** The widget's identify: the anonymous id is merged into the user's profile. */
  identify(workspaceId: string, visitorId: string, userId: string, traits: Record<string, unknown>, userHash?: string | null): Promise<{ verified: boolean }>;
  list(workspaceId: string, query: { state?: ConversationState | undefined; limit: number }): Promise<ConversationList>;
  get(workspaceId: string, id: string): Promise<ConversationDetail>;
  takeOver(workspaceId: string, id: string, actor: string): Promise<ConversationDetail>;
  reply(workspaceId: string, id: string, text: string, actor: string): Promise<ConversationDetail>;
  resolve(workspaceId: string, id: string, actor: string): Promise<ConversationDetail>;
  context(workspaceId: string, id: string): Promise<ConversationContext>;
  /** What the bot would answer, without a conversation. */
  ask(workspaceId: string, text: string, language?: Lang): Promise<AskResponse>;
}

const SHIPPING_EVENTS: Record<string, string> = { 'Order Shipped': 'shipped', 'Order Delivered': 'delivered', 'Order Cancelled': 'cancelled', 'Order Refunded': 'refunded' };
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);

/** Recent orders from a profile's events: each 'Order Completed' with the latest shipping event of the same order. */
export function ordersFromEvents(events: readonly StoredEvent[], limit = 5): (RecentOrder & { carrier: string | null; tracking: string | null })[] {
  const updates = new Map<string, { status: string; at: string; carrier: string | null; tracking: string | null }>();
  for (const e of events) {
    const status = e.type === 'track' && e.name ? SHIPPING_EVENTS[e.name] : undefined;
    const id = str(e.properties.order_id);
    if (!status || !id) continue;
    const prev = updates.get(id);
    if (!prev || prev.at < e.timestamp) updates.set(id, { status, at: e.timestamp, carrier: str(e.properties.carrier) ?? str(e.properties.shipping_method), tracking: str(e.properties.tracking_number) });
  }
  return events
    .filter((e) => e.type === 'track' && e.name === 'Order Completed')
    .sort((a, b) => (a.timestamp < b.timestamp ? 1 : -1))
    .slice(0, limit)
    .map((e) => {
      const orderId = str(e.properties.order_id) ?? e.messageId;
      const u = updates.get(orderId);
      const products = Array.isArray(e.properties.products) ? e.properties.products.length : 0;
      return { orderId, total: num(e.properties.total) ?? num(e.properties.revenue), currency: str(e.properties.currency), items: products, status: u?.status ?? 'placed', placedAt: e.timestamp, carrier: u?.carrier ?? null, tracking: u?.tracking ?? null };
    });
}

function languageOf(text: string, fallback: Lang | undefined): Lang {
  const d = detectLanguage(text).language;
  if (d === 'zh' || d === 'mixed') return 'zh';
  if (d === 'en') return 'en';
  return fallback ?? 'en';
}

export function createAssistantService(deps: AssistantDeps): AssistantService {
  const db = assistantDb(deps.db);
  const repo = conversationRepository(db);
  const thresholds = deps.thresholds ?? DEFAULT_THRESHOLDS;
  const onError = deps.onError ?? ((err: unknown) => console.error('[assistant]', err));
  let scorer: Promise<SentimentScorer | null> | undefined;
  const sentiment = (): Promise<SentimentScorer | null> => {
    scorer ??= (deps.sentiment?.() ?? Promise.resolve(null)).catch((err: unknown) => {
      onError(err);
      return null;
    });
    return scorer;
  };

  /** Conversation messages become events on the customer's profile (not awaited by the chat). */
  const track = (ws: string, c: ConversationRow, messages: readonly ChatMessage[]) => {
    const events = messages
      .filter((m) => m.author !== 'system')
      .map((m) => ({
        type: 'track',
        messageId: `chat:${c.id}:${m.seq}`,
        event: m.author === 'customer' ? 'Chat Message Sent' : 'Chat Message Received',
        anonymousId: c.visitor_id,
        ...(c.user_id ? { userId: c.user_id } : {}),
        properties: { conversation_id: c.id, author: m.author, text: m.text.slice(0, 2000), kind: m.kind, language: c.language, channel: 'widget' },
        timestamp: m.createdAt,
      }));
    if (events.length > 0) deps.ingest.ingest(ws, events, { pathPrefix: 'batch' }).catch(onError);
  };

  const detail = async (ws: string, id: string): Promise<ConversationDetail> => {
    const c = await repo.find(ws, id);
    return { conversation: toConversation(c), messages: await repo.messages(ws, id) };
  };

  const refs = (articles: readonly Article[]): ArticleRef[] => articles.map((a) => ({ id: a.id, title: a.title }));

  async function retrieve(ws: string, text: string) {
    const index = await deps.kb.index(ws);
    const hits = index.search(text, 6);
    const articles = await deps.kb.many(ws, hits.map((h) => h.id));
    const byId = new Map(articles.map((a) => [a.id, a]));
    return hits.flatMap((h) => {
      const a = byId.get(h.id);
      return a ? [{ id: h.id, intent: a.intent, score: h.score, coverage: h.coverage, article: a }] : [];
    });
  }

  async function orderStatus(ws: string, key: string | null, lang: Lang): Promise<string> {
    if (!key) return REPLIES.noOrders[lang];
    let events: StoredEvent[];
    try {
      events = (await deps.profiles.events(ws, key, { limit: 500 })).items;
    } catch (err) {
      if (err instanceof UserError && err.status === 404) return REPLIES.noOrders[lang];
      throw err;
    }
    const latest = ordersFromEvents(events, 1)[0];
    return latest ? orderStatusReply(latest, lang, latest) : REPLIES.noOrders[lang];
  }

  /** The bot's reply to one message: the decision and the messages that carry it. */
  async function botTurn(ws: string, text: string, ctx: { lang: Lang; failedAnswers: number; customerKey: string | null; llm: LlmSettings | null }): Promise<{ decision: BotDecision; reply: NewMessage; intent: ReturnType<IntentClassifier['classify']>; retrieved: Awaited<ReturnType<typeof retrieve>> }> {
    const intent = deps.intents.classify(text);
    const retrieved = await retrieve(ws, text);
    const score = await sentiment();
    let s: number | null = null;
    if (score) {
      try {
        s = score(text);
      } catch (err) {
        onError(err);
      }
    }
    const decision = decideTurn({ text, intent, articles: retrieved, sentiment: s, failedAnswers: ctx.failedAnswers }, thresholds);
    const { lang } = ctx;
    const meta = { kind: decision.kind, intent: intent.intent, intentProbability: intent.probability };
    let reply: NewMessage;
    switch (decision.kind) {
      case 'hand_off':
        reply = { author: 'bot', text: handoffReply(decision.reason, lang), meta: { ...meta, reason: decision.reason } };
        break;
      case 'small_talk':
        reply = { author: 'bot', text: REPLIES[decision.intent][lang], meta };
        break;
      case 'order_status':
        reply = { author: 'bot', text: await orderStatus(ws, ctx.customerKey, lang), meta };
        break;
      case 'answer': {
        const top = retrieved.find((r) => r.id === decision.articleId)!;
        const grounded = ctx.llm ? await groundedAnswer(ctx.llm, { question: text, language: lang, articles: retrieved.slice(0, 3).map((r) => r.article) }, deps.llmFetch ? { fetch: deps.llmFetch } : {}) : null;
        if (grounded) {
          const cited = grounded.citations.map((i) => retrieved[i]?.article).filter((a): a is Article => a !== undefined);
          reply = { author: 'bot', text: grounded.text, meta: { ...meta, llm: true, confidence: decision.confidence, articles: refs(cited.length > 0 ? cited : [top.article]) } };
        } else {
          reply = { author: 'bot', text: top.article.body, meta: { ...meta, confidence: decision.confidence, articles: refs([top.article]) } };
        }
        break;
      }
      case 'clarify': {
        const offered = decision.articleIds.map((id) => retrieved.find((r) => r.id === id)?.article).filter((a): a is Article => a !== undefined);
        const grounded = ctx.llm ? await groundedAnswer(ctx.llm, { question: text, language: lang, articles: offered }, deps.llmFetch ? { fetch: deps.llmFetch } : {}) : null;
        if (grounded) {
          const cited = grounded.citations.map((i) => offered[i]).filter((a): a is Article => a !== undefined);
          reply = { author: 'bot', text: grounded.text, meta: { ...meta, kind: 'answer', llm: true, articles: refs(cited.length > 0 ? cited : offered.slice(0, 1)) } };
        } else {
          reply = { author: 'bot', text: `${REPLIES.clarify[lang]}\n${offered.map((a, i) => `${i + 1}. ${a.title}`).join('\n')}`, meta: { ...meta, articles: refs(offered) } };
        }
        break;
      }
      case 'no_answer':
        reply = { author: 'bot', text: REPLIES.noAnswer[lang], meta };
        break;
    }
    return { decision, reply, intent, retrieved };
  }

  return {
    async customerMessage(ws, input) {
      const text = cleanMessage(input.text);
      const now = deps.clock.now();
      const lang = languageOf(text, input.language);
      const verified = !!input.userId && (input.trusted === true || verifyUserHash(deps.identitySecret(ws), input.userId, input.userHash));
      let c = await repo.latestOfVisitor(ws, input.visitorId);
      if (!c || c.state === 'resolved') c = await repo.create(ws, { visitorId: input.visitorId, userId: input.userId ?? null, verified, language: lang, now });
      else if (input.userId && (c.user_id !== input.userId || Number(c.verified) !== (verified ? 1 : 0))) await repo.update(ws, c.id, { user_id: input.userId, verified: verified ? 1 : 0 });
      // Private answers (orders) only for a proven identity: the write key is public, so a bare user id is only a claim.
      const trustedKey = input.userId ? (verified ? input.userId : null) : Number(c.verified) === 1 ? c.user_id : null;
      const added = await repo.append(ws, c.id, [{ author: 'customer', text }], now);
      const state = c.state as ConversationState; // rows hold only ConversationState values (toConversation checks)
      if (state === 'bot') {
        const llm = await deps.settings.llm(ws).catch((err: unknown) => {
          onError(err);
          return null;
        });
        // The customer's message is stored; if answering fails (a bug, a database hiccup), hand off rather than go silent.
        const turn = await botTurn(ws, text, { lang, failedAnswers: Number(c.failed_answers), customerKey: trustedKey, llm }).catch((err: unknown) => {
          onError(err);
          return { decision: { kind: 'hand_off', reason: 'failed_answers' } as const, reply: { author: 'bot' as const, text: REPLIES.waiting[lang], meta: { kind: 'hand_off', reason: 'error' } } };
        });
        const d = turn.decision;
        const failed = d.kind === 'no_answer' ? d.failedAnswers : d.kind === 'clarify' ? Number(c.failed_answers) : 0;
        const next = d.kind === 'hand_off' ? transition(state, 'hand_off') : transition(state, 'bot_answer');
        await repo.update(ws, c.id, { state: next, failed_answers: failed, language: lang, ...(d.kind === 'hand_off' ? { handoff_reason: d.reason } : {}) });
        added.push(...(await repo.append(ws, c.id, [turn.reply], deps.clock.now())));
      }
      const fresh = await repo.find(ws, c.id);
      track(ws, fresh, added);
      return { conversation: toConversation(fresh), messages: added };
    },

    async visitorConversation(ws, visitorId, afterSeq) {
      const c = await repo.latestOfVisitor(ws, visitorId);
      if (!c) return { conversation: null, messages: [] };
      return { conversation: toConversation(c), messages: await repo.messages(ws, c.id, afterSeq) };
    },

    async identify(ws, visitorId, userId, traits, hash) {
      const verified = verifyUserHash(deps.identitySecret(ws), userId, hash);
      await deps.ingest.ingest(ws, [{ type: 'identify', anonymousId: visitorId, userId, traits, context: { channel: 'widget', identityVerified: verified } }], { pathPrefix: '' });
      await repo.setVisitorUser(ws, visitorId, userId, verified);
      return { verified };
    },

    async list(ws, query) {
      const [rows, counts] = await Promise.all([repo.list(ws, query), repo.counts(ws)]);
      return { items: rows.map(toConversation), counts };
    },

    get: detail,

    async takeOver(ws, id, actor) {
      const c = await repo.find(ws, id);
      const next = transition(c.state as ConversationState, 'take_over'); // a ConversationState as stored
      const now = deps.clock.now();
      await repo.update(ws, id, { state: next, agent: actor, updated_at: now });
      return detail(ws, id);
    },

    async reply(ws, id, raw, actor) {
      const text = cleanMessage(raw);
      const c = await repo.find(ws, id);
      const next = transition(c.state as ConversationState, 'agent_reply'); // a ConversationState as stored
      const now = deps.clock.now();
      await repo.update(ws, id, { state: next, agent: c.agent ?? actor });
      const added = await repo.append(ws, id, [{ author: 'agent', text, meta: { agent: actor } }], now);
      track(ws, { ...c, state: next }, added);
      return detail(ws, id);
    },

    async resolve(ws, id, actor) {
      const c = await repo.find(ws, id);
      const lang: Lang = c.language === 'zh' ? 'zh' : 'en';
      const next = transition(c.state as ConversationState, 'resolve'); // a ConversationState as stored
      await repo.update(ws, id, { state: next, agent: c.agent ?? actor });
      await repo.append(ws, id, [{ author: 'system', text: REPLIES.resolved[lang], meta: { kind: 'resolved', agent: actor } }], deps.clock.now());
      return detail(ws, id);
    },

    async context(ws, id) {
      const c = await repo.find(ws, id);
      const key = c.user_id ?? c.visitor_id;
      let profile: ConversationContext['profile'] = null;
      let orders: RecentOrder[] = [];
      try {
        const p = await deps.profiles.get(ws, key, 10);
        profile = { id: p.id, userId: p.userId, name: p.name, email: p.email, traits: p.traits, orders: p.stats.orders, revenue: p.stats.revenue, firstSeenAt: p.firstSeenAt };
        orders = ordersFromEvents((await deps.profiles.events(ws, p.id, { limit: 500 })).items, 5).map(({ carrier: _c, tracking: _t, ...o }) => o);
      } catch (err) {
        if (!(err instanceof UserError && err.status === 404)) throw err;
      }
      let recommendations: ConversationContext['recommendations'] = [];
      if (deps.recommend) {
        try {
          recommendations = await deps.recommend(ws, profile?.id ?? key, 5);
        } catch (err) {
          onError(err);
        }
      }
      return { profile, orders, recommendations };
    },

    async ask(ws, raw, language) {
      const text = cleanMessage(raw);
      const lang = language ?? languageOf(text, undefined);
      const llm = await deps.settings.llm(ws);
      const turn = await botTurn(ws, text, { lang, failedAnswers: 0, customerKey: null, llm });
      return {
        decision: turn.decision.kind,
        intent: turn.intent.intent,
        intentProbability: turn.intent.probability,
        reply: turn.reply.text,
        articles: turn.retrieved.map((r) => ({ id: r.id, title: r.article.title, score: r.score, confidence: articleConfidence(r, turn.intent, turn.retrieved[0]?.score ?? 0) })),
      };
    },
  };
}
