import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { notFound } from '../platform/errors.js';
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
}

export function createMessageService(deps: { db: Kysely<Database>; profiles: ProfileService }): MessageService {
  const { db } = deps;
  return {
    async list(workspaceId, q) {
      // A customer may be named by profile id, userId or email, as elsewhere in the API.
      const profileId = q.profileId ? (await deps.profiles.get(workspaceId, q.profileId, 0)).id : undefined;
      const { rows, total } = await listMessages(db, workspaceId, { ...q, profileId });
      return { items: rows.map(toMessageView), total };
    },

    async get(workspaceId, id) {
      const row = await findMessage(db, workspaceId, id);
      if (!row) throw notFound('Message', 'id');
      return { ...toMessageView(row), events: (await messageEvents(db, workspaceId, id)).map(toEventView) };
    },

    async deadLetter(workspaceId, q) {
      const { rows, total } = await listMessages(db, workspaceId, { statuses: ['failed', 'unknown'], channel: q.channel, limit: q.limit, offset: q.offset });
      return { items: rows.map(toMessageView), total };
    },
  };
}
