import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { Clock } from '../platform/clock.js';
import { notFound, UserError } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import { say } from '../platform/language.js';
import type { ProfileService } from '../profiles/profile.service.js';
import { findMessage, insertMessage, updateFenced } from './message.repository.js';
import { newMessageRow } from './message.rows.js';
import type { DeliveryResult, MessageView } from './message.schema.js';
import { toMessageView } from './message.view.js';
import type { TestSendRequest } from './template.api.schema.js';
import { findTemplate } from './template.repository.js';

/** Sends a person starts by hand: a template's test send, and the retry of a dead-lettered message. */
export function createManualSends(deps: {
  db: Kysely<Database>;
  clock: Clock;
  profiles: ProfileService;
  /** Attempts a retried message gets on top of those it used. */
  maxAttempts: number;
  attempt: (workspaceId: string, messageId: string) => Promise<DeliveryResult>;
}): {
  sendTest(workspaceId: string, templateId: string, request: TestSendRequest): Promise<MessageView>;
  retry(workspaceId: string, messageId: string): Promise<MessageView>;
} {
  const { db, clock } = deps;

  async function view(workspaceId: string, id: string): Promise<MessageView> {
    const row = await findMessage(db, workspaceId, id);
    if (!row) throw notFound(say('Message', '消息'), 'id');
    return toMessageView(row);
  }

  return {
    async sendTest(workspaceId, templateId, request) {
      const template = await findTemplate(db, workspaceId, templateId);
      if (!template) throw notFound(say('Template', '模板'), 'id');
      if (template.channel !== 'webhook' && !request.to) throw new UserError('TEST_SEND_NO_RECIPIENT', say('Give the address to send the test to', '请填写测试消息的收件地址'), { field: 'to' });
      const renderProfileId = request.profileId ? (await deps.profiles.get(workspaceId, request.profileId, 0)).id : null;
      const now = clock.now();
      const id = newId('msg', now);
      await insertMessage(
        db,
        newMessageRow({
          workspaceId,
          id,
          // A fresh key: every click on "send test" is a new message.
          idempotencyKey: `test:${id}`,
          profileId: null,
          template: { ...template, subscription_group_id: null },
          source: { kind: 'test', id: template.id },
          toAddress: request.to ?? null,
          // One try: the person testing wants to see the provider's answer now, not in an hour.
          maxAttempts: 1,
          request: { event: request.event ?? null, journey: null, renderProfileId },
          now,
        }),
      );
      await deps.attempt(workspaceId, id);
      return view(workspaceId, id);
    },

    async retry(workspaceId, messageId) {
      const r = await findMessage(db, workspaceId, messageId);
      if (!r) throw notFound(say('Message', '消息'), 'id');
      if (r.status !== 'failed' && r.status !== 'unknown') throw new UserError('MESSAGE_NOT_RETRYABLE', say(`Only failed or unknown messages can be retried; this one is ${r.status}`, `只有发送失败或状态未知的消息可以重试，这条消息当前为 ${r.status}`), { status: 409, field: 'id' });
      const now = clock.now();
      // Same row, same idempotency key, same rendered payload: only the attempt budget is renewed.
      const moved = await updateFenced(db, workspaceId, messageId, { status: r.status, attempts: r.attempts }, { status: 'queued', reason: null, max_attempts: r.attempts + deps.maxAttempts, next_attempt_at: now, lease_until: null, updated_at: now });
      if (!moved) throw new UserError('MESSAGE_NOT_RETRYABLE', say('The message changed meanwhile; reload it', '消息状态刚刚有变化，请刷新后查看'), { status: 409, field: 'id' });
      await deps.attempt(workspaceId, messageId);
      return view(workspaceId, messageId);
    },
  };
}
