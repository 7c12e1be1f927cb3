import type { StagedEvent } from '../events/event.store.js';
import { normalizeEmail, normalizePhone, type IdentityClaim } from '../profiles/identity.js';
import type { OrderLine } from '../profiles/order.repository.js';

// Read by the processor (in its worker thread): kept apart from validation so that thread never loads zod.

/** What a staged event says about identity (and, for an order, the order), read back when it is processed. */
export function interpretStaged(e: StagedEvent): { claim: IdentityClaim; order: { orderId: string; total: number; currency: string; lines: OrderLine[] } | null } {
  const needsProps = e.type === 'identify' || e.type === 'alias' || e.name === 'Order Completed';
  const props: Record<string, unknown> = needsProps ? (JSON.parse(e.propertiesJson) as Record<string, unknown>) : {};
  const traits = e.type === 'identify' && typeof props.traits === 'object' && props.traits !== null ? (props.traits as Record<string, unknown>) : undefined;
  const claim: IdentityClaim = {
    userId: e.userId ?? undefined,
    anonymousId: e.anonymousId ?? undefined,
    email: traits ? normalizeEmail(traits.email) : null,
    phone: traits ? normalizePhone(traits.phone) : null,
    previousId: e.type === 'alias' && typeof props.previousId === 'string' ? props.previousId : undefined,
    traits,
    timestamp: e.timestamp,
    isEvent: true,
  };
  return { claim, order: e.type === 'track' && e.name === 'Order Completed' ? orderFrom(props) : null };
}

const num = (v: unknown): number | null => {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
};

/** Segment e-commerce spec "Order Completed" → an order with line items. */
function orderFrom(p: Record<string, unknown>): { orderId: string; total: number; currency: string; lines: OrderLine[] } | null {
  const orderId = p.order_id ?? p.orderId;
  if (typeof orderId !== 'string' && typeof orderId !== 'number') return null;
  const lines: OrderLine[] = [];
  if (Array.isArray(p.products)) {
    for (const item of p.products) {
      if (typeof item !== 'object' || item === null) continue;
      const it = item as Record<string, unknown>;
      const productId = it.product_id ?? it.productId ?? it.sku ?? it.id;
      if (typeof productId !== 'string' && typeof productId !== 'number') continue;
      lines.push({ productId: String(productId), quantity: num(it.quantity) ?? 1, price: num(it.price) ?? 0 });
    }
  }
  const total = num(p.total) ?? num(p.revenue) ?? lines.reduce((s, l) => s + l.price * l.quantity, 0);
  const currency = typeof p.currency === 'string' && p.currency.length === 3 ? p.currency.toUpperCase() : 'CNY';
  return { orderId: String(orderId), total, currency, lines };
}
