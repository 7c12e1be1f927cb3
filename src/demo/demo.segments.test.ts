import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestNudge, type TestNudge } from '../testing/nudge.testing.js';
import { seedDemoWorkspace } from './demo.service.js';
import { DEMO_SEGMENTS } from './demo.segments.js';

let t: TestNudge;
let workspaceId = '';

before(async () => {
  t = await createTestNudge('sqlite');
  const demo = await seedDemoWorkspace(t.nudge, { customers: 400, products: 60, months: 12, seed: 'segments-test' });
  workspaceId = demo.workspaceId;
  await t.nudge.queue.drain();
});
after(async () => t.cleanup());

test('the demo workspace comes with example segments of every kind, computed and populated', async () => {
  const segments = await t.nudge.segments.service.list(workspaceId);
  assert.equal(segments.length, DEMO_SEGMENTS.length);
  for (const s of segments) {
    assert.equal(s.compute.state, 'ready', s.name);
    assert.equal(s.compute.membershipVersion, 1, s.name);
  }
  const count = (prefix: string) => segments.find((s) => s.name.startsWith(prefix))?.memberCount ?? -1;
  // Shapes a newcomer would expect from a shop: recent buyers, champions and browsers who did not buy all exist.
  assert.ok(count('Ordered in the last 30 days') > 0);
  assert.ok(count('Champions') > 0);
  assert.ok(count('Viewed, no purchase') > 0);
  assert.ok(count('Big spenders') > 0);
  const rfm = segments.find((s) => s.name.startsWith('Champions'));
  const members = await t.nudge.segments.service.members(workspaceId, rfm?.id ?? '', { limit: 5, offset: 0 });
  assert.equal(members.total, count('Champions'));
});

test('the demo workspace has bilingual templates, a published journey and a draft broadcast to open', async () => {
  const templates = await t.nudge.messaging.templates.list(workspaceId, {});
  assert.deepEqual(templates.map((x) => x.channel).sort(), ['email', 'email', 'sms']);
  const journeys = await t.nudge.journeys.service.list(workspaceId);
  assert.deepEqual(journeys.map((j) => [j.name, j.status]), [['Order follow-up · 下单后关怀', 'active']]);
  const broadcasts = await t.nudge.journeys.broadcasts.list(workspaceId);
  assert.deepEqual(broadcasts.map((b) => [b.name, b.status]), [['Win back gold members · 唤回金卡会员', 'draft']]);
});

test('the demo workspace sends in sandbox: customers who ordered since the journey went live are inside it, thanked, and nothing left Nudge', async () => {
  assert.equal((await t.nudge.workspaces.get(workspaceId)).sandbox, true);
  const [journey] = await t.nudge.journeys.service.list(workspaceId);
  const entries = await t.nudge.journeys.service.entries(workspaceId, journey?.id ?? '', { limit: 100, offset: 0 });
  // 24 fresh orders; the 10% holdout keeps a few out. The history before it went live entered nobody.
  assert.ok(entries.items.length >= 15 && entries.items.length <= 24, String(entries.items.length));
  const log = await t.nudge.messaging.messages.list(workspaceId, { limit: 100, offset: 0, sourceKind: 'journey' });
  const thanked = log.items.filter((m) => m.source.kind === 'journey');
  assert.ok(thanked.length > 0);
  // No SMTP server is configured: without sandbox these would have failed as "not configured".
  for (const m of thanked) {
    assert.equal(m.status, 'sent', JSON.stringify(m));
    assert.equal(m.providerMessageId, `sandbox-${m.id}`);
  }
});

test('the demo workspace has a promoted recommendation model and online results with clicks and purchases', async () => {
  const models = await t.nudge.recommendations.service.models(workspaceId);
  assert.ok(models.items.some((m) => m.promoted));
  const online = await t.nudge.recommendations.service.metrics(workspaceId, 30);
  assert.ok(online.total.impressions > 0 && online.total.clicks > 0 && online.total.purchases > 0, JSON.stringify(online));
  assert.ok(online.total.clicks < online.total.impressions);
});
