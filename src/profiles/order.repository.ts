import type { DbOrTrx, DialectHelpers } from '../db/dialect.js';

export interface OrderLine {
  productId: string;
  quantity: number;
  price: number;
}

export interface OrderRow {
  orderId: string;
  profileId: string;
  total: number;
  currency: string;
  placedAt: number;
  /** Where it came from: 'event' (Order Completed) or 'import'. */
  source: string;
  lines: OrderLine[];
}

const CHUNK = 300;

/** The order ids among `orderIds` already stored. */
export async function existingOrderIds(db: DbOrTrx, workspaceId: string, orderIds: readonly string[]): Promise<Set<string>> {
  const existing = new Set<string>();
  for (let i = 0; i < orderIds.length; i += CHUNK) {
    const rows = await db
      .selectFrom('orders')
      .select('order_id')
      .where('workspace_id', '=', workspaceId)
      .where('order_id', 'in', orderIds.slice(i, i + CHUNK))
      .execute();
    for (const r of rows) existing.add(r.order_id);
  }
  return existing;
}

/** Insert orders with their lines; an order id already stored is left as it is. Returns the number inserted. */
export async function insertOrders(db: DbOrTrx, workspaceId: string, orders: readonly OrderRow[]): Promise<number> {
  if (orders.length === 0) return 0;
  const existing = await existingOrderIds(db, workspaceId, orders.map((o) => o.orderId));
  const fresh: OrderRow[] = [];
  for (const o of orders) {
    if (existing.has(o.orderId)) continue;
    existing.add(o.orderId);
    fresh.push(o);
  }
  for (let i = 0; i < fresh.length; i += CHUNK) {
    const chunk = fresh.slice(i, i + CHUNK);
    await db
      .insertInto('orders')
      .values(chunk.map((o) => ({ workspace_id: workspaceId, order_id: o.orderId, profile_id: o.profileId, total: o.total, currency: o.currency, placed_at: o.placedAt, source: o.source })))
      .execute();
    const lines = chunk.flatMap((o) => o.lines.map((l, line) => ({ workspace_id: workspaceId, order_id: o.orderId, line, product_id: l.productId, quantity: l.quantity, price: l.price })));
    for (let j = 0; j < lines.length; j += CHUNK) await db.insertInto('order_items').values(lines.slice(j, j + CHUNK)).execute();
  }
  return fresh.length;
}

export async function reassignOrders(db: DbOrTrx, workspaceId: string, from: string, into: string): Promise<void> {
  await db.updateTable('orders').set({ profile_id: into }).where('workspace_id', '=', workspaceId).where('profile_id', '=', from).execute();
}

export async function orderStats(db: DbOrTrx, workspaceId: string, profileId: string): Promise<{ orders: number; revenue: number; lastOrderAt: number | null }> {
  const row = await db
    .selectFrom('orders')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('total').as('revenue'), eb.fn.max('placed_at').as('last')])
    .where('workspace_id', '=', workspaceId)
    .where('profile_id', '=', profileId)
    .executeTakeFirstOrThrow();
  return { orders: Number(row.n), revenue: Number(row.revenue ?? 0), lastOrderAt: row.last === null ? null : Number(row.last) };
}

export async function dailyRevenue(db: DbOrTrx, dialect: DialectHelpers, workspaceId: string, from: number, to: number): Promise<{ date: string; orders: number; revenue: number }[]> {
  const day = dialect.utcDay('placed_at');
  const rows = await db
    .selectFrom('orders')
    .select([day.as('date'), (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.sum<number>('total').as('revenue')])
    .where('workspace_id', '=', workspaceId)
    .where('placed_at', '>=', from)
    .where('placed_at', '<', to)
    .groupBy(day)
    .execute();
  return rows.map((r) => ({ date: String(r.date), orders: Number(r.n), revenue: Number(r.revenue ?? 0) }));
}

export async function orderTotals(db: DbOrTrx, workspaceId: string): Promise<{ orders: number; revenue: number }> {
  const row = await db
    .selectFrom('orders')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('total').as('revenue')])
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirstOrThrow();
  return { orders: Number(row.n), revenue: Number(row.revenue ?? 0) };
}

/** Per customer with at least one order: order count, revenue and the last order's time (RFM's inputs). */
export async function customerOrderTotals(db: DbOrTrx, workspaceId: string): Promise<{ profileId: string; orders: number; revenue: number; lastOrderAt: number }[]> {
  const rows = await db
    .selectFrom('orders')
    .select((eb) => ['profile_id', eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('total').as('revenue'), eb.fn.max('placed_at').as('last')])
    .where('workspace_id', '=', workspaceId)
    .groupBy('profile_id')
    .orderBy('profile_id')
    .execute();
  return rows.map((r) => ({ profileId: r.profile_id, orders: Number(r.n), revenue: Number(r.revenue ?? 0), lastOrderAt: Number(r.last) }));
}
