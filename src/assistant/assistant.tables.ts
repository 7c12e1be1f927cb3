import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database, Json, Millis } from '../db/database.js';

/** Table types of the assistant (migration 0009_assistant); the module adds them to its own handle. */
export interface KbArticleTable {
  workspace_id: string;
  id: string;
  /** 'zh' | 'en' */
  language: string;
  title: string;
  body: string;
  /** Other ways customers ask the same question (JSON array of strings). */
  questions: Json;
  tags: Json;
  /** The built-in intent the article answers, when it answers one (shipping, refund_return, …). */
  intent: string | null;
  created_at: Millis;
  updated_at: Millis;
}

export interface ConversationTable {
  workspace_id: string;
  id: string;
  /** The widget's anonymous id (localStorage); events use it as anonymousId. */
  visitor_id: string;
  user_id: string | null;
  /** 1 when user_id was proven by an identity hash (identity.ts); only then are the customer's orders used. */
  verified: number;
  /** bot | pending_human | human | resolved (dialogue.ts) */
  state: string;
  handoff_reason: string | null;
  /** Consecutive turns the bot could not answer; two hand the conversation to a person. */
  failed_answers: number;
  language: string;
  /** The agent who took over (`user:<id>`). */
  agent: string | null;
  last_text: string | null;
  message_count: number;
  created_at: Millis;
  updated_at: Millis;
}

export interface ConversationMessageTable {
  workspace_id: string;
  conversation_id: string;
  seq: number;
  /** customer | bot | agent | system */
  author: string;
  text: string;
  meta: Json;
  created_at: Millis;
}

export interface AssistantSettingsTable {
  workspace_id: string;
  settings: Json;
  secret_sealed: string | null;
  updated_at: Millis;
}

// A type alias, not an interface: Kysely's withTables needs an index-compatible record type.
export type AssistantTables = {
  kb_articles: KbArticleTable;
  assistant_conversations: ConversationTable;
  assistant_messages: ConversationMessageTable;
  assistant_settings: AssistantSettingsTable;
};

export type KbArticleRow = Selectable<KbArticleTable>;
export type ConversationRow = Selectable<ConversationTable>;
export type ConversationMessageRow = Selectable<ConversationMessageTable>;

export type AssistantDb = Kysely<Database & AssistantTables>;
export type AssistantTrx = Transaction<Database & AssistantTables>;

/** The shared handle, typed with the assistant's tables too (they are created by migration 0009). */
export const assistantDb = (db: Kysely<Database>): AssistantDb => db.withTables<AssistantTables>();
