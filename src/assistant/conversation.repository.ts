import { readJson } from '../db/dialect.js';
import { notFound } from '../platform/errors.js';
import { newId, toIso } from '../platform/ids.js';
import { say } from '../platform/language.js';
import type { AssistantDb, ConversationMessageRow, ConversationRow } from './assistant.tables.js';
import type { ArticleRef, ChatMessage, Conversation, MessageAuthor } from './assistant.schema.js';
import type { ConversationState } from './dialogue.js';

export interface MessageMeta {
  kind?: string;
  articles?: ArticleRef[];
  [key: string]: unknown;
}

export interface NewMessage {
  author: MessageAuthor;
  text: string;
  meta?: MessageMeta;
}

const STATES: readonly string[] = ['bot', 'pending_human', 'human', 'resolved'];

export function toConversation(r: ConversationRow): Conversation {
  return {
    id: r.id,
    visitorId: r.visitor_id,
    userId: r.user_id,
    verified: Number(r.verified) === 1,
    state: (STATES.includes(r.state) ? r.state : 'bot') as ConversationState, // checked against the list just above
    handoffReason: r.handoff_reason,
    failedAnswers: Number(r.failed_answers),
    language: r.language === 'zh' ? 'zh' : 'en',
    agent: r.agent,
    lastText: r.last_text,
    messageCount: Number(r.message_count),
    createdAt: toIso(Number(r.created_at)),
    updatedAt: toIso(Number(r.updated_at)),
  };
}

export function toMessage(r: ConversationMessageRow): ChatMessage {
  const meta = readJson<MessageMeta>(r.meta, {});
  return {
    seq: Number(r.seq),
    author: r.author as MessageAuthor, // written only from MessageAuthor values
    text: r.text,
    kind: typeof meta.kind === 'string' ? meta.kind : null,
    articles: Array.isArray(meta.articles) ? meta.articles : [],
    createdAt: toIso(Number(r.created_at)),
  };
}

/** Conversations and their messages; every query is scoped by workspace. */
export function conversationRepository(db: AssistantDb) {
  return {
    async find(ws: string, id: string): Promise<ConversationRow> {
      const r = await db.selectFrom('assistant_conversations').selectAll().where('workspace_id', '=', ws).where('id', '=', id).executeTakeFirst();
      if (!r) throw notFound(say('Conversation', '对话'), 'id');
      return r;
    },
    /** The visitor's latest conversation, whatever its state. */
    async latestOfVisitor(ws: string, visitorId: string): Promise<ConversationRow | undefined> {
      return db.selectFrom('assistant_conversations').selectAll().where('workspace_id', '=', ws).where('visitor_id', '=', visitorId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
    },
    async create(ws: string, v: { visitorId: string; userId: string | null; verified: boolean; language: string; now: number; state?: ConversationState }): Promise<ConversationRow> {
      const row: ConversationRow = {
        workspace_id: ws,
        id: newId('cnv', v.now),
        visitor_id: v.visitorId,
        user_id: v.userId,
        verified: v.verified ? 1 : 0,
        state: v.state ?? 'bot',
        handoff_reason: null,
        failed_answers: 0,
        language: v.language,
        agent: null,
        last_text: null,
        message_count: 0,
        created_at: v.now,
        updated_at: v.now,
      };
      await db.insertInto('assistant_conversations').values(row).execute();
      return row;
    },
    async update(ws: string, id: string, set: Partial<Omit<ConversationRow, 'workspace_id' | 'id'>>): Promise<void> {
      await db.updateTable('assistant_conversations').set(set).where('workspace_id', '=', ws).where('id', '=', id).execute();
    },
    /**
     * Append messages. The counter is bumped first in one UPDATE … RETURNING, which locks the row on
     * PostgreSQL (SQLite serialises writers), so concurrent appends get distinct sequence numbers.
     */
    async append(ws: string, id: string, messages: readonly NewMessage[], now: number): Promise<ChatMessage[]> {
      if (messages.length === 0) return [];
      return db.transaction().execute(async (trx) => {
        const bumped = await trx
          .updateTable('assistant_conversations')
          .set((eb) => ({ message_count: eb('message_count', '+', messages.length), updated_at: now, last_text: messages[messages.length - 1]!.text.slice(0, 300) }))
          .where('workspace_id', '=', ws)
          .where('id', '=', id)
          .returning('message_count')
          .executeTakeFirstOrThrow();
        const first = Number(bumped.message_count) - messages.length + 1;
        const rows = messages.map((m, i) => ({ workspace_id: ws, conversation_id: id, seq: first + i, author: m.author, text: m.text, meta: JSON.stringify(m.meta ?? {}), created_at: now }));
        await trx.insertInto('assistant_messages').values(rows).execute();
        return rows.map((r) => toMessage(r));
      });
    },
    async messages(ws: string, id: string, afterSeq = 0, limit = 500): Promise<ChatMessage[]> {
      const rows = await db.selectFrom('assistant_messages').selectAll().where('workspace_id', '=', ws).where('conversation_id', '=', id).where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
      return rows.map(toMessage);
    },
    async list(ws: string, q: { state?: ConversationState | undefined; limit: number }): Promise<ConversationRow[]> {
      let query = db.selectFrom('assistant_conversations').selectAll().where('workspace_id', '=', ws);
      if (q.state) query = query.where('state', '=', q.state);
      return query.orderBy('updated_at', 'desc').orderBy('id', 'desc').limit(q.limit).execute();
    },
    async counts(ws: string): Promise<Record<ConversationState, number>> {
      const rows = await db.selectFrom('assistant_conversations').select((eb) => ['state', eb.fn.countAll().as('n')]).where('workspace_id', '=', ws).groupBy('state').execute();
      const out: Record<ConversationState, number> = { bot: 0, pending_human: 0, human: 0, resolved: 0 };
      for (const r of rows) if (r.state in out) out[r.state as ConversationState] = Number(r.n); // narrowed by the `in` check
      return out;
    },
    async setVisitorUser(ws: string, visitorId: string, userId: string, verified: boolean): Promise<void> {
      await db.updateTable('assistant_conversations').set({ user_id: userId, verified: verified ? 1 : 0 }).where('workspace_id', '=', ws).where('visitor_id', '=', visitorId).execute();
    },
  };
}
export type ConversationRepository = ReturnType<typeof conversationRepository>;
