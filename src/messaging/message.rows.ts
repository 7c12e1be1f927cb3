import type { MessageSource } from './message.schema.js';
import type { StoredRequest } from './message.payload.js';
import type { MessageRow } from './message.repository.js';
import type { TemplateRow } from './template.repository.js';

/** A row as written: JSON columns as text. Insertable, and readable wherever a stored row is (its JSON read back as text, as SQLite does). */
export type FreshMessageRow = Omit<MessageRow, 'request' | 'payload' | 'provider_response'> & { request: string; payload: string | null; provider_response: string | null };

/** A new outbox row, `queued` and due now, not yet rendered (complete, so a batch can render it before inserting). */
export function newMessageRow(m: {
  workspaceId: string;
  id: string;
  idempotencyKey: string;
  profileId: string | null;
  template: Pick<TemplateRow, 'id' | 'channel' | 'kind' | 'version' | 'subscription_group_id'>;
  source: MessageSource;
  toAddress: string | null;
  maxAttempts: number;
  request: StoredRequest;
  now: number;
}): FreshMessageRow {
  return {
    workspace_id: m.workspaceId,
    id: m.id,
    idempotency_key: m.idempotencyKey,
    profile_id: m.profileId,
    channel: m.template.channel,
    kind: m.template.kind,
    template_id: m.template.id,
    template_version: m.template.version,
    subscription_group_id: m.template.subscription_group_id,
    source_kind: m.source.kind,
    source_id: m.source.id,
    source_node_id: m.source.nodeId ?? null,
    source_entry_id: m.source.entryId ?? null,
    to_address: m.toAddress,
    locale: null,
    status: 'queued',
    reason: null,
    attempts: 0,
    max_attempts: m.maxAttempts,
    next_attempt_at: m.now,
    lease_until: null,
    last_error: null,
    provider_message_id: null,
    provider_response: null,
    subject: null,
    preview: null,
    request: JSON.stringify(m.request),
    payload: null,
    created_at: m.now,
    updated_at: m.now,
    sent_at: null,
    committed_at: null,
  };
}
