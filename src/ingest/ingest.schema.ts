import { z } from 'zod';

/**
 * The Segment spec event shapes (https://segment.com/docs/connections/spec/common/).
 * One schema per contract: the HTTP routes, the CSV importer and the demo generator all use these.
 */

const JsonObject = z.record(z.string(), z.unknown());

/** A timestamp as Segment clients send it: ISO-8601 string (or epoch ms, as some libraries do). */
export const SegmentTimestamp = z.union([
  z.iso.datetime({ offset: true, local: true }),
  z.iso.date(),
  z.number().int().nonnegative(),
]);

const Common = z.object({
  messageId: z.string().min(1).max(200).optional(),
  userId: z.union([z.string().max(255), z.number()]).nullish().transform((v) => (v == null || v === '' ? undefined : String(v))),
  anonymousId: z.union([z.string().max(255), z.number()]).nullish().transform((v) => (v == null || v === '' ? undefined : String(v))),
  timestamp: SegmentTimestamp.nullish(),
  originalTimestamp: SegmentTimestamp.nullish(),
  sentAt: SegmentTimestamp.nullish(),
  receivedAt: SegmentTimestamp.nullish(),
  context: JsonObject.nullish(),
  integrations: JsonObject.nullish(),
  channel: z.string().nullish(),
  version: z.union([z.string(), z.number()]).nullish(),
  _metadata: z.unknown().optional(),
  writeKey: z.string().optional(),
});

export const IdentifyEvent = Common.extend({ type: z.literal('identify'), traits: JsonObject.nullish() });
export const TrackEvent = Common.extend({
  type: z.literal('track'),
  event: z.string().min(1).max(200),
  properties: JsonObject.nullish(),
});
export const PageEvent = Common.extend({
  type: z.literal('page'),
  name: z.string().max(200).nullish(),
  category: z.string().max(200).nullish(),
  properties: JsonObject.nullish(),
});
export const ScreenEvent = Common.extend({
  type: z.literal('screen'),
  name: z.string().max(200).nullish(),
  category: z.string().max(200).nullish(),
  properties: JsonObject.nullish(),
});
export const GroupEvent = Common.extend({
  type: z.literal('group'),
  groupId: z.union([z.string().min(1).max(255), z.number()]).transform(String),
  traits: JsonObject.nullish(),
});
export const AliasEvent = Common.extend({
  type: z.literal('alias'),
  previousId: z.union([z.string().min(1).max(255), z.number()]).transform(String),
});

export const SegmentEvent = z.discriminatedUnion('type', [
  IdentifyEvent,
  TrackEvent,
  PageEvent,
  ScreenEvent,
  GroupEvent,
  AliasEvent,
]);
export type SegmentEvent = z.infer<typeof SegmentEvent>;
/** What a client sends (before defaults and coercions). */
export type SegmentEventInput = z.input<typeof SegmentEvent>;
export type EventType = SegmentEvent['type'];
export const EVENT_TYPES = ['identify', 'track', 'page', 'screen', 'group', 'alias'] as const satisfies readonly EventType[];

export const BatchRequest = z.object({
  batch: z.array(z.unknown()).min(1).max(10_000),
  sentAt: SegmentTimestamp.nullish(),
  context: JsonObject.nullish(),
  integrations: JsonObject.nullish(),
  writeKey: z.string().optional(),
});
export type BatchRequest = z.infer<typeof BatchRequest>;

/** Segment's limits: https://segment.com/docs/connections/sources/catalog/libraries/server/http-api/#max-request-size */
export const MAX_EVENT_BYTES = 32 * 1024;
export const MAX_BATCH_BYTES = 500 * 1024;
