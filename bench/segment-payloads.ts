// Realistic Segment payloads for load tests: what analytics.js / analytics-node send.
import { createRng } from '../src/ml/rng.js';

const PAGES = ['Home', 'Category', 'Product', 'Search', 'Cart', 'Checkout'];
const EVENTS = ['Product Viewed', 'Product Added', 'Products Searched', 'Checkout Started', 'Order Completed', 'Email Opened'];
const UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

/**
 * A batch body template of `size` events with `__M__` where a per-request prefix makes messageIds
 * unique. Users come from a pool of `users` customers, a third of events anonymous.
 */
export function batchTemplate(seed: number, size: number, users: number): string {
  const rng = createRng(seed);
  const now = Date.now();
  const batch = [];
  for (let i = 0; i < size; i++) {
    const u = rng.int(0, users);
    const anonymous = rng.next() < 0.33;
    const ids = anonymous ? { anonymousId: `anon-${u}` } : { userId: `user-${u}`, anonymousId: `anon-${u}` };
    const context = {
      library: { name: 'analytics.js', version: '5.2.0' },
      ip: `10.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(0, 255)}`,
      userAgent: UA,
      locale: rng.next() < 0.6 ? 'zh-CN' : 'en-US',
      page: { path: '/products/p-123', url: 'https://shop.example.com/products/p-123', title: 'Product', referrer: 'https://www.google.com/' },
    };
    // SDKs flush every few seconds: a batch holds events from the last ~10 s.
    const timestamp = new Date(now - rng.int(0, 10_000)).toISOString();
    const messageId = `__M__-${i}`;
    const r = rng.next();
    if (r < 0.3) batch.push({ type: 'page', name: rng.pick(PAGES), properties: { path: '/p', title: 'Shop' }, ...ids, context, timestamp, messageId });
    else if (r < 0.35 && !anonymous) batch.push({ type: 'identify', traits: { email: `user${u}@example.com`, name: `User ${u}`, plan: 'gold', city: 'Shanghai' }, ...ids, context, timestamp, messageId });
    else {
      const event = rng.pick(EVENTS);
      const properties =
        event === 'Order Completed'
          ? { order_id: `__M__-o${i}`, total: 259.8, currency: 'CNY', products: [{ product_id: `sku-${rng.int(1, 300)}`, price: 129.9, quantity: 2 }] }
          : { product_id: `sku-${rng.int(1, 300)}`, name: 'Wireless earbuds 无线耳机', category: 'Electronics', price: 199, currency: 'CNY' };
      batch.push({ type: 'track', event, properties, ...ids, context, timestamp, messageId });
    }
  }
  return JSON.stringify({ batch, sentAt: new Date(now).toISOString() });
}
