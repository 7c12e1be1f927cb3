import { z } from 'zod';
import { Channel } from './template.schema.js';

/** Consent: subscription groups, per-profile subscriptions, suppressions and frequency caps (STYLE §6). */

export const SubscriptionGroupType = z.enum(['opt_in', 'opt_out']);
export type SubscriptionGroupType = z.infer<typeof SubscriptionGroupType>;

export const SubscriptionGroupInput = z.object({
  name: z.string().trim().min(1).max(200),
  /** Shown on the Chinese preference page; the name is used when absent. */
  nameZh: z.string().trim().max(200).nullable().optional(),
  description: z.string().max(2000).default(''),
  channel: Channel,
  /** opt_in: only those who subscribed receive; opt_out: everyone until they unsubscribe. */
  type: SubscriptionGroupType,
});
export type SubscriptionGroupInput = z.infer<typeof SubscriptionGroupInput>;

export const SubscriptionGroupUpdate = SubscriptionGroupInput.pick({ name: true, nameZh: true, description: true }).partial();
export type SubscriptionGroupUpdate = z.infer<typeof SubscriptionGroupUpdate>;

export const SubscriptionGroup = z.object({
  id: z.string(),
  name: z.string(),
  nameZh: z.string().nullable(),
  description: z.string(),
  channel: Channel,
  type: SubscriptionGroupType,
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type SubscriptionGroup = z.infer<typeof SubscriptionGroup>;

export const SubscriptionStatus = z.enum(['subscribed', 'unsubscribed']);
export type SubscriptionStatus = z.infer<typeof SubscriptionStatus>;

/** A profile's standing in every group: the stored choice (null: none made) and what it means. */
export const ProfileSubscriptions = z.object({
  profileId: z.string(),
  groups: z.array(z.object({ group: SubscriptionGroup, choice: SubscriptionStatus.nullable(), subscribed: z.boolean() })),
  /** Channels on which the profile opted out of all marketing. */
  optedOut: z.array(Channel),
});
export type ProfileSubscriptions = z.infer<typeof ProfileSubscriptions>;

export const AddressChannel = z.enum(['email', 'sms']);
export type AddressChannel = z.infer<typeof AddressChannel>;

export const SuppressionReason = z.enum(['hard_bounce', 'complaint', 'unsubscribe', 'manual']);
export type SuppressionReason = z.infer<typeof SuppressionReason>;

export const SuppressionInput = z.object({
  channel: AddressChannel,
  address: z.string().trim().min(3).max(320),
  reason: SuppressionReason.default('manual'),
  note: z.string().max(1000).optional(),
});
export type SuppressionInput = z.infer<typeof SuppressionInput>;

export const Suppression = z.object({
  channel: AddressChannel,
  address: z.string(),
  reason: SuppressionReason,
  note: z.string().nullable(),
  messageId: z.string().nullable(),
  createdAt: z.iso.datetime(),
});
export type Suppression = z.infer<typeof Suppression>;

export const SuppressionQuery = z.object({
  channel: AddressChannel.optional(),
  q: z.string().max(320).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});
export type SuppressionQuery = z.infer<typeof SuppressionQuery>;

export const SuppressionList = z.object({ items: z.array(Suppression), total: z.number().int() });
export type SuppressionList = z.infer<typeof SuppressionList>;

/** At most `maxMessages` marketing messages per customer on a channel in any `windowDays` days. */
export const FrequencyCap = z.object({
  channel: Channel,
  maxMessages: z.number().int().min(1).max(1000),
  windowDays: z.number().int().min(1).max(365),
});
export type FrequencyCap = z.infer<typeof FrequencyCap>;

export const MessageKind = z.enum(['marketing', 'transactional']);
export type MessageKind = z.infer<typeof MessageKind>;

/** Why a message may not go out. `suppressed` stops every kind; the others only marketing. */
export const BlockReason = z.enum(['suppressed', 'no_address', 'unknown_subscription_group', 'unsubscribed', 'not_subscribed', 'opted_out', 'frequency_cap']);
export type BlockReason = z.infer<typeof BlockReason>;

export interface SendCheck {
  workspaceId: string;
  /** Null for a test send to a bare address. */
  profileId: string | null;
  channel: Channel;
  kind: MessageKind;
  subscriptionGroupId: string | null;
  /** The recipient address when the caller already knows it (else read from the profile). */
  address?: string | null;
  /** The message being checked, not counted against its own frequency cap. */
  messageId?: string;
}

export type SendDecision = { ok: true } | { ok: false; reason: BlockReason };
