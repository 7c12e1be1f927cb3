import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { UserError } from '../platform/errors.js';
import { say } from '../platform/language.js';
import type { MessageEventRecorder } from './message-events.js';
import { findMessage } from './message.repository.js';
import type { Tracking } from './tracking.js';

export interface TrackingService {
  /** Verify a click token, record the click, and give the URL to redirect to. Refuses (400) a link Nudge did not sign. */
  click(token: string, meta: { userAgent?: string | undefined }): Promise<string>;
  /** Verify an open token and record the open. Refuses (400) a token Nudge did not sign. */
  open(token: string, meta: { userAgent?: string | undefined }): Promise<void>;
}

export function createTrackingService(deps: { db: Kysely<Database>; tracking: Tracking; events: MessageEventRecorder; onError: (err: unknown) => void }): TrackingService {
  const { db, tracking, events } = deps;
  const invalid = () => new UserError('TRACKING_INVALID_LINK', say('This link is not valid', '此链接无效'), { status: 400, field: 'token' });
  const agent = (ua: string | undefined) => (ua ? { userAgent: ua.slice(0, 300) } : {});

  return {
    async click(token, meta) {
      const ref = tracking.verifyClick(token);
      if (!ref) throw invalid();
      // The redirect must not wait on (or fail with) the bookkeeping: the customer clicked a link.
      try {
        const message = await findMessage(db, ref.workspaceId, ref.messageId);
        if (message) await events.record(message, 'click', { url: ref.url, ...agent(meta.userAgent) });
      } catch (err) {
        deps.onError(err);
      }
      return ref.url;
    },

    async open(token, meta) {
      const ref = tracking.verifyOpen(token);
      if (!ref) throw invalid();
      try {
        const message = await findMessage(db, ref.workspaceId, ref.messageId);
        if (message) await events.record(message, 'open', agent(meta.userAgent));
      } catch (err) {
        deps.onError(err);
      }
    },
  };
}
