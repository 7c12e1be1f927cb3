import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { DialectHelpers } from '../db/dialect.js';
import type { EventStore } from '../events/event.store.js';
import type { Clock } from '../platform/clock.js';
import { dailyRevenue, orderTotals } from '../profiles/order.repository.js';
import type { Overview } from './overview.schema.js';

const DAY = 86_400_000;

export interface OverviewService {
  /** Totals and a zero-filled daily series for the last `days` days (UTC, today included). */
  overview(workspaceId: string, days: number): Promise<Overview>;
}

export function createOverviewService(deps: {
  db: Kysely<Database>;
  dialect: DialectHelpers;
  eventStore: EventStore;
  clock: Clock;
  counts: { profiles(ws: string): Promise<number>; products(ws: string): Promise<number>; currency(ws: string): Promise<string> };
}): OverviewService {
  const { db, dialect, eventStore, clock, counts } = deps;
  return {
    async overview(workspaceId, days) {
      const today = Math.floor(clock.now() / DAY) * DAY;
      const from = today - (days - 1) * DAY;
      const to = today + DAY;
      const [activity, revenue, top, events, orders, profiles, products, currency] = await Promise.all([
        eventStore.dailyActivity(db, workspaceId, from, to),
        dailyRevenue(db, dialect, workspaceId, from, to),
        eventStore.topNames(db, workspaceId, from, to, 8),
        eventStore.count(db, workspaceId),
        orderTotals(db, workspaceId),
        counts.profiles(workspaceId),
        counts.products(workspaceId),
        counts.currency(workspaceId),
      ]);
      const byDay = new Map(activity.map((a) => [a.date, a]));
      const revByDay = new Map(revenue.map((r) => [r.date, r]));
      const series = [];
      for (let t = from; t < to; t += DAY) {
        const date = new Date(t).toISOString().slice(0, 10);
        const a = byDay.get(date);
        const r = revByDay.get(date);
        series.push({ date, events: a?.events ?? 0, activeCustomers: a?.activeCustomers ?? 0, orders: r?.orders ?? 0, revenue: Math.round((r?.revenue ?? 0) * 100) / 100 });
      }
      return {
        totals: { profiles, events, orders: orders.orders, revenue: Math.round(orders.revenue * 100) / 100, products },
        series,
        topEvents: top,
        currency,
      };
    },
  };
}
