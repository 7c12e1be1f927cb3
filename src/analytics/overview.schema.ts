import { z } from 'zod';

export const OverviewQuery = z.object({ days: z.coerce.number().int().min(1).max(400).default(30) });

export const OverviewDay = z.object({
  /** UTC day, YYYY-MM-DD. */
  date: z.string(),
  events: z.number().int(),
  activeCustomers: z.number().int(),
  orders: z.number().int(),
  revenue: z.number(),
});
export type OverviewDay = z.infer<typeof OverviewDay>;

export const Overview = z.object({
  totals: z.object({
    profiles: z.number().int(),
    events: z.number().int(),
    orders: z.number().int(),
    revenue: z.number(),
    products: z.number().int(),
  }),
  /** One entry per day of the window, oldest first, zero-filled. */
  series: z.array(OverviewDay),
  /** Most frequent event names in the window. */
  topEvents: z.array(z.object({ name: z.string(), count: z.number().int() })),
  currency: z.string(),
});
export type Overview = z.infer<typeof Overview>;
