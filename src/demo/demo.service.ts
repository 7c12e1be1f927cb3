import { parseCatalogItem } from '../catalog/catalog.service.js';
import type { Nudge } from '../server/nudge.js';
import { seedDemoAssistant } from '../assistant/assistant.demo.js';
import { seedDemoMessaging } from './demo.messaging.js';
import { seedDemoRecommendationActivity } from './demo.recommendations.js';
import { seedDemoSegments } from './demo.segments.js';
import { generateDemoShop, type DemoOptions } from './demo.generator.js';

export const DEMO_WORKSPACE_NAME = 'Demo shop (synthetic data)';
const BATCH = 500;
/** Orders placed after the demo journey was published (customers inside it on first look). */
const DEMO_JOURNEY_ORDERS = 24;

/** One fresh order a customer, received now, shaped like the generator's (total, CNY). */
function demoJourneyOrders(userIds: readonly string[]): unknown[] {
  return userIds.map((userId, i) => {
    const total = 99 + ((i * 37) % 400);
    const orderId = `demo-live-${i + 1}`;
    return {
      type: 'track',
      userId,
      event: 'Order Completed',
      messageId: `demo-live-order-${i + 1}`,
      properties: { order_id: orderId, revenue: total, total, shipping: 0, tax: 0, discount: 0, currency: 'CNY', products: [] },
    };
  });
}

export interface DemoResult {
  workspaceId: string;
  writeKey: string;
  secretKey: string;
  events: number;
  products: number;
  customers: number;
}

/**
 * Create a clearly labelled demo workspace and fill it with the synthetic shop: the catalog, then
 * every event through the same ingest path real traffic takes (identity merges, orders and all).
 */
export async function seedDemoWorkspace(
  nudge: Nudge,
  options: DemoOptions & { memberUserId?: string; onProgress?: (done: number, total: number) => void } = {},
): Promise<DemoResult> {
  const { memberUserId, onProgress, ...genOptions } = options;
  const shop = generateDemoShop({ ...genOptions, now: genOptions.now ?? new Date(Math.floor(nudge.clock.now() / 86_400_000) * 86_400_000) });
  const { workspace, writeKey, secretKey } = await nudge.workspaces.create({ name: DEMO_WORKSPACE_NAME, slug: 'demo', isDemo: true, currency: 'CNY', actor: 'system' });
  // A shop in China: customers without a timezone trait are in Shanghai time. Sandbox delivery: the
  // demo's journeys, broadcasts and test sends run end to end, and nothing leaves the machine.
  await nudge.workspaces.update(workspace.id, { timezone: 'Asia/Shanghai', sandbox: true }, 'system');
  if (memberUserId) await nudge.auth.addMember(memberUserId, workspace.id, 'admin', 'system');
  await nudge.catalog.upsert(null, workspace.id, shop.products.map(parseCatalogItem));

  const estimate = shop.estimatedEvents;
  let done = 0;
  let batch: unknown[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    await nudge.ingest.ingest(workspace.id, batch, { pathPrefix: 'batch' });
    done += batch.length;
    batch = [];
    onProgress?.(done, Math.max(estimate, done));
  };
  for (const event of shop.events()) {
    batch.push(event);
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  await nudge.ingest.flush();
  // Reviews analysed now (not only by the queued jobs), so the Feedback page and its traits are ready on first look.
  await nudge.feedback.service.backfill(workspace.id, 730);
  await nudge.feedback.recomputeTraits(workspace.id);
  // Scored right away (not queued) so the dashboard's RFM page and RFM-based segments work on first look.
  await nudge.rfm.compute(workspace.id);
  // Example segments, one of each kind of rule; their membership is computed by the queue.
  await seedDemoSegments(nudge.segments.service, workspace.id, { rfmReady: true });
  // A first recommendation model right away (the fast algorithms), the full comparison in the background.
  await nudge.recommendations.trainNow(workspace.id, { algorithms: ['popularity', 'itemknn'] });
  await nudge.recommendations.service.train(workspace.id);
  // Lists sent to some customers, with clicks and purchases, so the online results are not empty.
  const recipients = (await nudge.profiles.orderTotals(workspace.id)).sort((a, b) => a.profileId.localeCompare(b.profileId)).slice(0, 400);
  const userIds = (await Promise.all(recipients.map((r) => nudge.profiles.get(workspace.id, r.profileId, 0)))).flatMap((p) => (p.userId ? [p.userId] : []));
  await seedDemoRecommendationActivity({ recommendations: nudge.recommendations.service, ingest: nudge.ingest }, workspace.id, userIds, { now: nudge.clock.now() });
  // Templates, a published journey and a draft broadcast, so the engage pages have something to open.
  // After every seeded event, so the journey starts empty (the history predates it).
  const segmentIds = new Map((await nudge.segments.service.list(workspace.id)).map((s) => [s.name, s.id]));
  await seedDemoMessaging(nudge.messaging, nudge.journeys, workspace.id, (name) => segmentIds.get(name));
  // The latest buyers, read once. The first of them order again since the journey went live: they
  // enter it (the holdout share aside), are thanked by email in sandbox and wait out its three days,
  // so the canvas and the message log are not empty on first look. The assistant picks from them too.
  const buyers = (await nudge.profiles.orderTotals(workspace.id)).sort((a, b) => b.lastOrderAt - a.lastOrderAt || a.profileId.localeCompare(b.profileId)).slice(0, Math.max(30, DEMO_JOURNEY_ORDERS));
  const people = await Promise.all(buyers.map((b) => nudge.profiles.get(workspace.id, b.profileId, 0)));
  const orderers = people.slice(0, DEMO_JOURNEY_ORDERS).flatMap((p) => (p.userId ? [p.userId] : []));
  await nudge.ingest.ingest(workspace.id, demoJourneyOrders(orderers));
  await nudge.ingest.flush();
  // The assistant's FAQ and a few conversations (two with customers who have orders), so the inbox is not empty.
  await seedDemoAssistant(nudge.assistant, workspace.id, {
    zh: people.find((p) => p.traits['language'] === 'zh')?.userId ?? null,
    en: people.find((p) => p.traits['language'] !== 'zh')?.userId ?? null,
  });
  return { workspaceId: workspace.id, writeKey, secretKey, events: done, products: shop.products.length, customers: shop.customerCount };
}
