import { readJson } from '../db/dialect.js';
import { toIso, toIsoOrNull } from '../platform/ids.js';
import { sandboxProviderId } from './channels/channel.js';
import { BlockReason } from './consent.schema.js';
import type { MessageEventRow, MessageRow } from './message.repository.js';
import { MessageStatus, SourceKind, type DeliveryResult, type MessageEventView, type MessageView, type SettledMessage } from './message.schema.js';
import { Channel } from './template.schema.js';

/** A stored row as the API shows it (values read back are checked, STYLE §7). */
export function toMessageView(r: MessageRow): MessageView {
  return {
    id: r.id,
    idempotencyKey: r.idempotency_key,
    profileId: r.profile_id,
    channel: Channel.parse(r.channel),
    kind: r.kind === 'transactional' ? 'transactional' : 'marketing',
    templateId: r.template_id,
    templateVersion: r.template_version,
    source: { kind: SourceKind.parse(r.source_kind), id: r.source_id, nodeId: r.source_node_id, entryId: r.source_entry_id },
    to: r.to_address,
    locale: r.locale,
    status: MessageStatus.parse(r.status),
    reason: r.reason,
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    nextAttemptAt: r.status === 'queued' ? toIsoOrNull(r.next_attempt_at) : null,
    lastError: r.last_error,
    providerMessageId: r.provider_message_id,
    providerResponse: r.provider_response === null ? null : readJson<unknown>(r.provider_response, null),
    sandbox: r.provider_message_id === sandboxProviderId(r.id),
    subject: r.subject,
    preview: r.preview,
    createdAt: toIso(r.created_at),
    updatedAt: toIso(r.updated_at),
    sentAt: toIsoOrNull(r.sent_at),
  };
}

export function toEventView(r: MessageEventRow): MessageEventView {
  return { id: r.id, kind: r.kind, data: readJson<Record<string, unknown>>(r.data, {}), at: toIso(r.at) };
}

/** The outcome a row stands for, as `send` returns it. */
export function outcomeOf(r: MessageRow, duplicate: boolean): DeliveryResult {
  const messageId = r.id;
  switch (MessageStatus.parse(r.status)) {
    case 'sent':
      return { status: 'sent', messageId, providerMessageId: r.provider_message_id, duplicate };
    case 'suppressed':
      return { status: 'suppressed', messageId, reason: BlockReason.catch('suppressed').parse(r.reason), duplicate };
    case 'skipped':
      return { status: 'skipped', messageId, reason: BlockReason.catch('unsubscribed').parse(r.reason), duplicate };
    case 'queued':
      return { status: 'queued', messageId, nextAttemptAt: r.next_attempt_at ?? r.updated_at, error: r.last_error, duplicate };
    case 'sending':
      return { status: 'sending', messageId, duplicate };
    case 'failed':
      return { status: 'failed', messageId, error: r.last_error, duplicate };
    case 'unknown':
      return { status: 'unknown', messageId, error: r.last_error, duplicate };
  }
}

/** The settled form of a row in a final state; null while it is still on its way (queued, sending). */
export function settledOf(r: MessageRow): SettledMessage | null {
  const status = MessageStatus.parse(r.status);
  if (status === 'queued' || status === 'sending') return null;
  return {
    workspaceId: r.workspace_id,
    messageId: r.id,
    idempotencyKey: r.idempotency_key,
    profileId: r.profile_id,
    status,
    reason: r.reason,
    error: r.last_error,
    source: { kind: SourceKind.parse(r.source_kind), id: r.source_id, nodeId: r.source_node_id, entryId: r.source_entry_id },
  };
}
