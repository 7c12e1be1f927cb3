import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { testDialects } from '../db/testing.js';
import { manualClock } from '../platform/clock.js';
import type { TestNudge } from '../testing/nudge.testing.js';
import type { DeliveryRequest } from './message.schema.js';
import { apiAs, createMessagingTestNudge, rawHeader, setupShop, startTestSmtp, TEST_PUBLIC_URL, type TestSmtp } from './messaging.testing.js';

const START = Date.UTC(2026, 5, 1, 12);

for (const dialect of testDialects()) {
  describe(`delivery: exactly once per idempotency key, retries, dead letters (${dialect})`, () => {
    const clock = manualClock(START);
    let t: TestNudge;
    let smtp: TestSmtp;
    let shop: Awaited<ReturnType<typeof setupShop>>;
    let api: ReturnType<typeof apiAs>;
    let n = 0;
    const request = (userId: string, extra: Partial<DeliveryRequest> = {}): DeliveryRequest => ({
      workspaceId: t.workspace.id,
      profileId: userId,
      templateId: shop.templateId,
      idempotencyKey: `journey:j1:entry-${userId}:node-${++n}`,
      source: { kind: 'journey', id: 'j1', nodeId: `node-${n}`, entryId: `entry-${userId}` },
      ...extra,
    });
    const row = (id: string) => t.nudge.database.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

    before(async () => {
      smtp = await startTestSmtp();
      t = await createMessagingTestNudge(dialect, { clock, messaging: { delivery: { backoffMs: 1000, maxAttempts: 3 } } });
      api = apiAs(t);
      shop = await setupShop(t, smtp);
    });
    after(async () => {
      await t.cleanup();
      await smtp.close();
    });
    beforeEach(() => {
      smtp.received.length = 0;
      smtp.answer = () => null;
    });

    test('the same idempotency key sent twice (and five times at once) reaches the SMTP server once', async () => {
      const req = request('bob');
      const first = await t.nudge.messaging.delivery.send(req);
      assert.equal(first.status, 'sent');
      assert.equal(first.duplicate, false);
      const again = await t.nudge.messaging.delivery.send(req);
      assert.deepEqual({ status: again.status, messageId: again.messageId, duplicate: again.duplicate }, { status: 'sent', messageId: first.messageId, duplicate: true });
      assert.equal(smtp.received.length, 1);

      const racing = request('cat');
      const results = await Promise.all(Array.from({ length: 5 }, () => t.nudge.messaging.delivery.send(racing)));
      assert.equal(new Set(results.map((r) => r.messageId)).size, 1);
      assert.equal(results.filter((r) => !r.duplicate).length, 1);
      assert.equal(smtp.received.length, 2);
    });

    test('the received MIME has text and HTML parts, one-click unsubscribe headers and signed links only', async () => {
      const result = await t.nudge.messaging.delivery.send(request('bob'));
      assert.equal(result.status, 'sent');
      const mail = smtp.received[0];
      assert.ok(mail);
      assert.deepEqual(mail.to, ['bob@example.com']);
      assert.equal(mail.parsed.subject, 'Hello Bob');
      assert.match(mail.raw, /multipart\/alternative/i);
      assert.match(mail.parsed.text ?? '', /Hi Bob, the sale/);
      const html = String(mail.parsed.html);
      const unsubscribe = String(rawHeader(mail.raw, 'List-Unsubscribe'));
      assert.match(unsubscribe, new RegExp(`^<${TEST_PUBLIC_URL}/u/[^>]+>$`));
      assert.equal(rawHeader(mail.raw, 'List-Unsubscribe-Post'), 'List-Unsubscribe=One-Click');
      assert.equal(rawHeader(mail.raw, 'X-Nudge-Message-Id'), result.messageId);
      assert.equal(mail.parsed.messageId, (await row(result.messageId)).provider_message_id);
      // Every web link goes through a signed click URL; mailto and the unsubscribe link stay as they are.
      const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1] ?? '');
      assert.equal(hrefs.filter((h) => h.startsWith(`${TEST_PUBLIC_URL}/t/c/`)).length, 2);
      assert.ok(!html.includes('https://shop.example/'), 'no unsigned shop link is left');
      assert.ok(hrefs.includes('mailto:help@shop.example'));
      assert.ok(hrefs.some((h) => h.startsWith(`${TEST_PUBLIC_URL}/u/`)));
      assert.match(html, new RegExp(`<img src="${TEST_PUBLIC_URL}/t/o/[^"]+\\.gif"`));
    });

    test("a customer's locale trait picks the language", async () => {
      await t.nudge.messaging.delivery.send(request('ann'));
      assert.equal(smtp.received[0]?.parsed.subject, 'Ann，你好');
      assert.match(String(smtp.received[0]?.parsed.html), /查看促销/);
    });

    test('a temporary SMTP failure is retried with back-off through the queue, then sent (and settles once)', async () => {
      const settled: { messageId: string; status: string; nodeId: string | null }[] = [];
      t.nudge.messaging.delivery.onSettled((m) => settled.push({ messageId: m.messageId, status: m.status, nodeId: m.source.nodeId }));
      let calls = 0;
      smtp.answer = () => (++calls === 1 ? { code: 451, message: '4.3.0 Try again later' } : null);
      const result = await t.nudge.messaging.delivery.send(request('cat'));
      assert.equal(result.status, 'queued');
      assert.equal(smtp.received.length, 0);
      await t.nudge.queue.drain();
      assert.equal((await row(result.messageId)).status, 'queued', 'not due before its back-off');
      clock.advance(1500);
      await t.nudge.queue.drain();
      const stored = await row(result.messageId);
      assert.equal(stored.status, 'sent');
      assert.equal(stored.attempts, 2);
      assert.equal(smtp.received.length, 1);
      assert.deepEqual(settled.filter((x) => x.messageId === result.messageId), [{ messageId: result.messageId, status: 'sent', nodeId: stored.source_node_id }]);
    });

    test('a permanent failure is dead-lettered with the provider answer, and a retry sends it', async () => {
      smtp.answer = () => ({ code: 550, message: '5.1.1 Mailbox unavailable' });
      const result = await t.nudge.messaging.delivery.send(request('cat'));
      assert.equal(result.status, 'failed');
      const dead = (await api('GET', '/api/v1/messages/dead-letter')).body as { items: { id: string; lastError: string; reason: string }[] };
      const item = dead.items.find((m) => m.id === result.messageId);
      assert.ok(item);
      assert.match(item.lastError, /550/);
      assert.equal(item.reason, 'permanent');
      smtp.answer = () => null;
      const retried = await api('POST', `/api/v1/messages/dead-letter/${result.messageId}/retry`);
      assert.equal(retried.status, 200);
      assert.equal((retried.body as { status: string }).status, 'sent');
      assert.equal(smtp.received.length, 1);
      assert.equal((await api('POST', `/api/v1/messages/dead-letter/${result.messageId}/retry`)).status, 409);
    });

    test('temporary failures until attempts run out end in the dead-letter list', async () => {
      smtp.answer = () => ({ code: 421, message: '4.7.0 Busy' });
      const result = await t.nudge.messaging.delivery.send(request('cat'));
      for (let i = 0; i < 4; i++) {
        clock.advance(10_000);
        await t.nudge.queue.drain();
      }
      const stored = await row(result.messageId);
      assert.equal(stored.status, 'failed');
      assert.equal(stored.reason, 'retries_exhausted');
      assert.equal(stored.attempts, 3);
    });

    test('a send interrupted by a crash: email is re-sent once with the same Message-ID; SMS is held as unknown', async () => {
      smtp.answer = () => ({ code: 451, message: 'later' });
      const result = await t.nudge.messaging.delivery.send(request('cat'));
      // As a crash would leave it: claimed (attempt 2 under way), lease not renewed.
      const db = t.nudge.database.db;
      await db.updateTable('messages').set({ status: 'sending', attempts: 2, lease_until: clock.now() - 1 }).where('id', '=', result.messageId).execute();
      smtp.answer = () => null;
      const before = await t.nudge.messaging.delivery.send(request('cat', { idempotencyKey: (await row(result.messageId)).idempotency_key }));
      assert.equal(before.status, 'sent', 'a repeated request resolves the expired lease');
      assert.equal(before.messageId, result.messageId);
      assert.equal(await t.nudge.messaging.delivery.recover(), 0);
      assert.equal(smtp.received.length, 1);
      assert.equal(smtp.received[0]?.parsed.messageId, (await row(result.messageId)).provider_message_id);

      // Interrupted after the provider had the whole message (the end-of-data marker is set): not sent again.
      smtp.answer = () => ({ code: 451, message: 'later' });
      const committed = await t.nudge.messaging.delivery.send(request('bob'));
      smtp.answer = () => null;
      await db.updateTable('messages').set({ status: 'sending', attempts: 2, committed_at: clock.now() - 5, lease_until: clock.now() - 1 }).where('id', '=', committed.messageId).execute();
      assert.equal(await t.nudge.messaging.delivery.recover(), 1);
      const assumed = await row(committed.messageId);
      assert.deepEqual([assumed.status, assumed.reason], ['sent', 'assumed_after_interruption']);
      assert.equal(smtp.received.length, 1, 'no second copy');

      const sms = await api('POST', '/api/v1/templates', { name: 'Text', body: { channel: 'sms', content: { en: { text: 'Hi {{ profile.traits.name }}' } } } });
      const smsResult = await t.nudge.messaging.delivery.send(request('dan', { templateId: (sms.body as { id: string }).id }));
      assert.equal(smsResult.status, 'failed', 'SMS is not configured');
      await db.updateTable('messages').set({ status: 'sending', reason: null, attempts: 1, lease_until: clock.now() - 1 }).where('id', '=', smsResult.messageId).execute();
      assert.equal(await t.nudge.messaging.delivery.recover(), 1);
      const held = await row(smsResult.messageId);
      assert.equal(held.status, 'unknown');
      const dead = (await api('GET', '/api/v1/messages/dead-letter?channel=sms')).body as { items: { id: string; status: string }[] };
      assert.ok(dead.items.some((m) => m.id === smsResult.messageId && m.status === 'unknown'));
    });

    test('sandbox delivery: messages are recorded as sent without reaching the SMTP server, consent still applies, and switching it off sends for real again', async () => {
      const patch = (sandbox: boolean) => api('PATCH', '/api/v1/workspace', { sandbox });
      const on = await patch(true);
      assert.equal(on.status, 200);
      assert.equal((on.body as { sandbox: boolean }).sandbox, true);
      const me = await t.nudge.auth.me(t.admin.id);
      assert.equal(me.workspaces.find((w) => w.id === t.workspace.id)?.sandbox, true);
      try {
        const one = await t.nudge.messaging.delivery.send(request('bob'));
        assert.equal(one.status, 'sent');
        const many = await t.nudge.messaging.delivery.sendMany([request('cat'), request('ann')]);
        assert.deepEqual(many.map((r) => r.status), ['sent', 'sent']);
        assert.equal(smtp.received.length, 0);
        const stored = await row(one.messageId);
        assert.equal(stored.provider_message_id, `sandbox-${one.messageId}`);
        // What the message log shows: sent, by the sandbox, with the rendered content kept.
        const view = (await api('GET', `/api/v1/messages/${one.messageId}`)).body as { providerMessageId: string; providerResponse: unknown; sandbox: boolean };
        assert.equal(view.providerMessageId, `sandbox-${one.messageId}`);
        assert.deepEqual(view.providerResponse, { sandbox: true });
        assert.equal(view.sandbox, true);
        // The suppression list still holds: sandbox changes where a message goes, not who may get it.
        await t.nudge.messaging.consent.addSuppression(t.workspace.id, { channel: 'email', address: 'cat@example.com', reason: 'manual' }, 'test');
        const held = await t.nudge.messaging.delivery.send(request('cat'));
        assert.equal(held.status, 'suppressed');
        await t.nudge.messaging.consent.removeSuppression(t.workspace.id, 'email', 'cat@example.com', 'test');
      } finally {
        assert.equal(((await patch(false)).body as { sandbox: boolean }).sandbox, false);
      }
      const real = await t.nudge.messaging.delivery.send(request('bob'));
      assert.equal(real.status, 'sent');
      assert.equal(smtp.received.length, 1);
      assert.notEqual((await row(real.messageId)).provider_message_id, `sandbox-${real.messageId}`);
    });

    test('a message held by a live sender is reported as sending, not sent again', async () => {
      smtp.answer = () => ({ code: 451, message: 'later' });
      const result = await t.nudge.messaging.delivery.send(request('bob'));
      const key = (await row(result.messageId)).idempotency_key;
      await t.nudge.database.db.updateTable('messages').set({ status: 'sending', attempts: 2, lease_until: clock.now() + 60_000 }).where('id', '=', result.messageId).execute();
      smtp.answer = () => null;
      const again = await t.nudge.messaging.delivery.send(request('bob', { idempotencyKey: key }));
      assert.equal(again.status, 'sending');
      assert.equal(smtp.received.length, 0);
    });

    test("the delivery log lists a customer's messages, filtered", async () => {
      const res = await api('GET', '/api/v1/profiles/bob/messages?status=sent');
      assert.equal(res.status, 200);
      const body = res.body as { items: { profileId: string; status: string; source: { kind: string; id: string } }[]; total: number };
      assert.ok(body.total >= 2);
      assert.ok(body.items.every((m) => m.profileId === shop.profiles.bob && m.status === 'sent' && m.source.kind === 'journey' && m.source.id === 'j1'));
    });

    test("no workspace sees or sends another's messages, templates or settings", async () => {
      const other = await t.nudge.workspaces.create({ name: 'Other shop', actor: 'test' });
      const theirs = apiAs(t, other.secretKey);
      const mine = ((await api('GET', '/api/v1/messages')).body as { items: { id: string }[] }).items;
      assert.ok(mine.length > 0);
      const id = mine[0]?.id ?? '';
      assert.equal(((await theirs('GET', '/api/v1/messages')).body as { total: number }).total, 0);
      assert.equal((await theirs('GET', `/api/v1/messages/${id}`)).status, 404);
      assert.equal((await theirs('POST', `/api/v1/messages/dead-letter/${id}/retry`)).status, 404);
      assert.equal((await theirs('GET', `/api/v1/templates/${shop.templateId}`)).status, 404);
      assert.equal(((await theirs('GET', '/api/v1/templates')).body as { items: unknown[] }).items.length, 0);
      assert.equal(((await theirs('GET', '/api/v1/subscription-groups')).body as { items: unknown[] }).items.length, 0);
      const settings = (await theirs('GET', '/api/v1/channel-settings')).body as { items: { kind: string; configured: boolean }[] };
      assert.ok(settings.items.every((s) => !s.configured));
      await assert.rejects(t.nudge.messaging.delivery.send({ ...request('bob'), workspaceId: other.workspace.id }), /not found/);
    });
  });
}
