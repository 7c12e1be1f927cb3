import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { notFound } from '../platform/errors.js';
import { say } from '../platform/language.js';
import type { ProfileService } from '../profiles/profile.service.js';
import { findMessage, listMessages, messageEvents } from './message.repository.js';
import type { MessageDetail, MessageList, MessageQuery } from './message.schema.js';
import { toEventView, toMessageView } from './message.view.js';

/** Reading the delivery log: messages with filters, one message with its events, the dead-letter list. */
export interface MessageService {
  list(workspaceId: string, query: MessageQuery): Promise<MessageList>;
  get(workspaceId: string, id: string): Promise<MessageDetail>;
  /** Messages that need a person: failed (permanently or out of attempts) or interrupted mid-send (`unknown`). */
  deadLetter(workspaceId: string, query: Pick<MessageQuery, 'limit' | 'offset' | 'channel'>): Promise<MessageList>;
  /** Which of these messages have at least one event of this kind (an A/B test's opens or clicks). */
  withEvent(workspaceId: string, messageIds: readonly string[], kind: 'open' | 'click'): Promise<Set<string>>;
}

export function createMessageService(deps: { db: Kysely<Database>; profiles: ProfileService }): MessageService {
  const { db } = deps;
  return {
    async withEvent(workspaceId, messageIds, kind) {
      const out = new Set<string>();
      for (let i = 0; i < messageIds.length; i += 1000) {
        const rows = await db
          .selectFrom('message_events')
          .select('message_id')
          .distinct()
          .where('workspace_id', '=', workspaceId)
          .where('kind', '=', kind)
          .where('message_id', 'in', messageIds.slice(i, i + 1000))
          .execute();
        for (const r of rows) out.add(r.message_id);
      }
      return out;
    },
    async list(workspaceId, q) {
      // A customer may be named by profile id, userId or email, as elsewhere in the API.
      const profileId = q.profileId ? (await deps.profiles.get(workspaceId, q.profileId, 0)).id : undefined;
      const { rows, total } = await listMessages(db, workspaceId, { ...q, profileId });
      return { items: rows.map(toMessageView), total };
    },

    async get(workspaceId, id) {
      const row = await findMessage(db, workspaceId, id);
      if (!row) throw notFound(say('Message', '消息'), 'id');
      return { ...toMessageView(row), events: (await messageEvents(db, workspaceId, id)).map(toEventView) };
    },

    async deadLetter(workspaceId, q) {
      const { rows, total } = await listMessages(db, workspaceId, { statuses: ['failed', 'unknown'], channel: q.channel, limit: q.limit, offset: q.offset });
      return { items: rows.map(toMessageView), total };
    },
  };
}
