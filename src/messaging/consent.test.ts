import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDialects } from '../db/testing.js';
import { manualClock } from '../platform/clock.js';
import type { TestNudge } from '../testing/nudge.testing.js';
import type { SendCheck } from './consent.schema.js';
import { apiAs, createMessagingTestNudge, newsletterTemplate, setupShop, startTestSmtp, type TestSmtp } from './messaging.testing.js';

const DAY = 86_400_000;

for (const dialect of testDialects()) {
  describe(`consent: subscriptions, suppressions, frequency caps (${dialect})`, () => {
    const clock = manualClock(Date.UTC(2026, 5, 1, 12));
    let t: TestNudge;
    let smtp: TestSmtp;
    let shop: Awaited<ReturnType<typeof setupShop>>;
    let api: ReturnType<typeof apiAs>;
    let optIn: string;
    const check = (profile: string, c: Partial<SendCheck> = {}) =>
      t.nudge.messaging.consent.canSend({ workspaceId: t.workspace.id, profileId: shop.profiles[profile] ?? profile, channel: 'email', kind: 'marketing', subscriptionGroupId: null, ...c });
    const reason = async (p: Promise<{ ok: boolean; reason?: string }>) => {
      const d = await p;
      return d.ok ? 'ok' : (d.reason ?? '?');
    };

    before(async () => {
      smtp = await startTestSmtp();
      t = await createMessagingTestNudge(dialect, { clock });
      api = apiAs(t);
      shop = await setupShop(t, smtp);
      const g = await api('POST', '/api/v1/subscription-groups', { name: 'Product news', nameZh: '产品动态', channel: 'email', type: 'opt_in' });
      optIn = (g.body as { id: string }).id;
    });
    after(async () => {
      await t.cleanup();
      await smtp.close();
    });

    test('opt-in groups need a subscription; opt-out groups hold until an unsubscribe', async () => {
      assert.equal(await reason(check('bob', { subscriptionGroupId: optIn })), 'not_subscribed');
      assert.equal((await api('PUT', `/api/v1/profiles/bob/subscriptions/${optIn}`, { status: 'subscribed' })).status, 200);
      assert.equal(await reason(check('bob', { subscriptionGroupId: optIn })), 'ok');
      assert.equal(await reason(check('cat', { subscriptionGroupId: shop.groupId })), 'ok');
      await api('PUT', `/api/v1/profiles/cat/subscriptions/${shop.groupId}`, { status: 'unsubscribed' });
      assert.equal(await reason(check('cat', { subscriptionGroupId: shop.groupId })), 'unsubscribed');
      assert.equal(await reason(check('cat', { subscriptionGroupId: shop.groupId, kind: 'transactional' })), 'ok', 'transactional ignores subscriptions');
      assert.equal(await reason(check('cat', { subscriptionGroupId: 'sgr_unknown' })), 'unknown_subscription_group');
      const subs = (await api('GET', '/api/v1/profiles/cat/subscriptions')).body as { groups: { group: { id: string }; subscribed: boolean }[] };
      assert.deepEqual(subs.groups.map((g) => [g.group.id === shop.groupId ? 'newsletter' : 'product', g.subscribed]).sort(), [['newsletter', false], ['product', false]]);
    });

    test('a channel-wide opt-out stops marketing but not transactional messages', async () => {
      await api('PUT', '/api/v1/profiles/ann/channel-opt-outs/email', { optedOut: true });
      assert.equal(await reason(check('ann')), 'opted_out');
      assert.equal(await reason(check('ann', { kind: 'transactional' })), 'ok');
      await api('PUT', '/api/v1/profiles/ann/channel-opt-outs/email', { optedOut: false });
      assert.equal(await reason(check('ann')), 'ok');
    });

    test('a suppressed address gets nothing, transactional included, until the suppression is lifted', async () => {
      const added = await api('POST', '/api/v1/suppressions', { channel: 'email', address: ' Bob@Example.COM ', reason: 'manual', note: 'asked by phone' });
      assert.deepEqual(added.body, { added: true });
      assert.equal(await reason(check('bob')), 'suppressed');
      assert.equal(await reason(check('bob', { kind: 'transactional' })), 'suppressed');
      assert.equal(await reason(check('bob', { kind: 'transactional', profileId: null, address: 'bob@example.com' })), 'suppressed');
      const list = (await api('GET', '/api/v1/suppressions?channel=email&q=bob')).body as { items: { address: string; reason: string; note: string }[]; total: number };
      assert.deepEqual(list.items.map((s) => [s.address, s.reason, s.note]), [['bob@example.com', 'manual', 'asked by phone']]);
      const tx = await api('POST', '/api/v1/templates', { ...newsletterTemplate(null), name: 'Receipt', kind: 'transactional' });
      const sent = await t.nudge.messaging.delivery.send({ workspaceId: t.workspace.id, profileId: 'bob', templateId: (tx.body as { id: string }).id, idempotencyKey: 'order:1:receipt', source: { kind: 'journey', id: 'receipts' } });
      assert.deepEqual([sent.status, 'reason' in sent ? sent.reason : null], ['suppressed', 'suppressed']);
      assert.equal(smtp.received.length, 0);
      assert.equal((await api('DELETE', '/api/v1/suppressions/email/bob%40example.com')).status, 204);
      assert.equal(await reason(check('bob', { kind: 'transactional' })), 'ok');
      const invalid = await api('POST', '/api/v1/suppressions', { channel: 'email', address: 'not an address' });
      assert.equal(invalid.status, 400);
      assert.deepEqual([(invalid.body as { error: { code: string; field: string } }).error.code, (invalid.body as { error: { field: string } }).error.field], ['SUPPRESSION_INVALID_ADDRESS', 'address']);
      assert.equal(await reason(check('dan')), 'no_address');
    });

    test('a frequency cap counts sent marketing messages in its window; transactional ones pass it', async () => {
      assert.equal((await api('PUT', '/api/v1/frequency-caps/email', { maxMessages: 2, windowDays: 7 })).status, 200);
      const send = (key: string, templateId = shop.templateId) => t.nudge.messaging.delivery.send({ workspaceId: t.workspace.id, profileId: 'ann', templateId, idempotencyKey: key, source: { kind: 'broadcast', id: key } });
      assert.equal((await send('cap-1')).status, 'sent');
      clock.advance(DAY);
      assert.equal((await send('cap-2')).status, 'sent');
      const third = await send('cap-3');
      assert.deepEqual([third.status, 'reason' in third ? third.reason : null], ['skipped', 'frequency_cap']);
      const tx = await api('POST', '/api/v1/templates', { ...newsletterTemplate(null), name: 'Shipping update', kind: 'transactional' });
      assert.equal((await send('cap-tx', (tx.body as { id: string }).id)).status, 'sent');
      clock.advance(6.5 * DAY);
      assert.equal((await send('cap-4')).status, 'sent', 'the first message left the 7-day window');
      assert.equal(smtp.received.length, 4);
      assert.deepEqual((await api('GET', '/api/v1/frequency-caps')).body, { items: [{ channel: 'email', maxMessages: 2, windowDays: 7 }] });
      assert.equal((await api('DELETE', '/api/v1/frequency-caps/email')).status, 204);
    });

    test('groups are managed through the API; a group a template sends under cannot be archived', async () => {
      const renamed = await api('PUT', `/api/v1/subscription-groups/${optIn}`, { name: 'Product updates' });
      assert.equal((renamed.body as { name: string; nameZh: string }).name, 'Product updates');
      assert.equal((renamed.body as { nameZh: string }).nameZh, '产品动态');
      const busy = await api('DELETE', `/api/v1/subscription-groups/${shop.groupId}`);
      assert.equal(busy.status, 409);
      assert.equal((busy.body as { error: { code: string } }).error.code, 'SUBSCRIPTION_GROUP_IN_USE');
      assert.equal((await api('DELETE', `/api/v1/subscription-groups/${optIn}`)).status, 204);
      assert.equal((await api('GET', `/api/v1/subscription-groups/${optIn}`)).status, 404);
      const bad = await api('POST', '/api/v1/subscription-groups', { name: 'x', channel: 'fax', type: 'opt_in' });
      assert.equal(bad.status, 400);
      const other = await t.nudge.workspaces.create({ name: 'Elsewhere', actor: 'test' });
      const theirs = apiAs(t, other.secretKey);
      assert.equal((await theirs('GET', `/api/v1/subscription-groups/${shop.groupId}`)).status, 404);
      assert.equal(((await theirs('GET', '/api/v1/suppressions')).body as { total: number }).total, 0);
      assert.equal((await theirs('PUT', `/api/v1/profiles/ann/subscriptions/${shop.groupId}`, { status: 'subscribed' })).status, 404);
    });
  });
}
