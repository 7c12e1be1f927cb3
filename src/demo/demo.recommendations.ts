import type { IngestService } from '../ingest/ingest.service.js';
import { createRng } from '../ml/rng.js';
import type { RecommendService } from '../recommend/recommend.service.js';

/**
 * A week of recommendation emails in the demo shop, so the Recommendations page's online results
 * have something to show: lists served to some customers (impressions, one slot each), a share of
 * them clicked through (`recommendation_id` on the click) and a smaller share bought what was
 * recommended. All through the real paths: serving logs the slots, ingest attributes the rest.
 */
export async function seedDemoRecommendationActivity(
  deps: { recommendations: RecommendService; ingest: IngestService },
  workspaceId: string,
  customers: readonly string[],
  options: { seed?: string; now: number },
): Promise<{ slots: number; clicks: number; orders: number }> {
  const rng = createRng(options.seed ?? 'nudge-demo-recommendations');
  const events: unknown[] = [];
  let clicks = 0;
  let orders = 0;
  for (const [i, userId] of customers.entries()) {
    const list = await deps.recommendations.recommend(workspaceId, userId, { n: 4 }, { surface: 'email', log: true });
    const first = list.items[0];
    if (!first || !rng.bernoulli(0.14)) continue;
    // Just after the lists were served (the demo's clock is the present): clicks first, orders after.
    const at = options.now + 1000 + i * 100;
    events.push({ type: 'track', userId, event: 'Product Clicked', messageId: `demo-rec-click-${list.slotId}`, timestamp: new Date(at).toISOString(), properties: { product_id: first.productId, recommendation_id: list.slotId } });
    clicks++;
    if (!rng.bernoulli(0.3)) continue;
    events.push({
      type: 'track',
      userId,
      event: 'Order Completed',
      messageId: `demo-rec-order-${list.slotId}`,
      timestamp: new Date(at + 30_000).toISOString(),
      properties: { order_id: `demo-rec-${list.slotId}`, revenue: first.price ?? 0, currency: first.currency ?? 'CNY', products: [{ product_id: first.productId, price: first.price ?? 0, quantity: 1 }] },
    });
    orders++;
  }
  for (let i = 0; i < events.length; i += 500) await deps.ingest.ingest(workspaceId, events.slice(i, i + 500));
  await deps.ingest.flush();
  return { slots: customers.length, clicks, orders };
}
