import { z } from 'zod';

/** The eleven RFM groups; ids are stable (stored as the `rfm_group` computed trait, used in segments). */
export const RfmGroupId = z.enum([
  'champions',
  'loyal',
  'potential_loyalist',
  'new',
  'promising',
  'need_attention',
  'about_to_sleep',
  'at_risk',
  'cannot_lose',
  'hibernating',
  'lost',
]);
export type RfmGroupId = z.infer<typeof RfmGroupId>;

const Score = z.number().int().min(1).max(5);

/** One cell of the R×F grid. */
export const RfmCell = z.object({
  /** Recency score 1..5 (5 = bought most recently). */
  r: Score,
  /** Frequency score 1..5 (5 = most orders). */
  f: Score,
  count: z.number().int(),
  revenue: z.number(),
  /** Revenue per customer in the cell (0 when empty). */
  avgMonetary: z.number(),
  group: RfmGroupId,
});
export type RfmCell = z.infer<typeof RfmCell>;

export const RfmGroupSummary = z.object({
  id: RfmGroupId,
  label: z.object({ en: z.string(), zh: z.string() }),
  count: z.number().int(),
  revenue: z.number(),
  /** Share of the scored customers in this group (0..1). */
  share: z.number(),
});
export type RfmGroupSummary = z.infer<typeof RfmGroupSummary>;

/** GET /api/v1/rfm: the grid and the groups, from the RFM traits currently on the profiles. */
export const RfmReport = z.object({
  /** When the scores were last computed; null before the first computation. */
  computedAt: z.iso.datetime().nullable(),
  /** Customers with at least one order (the ones scored). */
  customers: z.number().int(),
  revenue: z.number(),
  /** All 25 cells, r from 5 down to 1, then f from 1 up to 5. */
  cells: z.array(RfmCell),
  /** All 11 groups, best first. */
  groups: z.array(RfmGroupSummary),
});
export type RfmReport = z.infer<typeof RfmReport>;

export const RfmRecomputeResponse = z.object({ jobId: z.string() });
export type RfmRecomputeResponse = z.infer<typeof RfmRecomputeResponse>;

/** Payload of the `rfm.compute` job. */
export const RfmJobPayload = z.object({ workspaceId: z.string().min(1) });
export type RfmJobPayload = z.infer<typeof RfmJobPayload>;

/** Result of an `rfm.compute` job. */
export const RfmComputeResult = z.object({ customers: z.number().int(), changedProfiles: z.number().int(), computedAt: z.iso.datetime() });
export type RfmComputeResult = z.infer<typeof RfmComputeResult>;
