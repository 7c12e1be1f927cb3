import { z } from 'zod';
import { BlockReason } from './consent.schema.js';
import { Channel } from './template.schema.js';

/** Messages: the outbox rows as the API shows them, and the delivery request and result (STYLE §6). */

export const MessageStatus = z.enum(['queued', 'sending', 'sent', 'failed', 'suppressed', 'skipped', 'unknown']);
export type MessageStatus = z.infer<typeof MessageStatus>;

export const SourceKind = z.enum(['journey', 'broadcast', 'test']);
export type SourceKind = z.infer<typeof SourceKind>;

export const MessageSource = z.object({
  kind: SourceKind,
  id: z.string().min(1).max(200),
  nodeId: z.string().max(200).optional(),
  entryId: z.string().max(200).optional(),
});
export type MessageSource = z.infer<typeof MessageSource>;

/** What journeys and broadcasts ask for. The idempotency key makes a repeated request harmless. */
export const DeliveryRequest = z.object({
  workspaceId: z.string().min(1),
  profileId: z.string().min(1).max(320),
  templateId: z.string().min(1).max(100),
  /** Unique per intended message (e.g. `journey:<entry>:<node>`): the same key never sends twice. */
  idempotencyKey: z.string().min(1).max(300),
  source: MessageSource,
  /** The event that triggered the message, visible to the template as `event`. */
  event: z.object({ name: z.string(), properties: z.record(z.string(), z.unknown()) }).nullable().optional(),
  /** Journey state, visible to the template as `journey`. */
  journey: z.record(z.string(), z.unknown()).nullable().optional(),
});
export type DeliveryRequest = z.infer<typeof DeliveryRequest>;

/**
 * The outcome of a send. `queued` means a retry is scheduled (through the queue); `sending` that
 * another worker holds the message right now; `unknown` that a provider call was interrupted where
 * re-sending could duplicate it, so a person decides (dead-letter list).
 */
export type DeliveryResult =
  | { status: 'sent'; messageId: string; providerMessageId: string | null; duplicate: boolean }
  | { status: 'suppressed' | 'skipped'; messageId: string; reason: BlockReason; duplicate: boolean }
  | { status: 'queued'; messageId: string; nextAttemptAt: number; error: string | null; duplicate: boolean }
  | { status: 'sending'; messageId: string; duplicate: boolean }
  | { status: 'failed' | 'unknown'; messageId: string; error: string | null; duplicate: boolean };

/** A message that reached a final state, as `DeliveryService.onSettled` reports it. */
export interface SettledMessage {
  workspaceId: string;
  messageId: string;
  idempotencyKey: string;
  profileId: string | null;
  status: 'sent' | 'failed' | 'suppressed' | 'skipped' | 'unknown';
  reason: string | null;
  error: string | null;
  source: { kind: SourceKind; id: string | null; nodeId: string | null; entryId: string | null };
}

export const MessageView = z.object({
  id: z.string(),
  idempotencyKey: z.string(),
  profileId: z.string().nullable(),
  channel: Channel,
  kind: z.enum(['marketing', 'transactional']),
  templateId: z.string().nullable(),
  templateVersion: z.number().int().nullable(),
  source: z.object({ kind: SourceKind, id: z.string().nullable(), nodeId: z.string().nullable(), entryId: z.string().nullable() }),
  to: z.string().nullable(),
  locale: z.string().nullable(),
  status: MessageStatus,
  reason: z.string().nullable(),
  attempts: z.number().int(),
  maxAttempts: z.number().int(),
  nextAttemptAt: z.iso.datetime().nullable(),
  lastError: z.string().nullable(),
  providerMessageId: z.string().nullable(),
  providerResponse: z.unknown().nullable(),
  /** Answered by sandbox delivery (workspace setting): recorded as sent, no provider called. */
  sandbox: z.boolean(),
  subject: z.string().nullable(),
  preview: z.string().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  sentAt: z.iso.datetime().nullable(),
});
export type MessageView = z.infer<typeof MessageView>;

export const MessageEventView = z.object({ id: z.string(), kind: z.string(), data: z.record(z.string(), z.unknown()), at: z.iso.datetime() });
export type MessageEventView = z.infer<typeof MessageEventView>;

export const MessageDetail = MessageView.extend({ events: z.array(MessageEventView) });
export type MessageDetail = z.infer<typeof MessageDetail>;

export const MessageQuery = z.object({
  status: MessageStatus.optional(),
  profileId: z.string().max(320).optional(),
  channel: Channel.optional(),
  templateId: z.string().max(100).optional(),
  sourceKind: SourceKind.optional(),
  sourceId: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export type MessageQuery = z.infer<typeof MessageQuery>;

export const MessageList = z.object({ items: z.array(MessageView), total: z.number().int() });
export type MessageList = z.infer<typeof MessageList>;
