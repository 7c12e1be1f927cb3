import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Analytics } from '@segment/analytics-node';
import { testDialects } from '../db/testing.js';
import { createTestNudge, type TestNudge } from '../testing/nudge.testing.js';

// The real Segment SDK, unchanged, pointed at Nudge: what a customer's existing code does.
for (const dialect of testDialects()) {
  describe(`@segment/analytics-node against Nudge (${dialect})`, () => {
    let t: TestNudge;
    let url: string;
    before(async () => {
      t = await createTestNudge(dialect);
      url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    });
    after(async () => t.cleanup());

    test('identify, track, page, screen, group and alias arrive unchanged', async () => {
      const analytics = new Analytics({ writeKey: t.workspace.writeKey, host: url, flushAt: 3, flushInterval: 200 });
      const failures: unknown[] = [];
      analytics.on('error', (err) => failures.push(err));
      const at = new Date('2026-05-01T08:00:00.000Z');
      analytics.identify({ anonymousId: 'sdk-anon', userId: 'sdk-user', traits: { email: 'sdk@example.com', name: '李雷', vip: true }, timestamp: at });
      analytics.track({ userId: 'sdk-user', event: 'Order Completed', properties: { order_id: 'sdk-o1', total: 88.5, currency: 'CNY', products: [{ product_id: 'p1', price: 88.5, quantity: 1 }], nested: { a: [1, 2, { b: '中文' }] } }, timestamp: at });
      analytics.page({ userId: 'sdk-user', name: 'Pricing', category: 'Docs', properties: { url: 'https://example.com/pricing' } });
      analytics.screen({ userId: 'sdk-user', name: 'Home' });
      analytics.group({ userId: 'sdk-user', groupId: 'acme', traits: { plan: 'team' } });
      analytics.alias({ userId: 'sdk-user', previousId: 'older-anon' });
      await analytics.closeAndFlush({ timeout: 10_000 });
      await t.nudge.ingest.flush();
      assert.deepEqual(failures, []);

      const profile = await t.nudge.profiles.get(t.workspace.id, 'sdk-user');
      assert.equal(profile.traits.name, '李雷');
      assert.equal(profile.traits.vip, true);
      assert.equal(profile.email, 'sdk@example.com');
      assert.deepEqual([...profile.events.map((e) => e.type)].sort(), ['alias', 'group', 'identify', 'page', 'screen', 'track']);
      const order = profile.events.find((e) => e.name === 'Order Completed');
      assert.deepEqual(order?.properties, { order_id: 'sdk-o1', total: 88.5, currency: 'CNY', products: [{ product_id: 'p1', price: 88.5, quantity: 1 }], nested: { a: [1, 2, { b: '中文' }] } });
      // Segment's skew correction moves the time by the request's transit time only (clocks agree here).
      assert.ok(Math.abs(Date.parse(order?.timestamp ?? '') - at.getTime()) < 2_000, `timestamp ${order?.timestamp}`);
      assert.equal((order?.context.library as { name?: string } | undefined)?.name, '@segment/analytics-node');
      assert.equal(profile.stats.orders, 1);
      const page = profile.events.find((e) => e.type === 'page');
      assert.equal(page?.name, 'Pricing');
      assert.equal(page?.properties.category, 'Docs');
    });
  });
}
