import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { testDialects } from '../db/testing.js';
import { manualClock } from '../platform/clock.js';
import type { TestNudge } from '../testing/nudge.testing.js';
import type { DeliveryRequest, DeliveryResult } from './message.schema.js';
import { createMessagingTestNudge, rawHeader, setupShop, startTestSmtp, type TestSmtp } from './messaging.testing.js';

const START = Date.UTC(2026, 5, 1, 12);
const CUSTOMERS = 200;

/** What a caller can tell about an outcome, independent of which ids were generated. */
const shape = (r: DeliveryResult) => ({ status: r.status, duplicate: r.duplicate, ...('reason' in r ? { reason: r.reason } : {}) });

// With a render thread too: the pool's answers (payloads and render errors) go through the same path.
for (const [dialect, renderThreads] of testDialects().flatMap((d) => [[d, 0] as const, [d, 1] as const])) {
  describe(`delivery: sendMany gives each request the outcome send() gives it (${dialect}${renderThreads ? ', rendered in a worker thread' : ''})`, () => {
    const clock = manualClock(START);
    let t: TestNudge;
    let smtp: TestSmtp;
    let shop: Awaited<ReturnType<typeof setupShop>>;
    const ws = () => t.workspace.id;
    const delivery = () => t.nudge.messaging.delivery;
    const address = (prefix: string, i: number) => `${prefix}-${String(i).padStart(3, '0')}@example.com`;
    const userId = (prefix: string, i: number) => `${prefix}-${String(i).padStart(3, '0')}`;

    /**
     * 200 customers under `prefix`: 0–9 suppressed, 10–19 unsubscribed from the newsletter, 20–24
     * opted out of marketing email, 30 and 32 sent to once already (the earlier send() of 30 is
     * repeated in the batch; 32 gets a second message, over the cap of one), 31 asked for twice
     * in one batch (the cap again), 40's request appears twice in the batch.
     */
    async function scenario(prefix: string): Promise<DeliveryRequest[]> {
      await t.nudge.ingest.ingest(ws(), Array.from({ length: CUSTOMERS }, (_, i) => ({ type: 'identify', userId: userId(prefix, i), traits: { email: address(prefix, i), name: `Customer ${i}` } })));
      await t.nudge.ingest.flush();
      const ids = await t.nudge.profiles.contacts(ws(), Array.from({ length: CUSTOMERS }, (_, i) => userId(prefix, i)));
      const id = (i: number) => ids.get(userId(prefix, i))?.id ?? assert.fail(`no profile ${i}`);
      const consent = t.nudge.messaging.consent;
      for (let i = 0; i < 10; i++) await consent.addSuppression(ws(), { channel: 'email', address: address(prefix, i).toUpperCase(), reason: 'manual' }, 'test');
      for (let i = 10; i < 20; i++) await consent.setSubscription(ws(), id(i), shop.groupId, 'unsubscribed', 'test');
      for (let i = 20; i < 25; i++) await consent.setChannelOptOut(ws(), id(i), 'email', true, 'test');
      // Half the requests name the customer by profile id, half by userId: both resolve alike.
      const request = (i: number, key = `broadcast:b-${prefix}:${i}`): DeliveryRequest => ({
        workspaceId: ws(),
        profileId: i % 2 ? id(i) : userId(prefix, i),
        templateId: shop.templateId,
        idempotencyKey: key,
        source: { kind: 'broadcast', id: `b-${prefix}` },
      });
      for (const i of [30, 32]) assert.equal((await delivery().send(request(i))).status, 'sent');
      const requests = Array.from({ length: CUSTOMERS }, (_, i) => request(i));
      requests.push(request(31, `broadcast:b-${prefix}:31:again`), request(32, `broadcast:b-${prefix}:32:again`));
      requests.splice(100, 0, request(40));
      return requests;
    }

    before(async () => {
      smtp = await startTestSmtp();
      t = await createMessagingTestNudge(dialect, { clock, messaging: { renderThreads, delivery: { backoffMs: 1000, maxAttempts: 3, batchSize: 64, batchConcurrency: 8 } } });
      shop = await setupShop(t, smtp);
      await t.nudge.messaging.consent.setCap(ws(), { channel: 'email', maxMessages: 1, windowDays: 7 }, 'test');
    });
    after(async () => {
      await t.cleanup();
      await smtp.close();
    });
    beforeEach(() => {
      smtp.received.length = 0;
      smtp.answer = () => null;
    });

    test('suppressed, unsubscribed, opted out, capped and repeated requests: the same outcomes as one send() each, every allowed message received once', async () => {
      const viaSend = await scenario('one');
      const expected: DeliveryResult[] = [];
      for (const r of viaSend) expected.push(await delivery().send(r));
      const sentOne = smtp.received.length;
      smtp.received.length = 0;

      const viaBatch = await scenario('many');
      smtp.received.length = 0;
      const results = await delivery().sendMany(viaBatch);
      assert.equal(results.length, viaBatch.length);
      assert.deepEqual(results.map(shape), expected.map(shape));

      // The outcomes themselves, spelled out.
      const byKey = new Map(viaBatch.map((r, i) => [r.idempotencyKey, results[i]]));
      const outcome = (key: string) => byKey.get(`broadcast:b-many:${key}`);
      const outcomeShape = (key: string) => {
        const r = outcome(key);
        return r ? shape(r) : null;
      };
      assert.deepEqual(outcomeShape('3'), { status: 'suppressed', reason: 'suppressed', duplicate: false });
      assert.deepEqual(outcomeShape('12'), { status: 'skipped', reason: 'unsubscribed', duplicate: false });
      assert.deepEqual(outcomeShape('22'), { status: 'skipped', reason: 'opted_out', duplicate: false });
      assert.deepEqual(outcomeShape('30'), { status: 'sent', duplicate: true });
      assert.deepEqual(outcomeShape('31'), { status: 'sent', duplicate: false });
      assert.deepEqual(outcomeShape('31:again'), { status: 'skipped', reason: 'frequency_cap', duplicate: false });
      assert.deepEqual(outcomeShape('32:again'), { status: 'skipped', reason: 'frequency_cap', duplicate: false });
      const forty = results.filter((_, i) => viaBatch[i]?.idempotencyKey === 'broadcast:b-many:40');
      assert.deepEqual(forty.map((r) => [r.status, r.duplicate]), [['sent', false], ['sent', true]]);
      assert.equal(forty[0]?.messageId, forty[1]?.messageId);

      // Each allowed message reached the SMTP server exactly once, as itself.
      const sent = results.filter((r) => r.status === 'sent' && !r.duplicate);
      assert.equal(sent.length, CUSTOMERS - 25 - 2, 'all but the blocked ones and the two sent before the batch');
      assert.equal(smtp.received.length, sent.length);
      assert.equal(smtp.received.length, sentOne - 2, 'as many as the send() scenario (less its two earlier sends)');
      const headerIds = smtp.received.map((m) => rawHeader(m.raw, 'X-Nudge-Message-Id'));
      assert.deepEqual(new Set(headerIds), new Set(sent.map((r) => r.messageId)));
      const mail = smtp.received.find((m) => m.to[0] === address('many', 77));
      assert.equal(mail?.parsed.subject, 'Hello Customer 77');

      // Stored as send() stores them, and the message.sent profile events recorded once each.
      const rows = await t.nudge.database.db.selectFrom('messages').select(['status', 'attempts', 'payload', 'provider_message_id']).where('source_id', '=', 'b-many').execute();
      assert.equal(rows.filter((r) => r.status === 'sent').length, sent.length + 2);
      assert.ok(rows.filter((r) => r.status === 'sent').every((r) => r.attempts === 1 && r.payload !== null && r.provider_message_id !== null));
      await t.nudge.ingest.flush();
      const events = await t.nudge.database.db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).where('workspace_id', '=', ws()).where('name', '=', 'message.sent').where('message_id', 'like', 'nudge-msg_%').execute();
      assert.equal(Number(events[0]?.n), sentOne + sent.length + 2);

      // The same batch again changes nothing and sends nothing.
      smtp.received.length = 0;
      const again = await delivery().sendMany(viaBatch);
      assert.deepEqual(again.map((r) => r.messageId), results.map((r) => r.messageId));
      assert.ok(again.every((r) => r.duplicate));
      assert.equal(smtp.received.length, 0);
    });

    test('a temporary SMTP failure in the middle of a batch is retried through the queue and sent once', async () => {
      const prefix = 'retry';
      await t.nudge.ingest.ingest(ws(), Array.from({ length: 20 }, (_, i) => ({ type: 'identify', userId: userId(prefix, i), traits: { email: address(prefix, i), name: `R${i}` } })));
      await t.nudge.ingest.flush();
      const flaky = address(prefix, 9);
      let refused = 0;
      smtp.answer = ({ to }) => (to.includes(flaky) && refused++ === 0 ? { code: 451, message: '4.3.0 Try again later' } : null);
      const settled: string[] = [];
      delivery().onSettled((m) => settled.push(`${m.messageId}:${m.status}`));
      const requests = Array.from({ length: 20 }, (_, i): DeliveryRequest => ({ workspaceId: ws(), profileId: userId(prefix, i), templateId: shop.templateId, idempotencyKey: `journey:j:${prefix}:${i}`, source: { kind: 'journey', id: 'j', nodeId: 'n1', entryId: `e${i}` } }));
      const results = await delivery().sendMany(requests);
      const failed = results[9];
      assert.equal(failed?.status, 'queued');
      assert.ok(results.every((r, i) => i === 9 || r.status === 'sent'));
      assert.equal(smtp.received.length, 19);

      await t.nudge.queue.drain();
      assert.equal(smtp.received.length, 19, 'not before its back-off');
      clock.advance(1500);
      await t.nudge.queue.drain();
      assert.equal(smtp.received.length, 20);
      assert.equal(smtp.received.filter((m) => m.to.includes(flaky)).length, 1);
      const row = await t.nudge.database.db.selectFrom('messages').selectAll().where('id', '=', failed.messageId).executeTakeFirstOrThrow();
      assert.deepEqual([row.status, row.attempts], ['sent', 2]);
      assert.equal(settled.filter((s) => s.startsWith(`${failed.messageId}:`)).length, 1, 'settles once, when sent');
      assert.equal(settled.length, 20);
    });

    test('an unknown customer or template fails the whole call before anything is written', async () => {
      const before = await t.nudge.database.db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const good: DeliveryRequest = { workspaceId: ws(), profileId: 'bob', templateId: shop.templateId, idempotencyKey: 'broadcast:x:bob', source: { kind: 'broadcast', id: 'x' } };
      await assert.rejects(delivery().sendMany([good, { ...good, profileId: 'nobody', idempotencyKey: 'broadcast:x:nobody' }]), { code: 'NOT_FOUND' });
      await assert.rejects(delivery().sendMany([good, { ...good, templateId: 'tpl_missing', idempotencyKey: 'broadcast:x:tpl' }]), { code: 'NOT_FOUND' });
      const afterCount = await t.nudge.database.db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      assert.equal(Number(afterCount.n), Number(before.n));
      assert.equal(smtp.received.length, 0);
    });
  });
}
