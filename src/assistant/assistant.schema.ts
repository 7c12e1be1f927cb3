import { z } from 'zod';
import { CONVERSATION_STATES } from './dialogue.js';

export const ConversationState = z.enum(CONVERSATION_STATES);
export const MessageAuthor = z.enum(['customer', 'bot', 'agent', 'system']);
export type MessageAuthor = z.infer<typeof MessageAuthor>;

/** Longest customer or agent message, in characters. */
export const MAX_MESSAGE_CHARS = 10_000;

export const ArticleRef = z.object({ id: z.string(), title: z.string() });
export type ArticleRef = z.infer<typeof ArticleRef>;

export const ChatMessage = z.object({
  seq: z.number().int(),
  author: MessageAuthor,
  text: z.string(),
  /** Bot messages: what it decided (answer, clarify, order_status, hand_off, …). */
  kind: z.string().nullable(),
  /** Articles the message answers from or offers ("did you mean…?"). */
  articles: z.array(ArticleRef),
  createdAt: z.iso.datetime(),
});
export type ChatMessage = z.infer<typeof ChatMessage>;

export const Conversation = z.object({
  id: z.string(),
  visitorId: z.string(),
  userId: z.string().nullable(),
  /** The user id came with a valid identity hash; unverified ids are only the visitor's claim. */
  verified: z.boolean(),
  state: ConversationState,
  handoffReason: z.string().nullable(),
  failedAnswers: z.number().int(),
  language: z.enum(['zh', 'en']),
  agent: z.string().nullable(),
  lastText: z.string().nullable(),
  messageCount: z.number().int(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Conversation = z.infer<typeof Conversation>;

export const ConversationList = z.object({ items: z.array(Conversation), counts: z.record(ConversationState, z.number().int()) });
export type ConversationList = z.infer<typeof ConversationList>;

export const ConversationDetail = z.object({ conversation: Conversation, messages: z.array(ChatMessage) });
export type ConversationDetail = z.infer<typeof ConversationDetail>;

export const ConversationListQuery = z.object({
  state: ConversationState.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** Text typed by a customer or an agent: at most 10,000 characters after control characters are removed. */
export const MessageText = z.string();

export const AgentReply = z.object({ text: MessageText });

export const RecentOrder = z.object({
  orderId: z.string(),
  total: z.number().nullable(),
  currency: z.string().nullable(),
  items: z.number().int(),
  status: z.string(),
  placedAt: z.iso.datetime(),
});
export type RecentOrder = z.infer<typeof RecentOrder>;

export const ConversationContext = z.object({
  profile: z
    .object({ id: z.string(), userId: z.string().nullable(), name: z.string().nullable(), email: z.string().nullable(), traits: z.record(z.string(), z.unknown()), orders: z.number().int(), revenue: z.number(), firstSeenAt: z.iso.datetime() })
    .nullable(),
  orders: z.array(RecentOrder),
  recommendations: z.array(z.object({ productId: z.string(), name: z.string(), names: z.record(z.string(), z.string()), price: z.number().nullable(), currency: z.string().nullable(), reason: z.object({ en: z.string(), zh: z.string() }).nullable() })),
});
export type ConversationContext = z.infer<typeof ConversationContext>;

/** Try the bot without a conversation (dashboard "test the assistant"). */
export const AskRequest = z.object({ text: MessageText, language: z.enum(['zh', 'en']).optional() });
export const AskResponse = z.object({
  decision: z.string(),
  intent: z.string(),
  intentProbability: z.number(),
  reply: z.string(),
  articles: z.array(ArticleRef.extend({ confidence: z.number(), score: z.number() })),
});
export type AskResponse = z.infer<typeof AskResponse>;

export const AssistantSettingsView = z.object({
  llm: z.object({ baseUrl: z.string(), model: z.string(), apiKey: z.string().nullable() }).nullable(),
  updatedAt: z.iso.datetime().nullable(),
});
export type AssistantSettingsView = z.infer<typeof AssistantSettingsView>;

export const AssistantSettingsInput = z.object({
  llm: z
    .object({
      baseUrl: z.url({ protocol: /^https?$/ }).max(500),
      model: z.string().trim().min(1).max(200),
      /** Left out or "********": keep the stored key. */
      apiKey: z.string().max(500).optional(),
    })
    .nullable(),
});
export type AssistantSettingsInput = z.infer<typeof AssistantSettingsInput>;
