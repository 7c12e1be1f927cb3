import { z } from 'zod';

/** Kinds of identifier that resolve to one profile. */
export const IdentityKind = z.enum(['user_id', 'anonymous_id', 'email', 'phone']);
export type IdentityKind = z.infer<typeof IdentityKind>;

export const Identity = z.object({ kind: IdentityKind, value: z.string(), firstSeenAt: z.iso.datetime() });
export type Identity = z.infer<typeof Identity>;

/** One stored event as the API returns it. */
export const StoredEvent = z.object({
  id: z.string(),
  messageId: z.string(),
  type: z.enum(['identify', 'track', 'page', 'screen', 'group', 'alias']),
  /** Track: the event name; page/screen: the page name; others: null. */
  name: z.string().nullable(),
  userId: z.string().nullable(),
  anonymousId: z.string().nullable(),
  properties: z.record(z.string(), z.unknown()),
  context: z.record(z.string(), z.unknown()),
  timestamp: z.iso.datetime(),
  receivedAt: z.iso.datetime(),
});
export type StoredEvent = z.infer<typeof StoredEvent>;

export const ProfileSummary = z.object({
  id: z.string(),
  userId: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  /** Display name from traits (name, or first + last name), else null. */
  name: z.string().nullable(),
  traits: z.record(z.string(), z.unknown()),
  firstSeenAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime(),
  eventCount: z.number().int(),
});
export type ProfileSummary = z.infer<typeof ProfileSummary>;

export const ProfileMerge = z.object({ fromProfileId: z.string(), reason: z.string(), mergedAt: z.iso.datetime() });

export const ProfileDetail = ProfileSummary.extend({
  identities: z.array(Identity),
  merges: z.array(ProfileMerge),
  stats: z.object({ orders: z.number().int(), revenue: z.number(), lastOrderAt: z.iso.datetime().nullable() }),
  events: z.array(StoredEvent),
  /** What Nudge computed about the profile (RFM scores and group, …), by computed-trait key; dates as ISO strings. */
  computedTraits: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
});
export type ProfileDetail = z.infer<typeof ProfileDetail>;

/** Query for the profile list: search text, trait filters, paging. */
export const ProfileListQuery = z.object({
  q: z.string().max(200).optional(),
  /** Trait filter `key:value` (exact match on the trait's text), repeatable as comma-separated list. */
  trait: z.string().max(500).optional(),
  sort: z.enum(['lastSeen', 'firstSeen']).default('lastSeen'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export type ProfileListQuery = z.infer<typeof ProfileListQuery>;

export const ProfileList = z.object({ items: z.array(ProfileSummary), total: z.number().int() });
export type ProfileList = z.infer<typeof ProfileList>;

export const EventListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  /** Return events strictly older than this ISO time (for paging the timeline). */
  before: z.iso.datetime().optional(),
});
export const EventList = z.object({ items: z.array(StoredEvent), nextBefore: z.iso.datetime().nullable() });
export type EventList = z.infer<typeof EventList>;
