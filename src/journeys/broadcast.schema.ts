import { z } from 'zod';
import { TimeOfDay } from './journey.schema.js';

/** Broadcasts: one template (or an A/B test of several) sent once to a segment's members (STYLE §6). */

export const BroadcastStatus = z.enum(['draft', 'scheduled', 'sending', 'sent', 'cancelled']);
export type BroadcastStatus = z.infer<typeof BroadcastStatus>;

/** Local times in each customer's zone during which nothing is sent; sends due then wait until `end`. */
export const BroadcastQuietHours = z
  .object({ start: TimeOfDay, end: TimeOfDay })
  .refine((q) => q.start !== q.end, { message: 'quiet hours must start and end at different times', path: ['end'], params: { zh: '免打扰时段的开始和结束时间不能相同' } });
export type BroadcastQuietHours = z.infer<typeof BroadcastQuietHours>;

export const BroadcastVariant = z.object({ key: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/), templateId: z.string().min(1).max(100) });
export type BroadcastVariant = z.infer<typeof BroadcastVariant>;

export const AbTest = z
  .object({
    variants: z.array(BroadcastVariant).min(2).max(5),
    /** Share of the segment that receives a variant; the rest receive the winner after the window. */
    testPercent: z.number().int().min(1).max(50),
    winnerMetric: z.enum(['open', 'click']),
    testWindowMinutes: z.number().int().min(1).max(7 * 24 * 60),
  })
  .refine((t) => new Set(t.variants.map((v) => v.key)).size === t.variants.length, { message: 'variant keys must differ', path: ['variants'], params: { zh: '各变体的 key 不能重复' } });
export type AbTest = z.infer<typeof AbTest>;

export const BroadcastCreate = z.object({
  name: z.string().trim().min(1).max(200),
  segmentId: z.string().min(1).max(100),
  /** The template sent (with an A/B test: used by no one unless it is also a variant). */
  templateId: z.string().min(1).max(100),
  /** Send then; absent: send when asked. */
  scheduledAt: z.iso.datetime().optional(),
  throttlePerMinute: z.number().int().min(1).max(100_000).optional(),
  quietHours: BroadcastQuietHours.optional(),
  abTest: AbTest.optional(),
});
export type BroadcastCreate = z.infer<typeof BroadcastCreate>;

export const BroadcastCounts = z.object({
  recipients: z.number().int(),
  pending: z.number().int(),
  /** Waiting for the A/B winner. */
  held: z.number().int(),
  sent: z.number().int(),
  failed: z.number().int(),
  suppressed: z.number().int(),
  /** Messaging is retrying them. */
  retrying: z.number().int(),
});
export type BroadcastCounts = z.infer<typeof BroadcastCounts>;

export const BroadcastView = z.object({
  id: z.string(),
  name: z.string(),
  segmentId: z.string(),
  templateId: z.string(),
  status: BroadcastStatus,
  scheduledAt: z.iso.datetime().nullable(),
  throttlePerMinute: z.number().int().nullable(),
  quietHours: BroadcastQuietHours.nullable(),
  abTest: AbTest.nullable(),
  winner: z.string().nullable(),
  startedAt: z.iso.datetime().nullable(),
  finishedAt: z.iso.datetime().nullable(),
  counts: BroadcastCounts,
  /** The suppressed recipients by why the consent check held them back (`frequency_cap`, `unsubscribed`, …), most first. */
  heldBack: z.array(z.object({ reason: z.string(), count: z.number().int() })),
  createdAt: z.iso.datetime(),
});
export type BroadcastView = z.infer<typeof BroadcastView>;

export const BroadcastList = z.object({ items: z.array(BroadcastView) });
