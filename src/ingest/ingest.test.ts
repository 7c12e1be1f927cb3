import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDialects } from '../db/testing.js';
import { basicAuth, createTestNudge, type TestNudge } from '../testing/nudge.testing.js';

for (const dialect of testDialects()) {
  describe(`Segment ingestion (${dialect})`, () => {
    let t: TestNudge;
    before(async () => {
      t = await createTestNudge(dialect);
    });
    after(async () => t.cleanup());

    /** POST, then wait until accepted events are on their profiles. */
    const post = async (url: string, payload: unknown, auth?: string, headers: Record<string, string> = {}) => {
      const res = await t.app.inject({ method: 'POST', url, payload: typeof payload === 'string' ? payload : JSON.stringify(payload), headers: { 'content-type': 'application/json', authorization: auth ?? basicAuth(t.workspace.writeKey), ...headers } });
      await t.nudge.ingest.flush();
      return res;
    };

    test('track with Basic auth stores the event on a profile, Bearer works too', async () => {
      const res = await post('/v1/track', { userId: 'u1', event: 'Product Viewed', properties: { product_id: 'p1', price: 12.5 }, messageId: 'm-1', timestamp: '2026-01-02T03:04:05.000Z' });
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json(), { success: true, accepted: 1 });
      const res2 = await post('/v1/page', { anonymousId: 'a9', name: 'Home', messageId: 'm-2' }, `Bearer ${t.workspace.writeKey}`);
      assert.equal(res2.statusCode, 200, res2.body);
      const profile = await t.nudge.profiles.get(t.workspace.id, 'u1');
      assert.equal(profile.events.length, 1);
      assert.equal(profile.events[0]?.name, 'Product Viewed');
      assert.deepEqual(profile.events[0]?.properties, { product_id: 'p1', price: 12.5 });
      assert.equal(profile.events[0]?.timestamp, '2026-01-02T03:04:05.000Z');
    });

    test('a retried messageId is acknowledged but stored once', async () => {
      const ev = { userId: 'u2', event: 'Signed Up', messageId: 'dup-1' };
      assert.equal((await post('/v1/track', ev)).json().accepted, 1);
      const again = await post('/v1/batch', { batch: [{ ...ev, type: 'track' }, { ...ev, type: 'track' }] });
      assert.deepEqual(again.json(), { success: true, accepted: 2 }, 'a retry is acknowledged like the first send');
      const profile = await t.nudge.profiles.get(t.workspace.id, 'u2');
      assert.equal(profile.eventCount, 1);
      assert.equal(profile.events.length, 1);
    });

    test('clock skew is corrected as Segment does: receivedAt - (sentAt - timestamp)', async () => {
      const before = Date.now();
      // The client clock is 1 hour fast: it says the event happened 10 s before it was sent.
      const sentAt = new Date(before + 3600_000);
      const original = new Date(sentAt.getTime() - 10_000);
      await post('/v1/batch', { sentAt: sentAt.toISOString(), batch: [{ type: 'track', userId: 'skew', event: 'E', messageId: 'skew-1', timestamp: original.toISOString() }] });
      const ev = (await t.nudge.profiles.get(t.workspace.id, 'skew')).events[0];
      const ts = Date.parse(ev?.timestamp ?? '');
      assert.ok(Math.abs(ts - (before - 10_000)) < 5_000, `corrected timestamp ${ev?.timestamp}`);
    });

    test('anonymous browsing merges into the customer on identify', async () => {
      await post('/v1/batch', {
        batch: [
          { type: 'page', anonymousId: 'anon-1', name: 'Home', messageId: 'a1', timestamp: '2026-03-01T10:00:00Z' },
          { type: 'track', anonymousId: 'anon-1', event: 'Product Viewed', messageId: 'a2', timestamp: '2026-03-01T10:01:00Z' },
        ],
      });
      await post('/v1/identify', { userId: 'alice', anonymousId: 'anon-1', traits: { email: 'Alice@Example.com', name: 'Alice' }, messageId: 'a3', timestamp: '2026-03-01T10:02:00Z' });
      const byEmail = await t.nudge.profiles.get(t.workspace.id, 'alice@example.com');
      const byAnon = await t.nudge.profiles.get(t.workspace.id, 'anon-1');
      assert.equal(byEmail.id, byAnon.id);
      assert.equal(byEmail.userId, 'alice');
      assert.equal(byEmail.email, 'alice@example.com');
      assert.equal(byEmail.eventCount, 3);
      assert.deepEqual(byEmail.identities.map((i) => i.kind).sort(), ['anonymous_id', 'email', 'user_id']);
    });

    test('two existing profiles that are one person merge deterministically, traits last-write-wins', async () => {
      // A known customer and a separate anonymous profile with its own traits.
      await post('/v1/identify', { userId: 'bob', traits: { city: 'Beijing', plan: 'free' }, messageId: 'b1', timestamp: '2026-03-01T00:00:00Z' });
      await post('/v1/identify', { anonymousId: 'anon-b', traits: { city: 'Shanghai' }, messageId: 'b2', timestamp: '2026-03-05T00:00:00Z' });
      await post('/v1/track', { anonymousId: 'anon-b', event: 'Cart Viewed', messageId: 'b3', timestamp: '2026-03-05T00:01:00Z' });
      await post('/v1/identify', { userId: 'bob', traits: { plan: 'gold' }, messageId: 'b4', timestamp: '2026-03-02T00:00:00Z' });
      const anonProfile = await t.nudge.profiles.get(t.workspace.id, 'anon-b');
      // alias links the anonymous profile to bob: the profile with the userId survives.
      await post('/v1/alias', { userId: 'bob', previousId: 'anon-b', messageId: 'b5', timestamp: '2026-03-06T00:00:00Z' });
      const bob = await t.nudge.profiles.get(t.workspace.id, 'bob');
      assert.notEqual(bob.id, anonProfile.id);
      assert.equal(bob.traits.city, 'Shanghai', 'the later write (Mar 5) wins over Mar 1');
      assert.equal(bob.traits.plan, 'gold');
      assert.equal((await t.nudge.profiles.get(t.workspace.id, 'anon-b')).id, bob.id);
      assert.equal((await t.nudge.profiles.get(t.workspace.id, anonProfile.id)).id, bob.id, 'the merged id leads to the survivor');
      assert.equal(bob.eventCount, 5);
      assert.ok(bob.events.some((e) => e.name === 'Cart Viewed'), 'events moved to the survivor');
      assert.deepEqual(bob.merges.map((m) => [m.fromProfileId, m.reason]), [[anonProfile.id, 'alias']]);
    });

    test("Nudge's own events go on the profile they name, its survivor after a merge, or nowhere once it is gone, and never count as the customer seen", async () => {
      await post('/v1/identify', { userId: 'olga', traits: { plan: 'free' }, messageId: 'own-1', timestamp: '2026-04-01T00:00:00Z' });
      await post('/v1/track', { anonymousId: 'anon-o', event: 'Cart Viewed', messageId: 'own-2', timestamp: '2026-04-02T00:00:00Z' });
      const olga = await t.nudge.profiles.get(t.workspace.id, 'olga');
      const anon = await t.nudge.profiles.get(t.workspace.id, 'anon-o');
      const own = (messageId: string, knownProfileId: string, at: string) => ({
        messageId, type: 'track' as const, name: 'message.sent', userId: null, anonymousId: null, knownProfileId,
        properties: { channel: 'email' }, context: {}, timestamp: Date.parse(at), receivedAt: Date.parse(at), sentAt: null,
      });
      // One batch: for olga, a repeat of it, for the anonymous profile, and for a profile that does not exist.
      await t.nudge.ingest.ingestAccepted(t.workspace.id, [
        own('nudge-s1', olga.id, '2026-05-01T00:00:00Z'),
        own('nudge-s1', olga.id, '2026-05-01T00:00:00Z'),
        own('nudge-s2', anon.id, '2026-05-01T00:00:00Z'),
        own('nudge-s3', 'prf_gone', '2026-05-01T00:00:00Z'),
      ]);
      await t.nudge.ingest.flush();
      const after = await t.nudge.profiles.get(t.workspace.id, 'olga');
      assert.deepEqual(after.events.map((e) => e.name ?? e.type), ['message.sent', 'identify']);
      assert.equal(after.eventCount, olga.eventCount, 'our send is not an event of the customer');
      assert.equal(after.lastSeenAt, olga.lastSeenAt, 'nor does it make them seen');
      assert.deepEqual(after.traits, olga.traits);
      // The anonymous profile merges into olga; an event naming it afterwards lands on olga.
      await post('/v1/alias', { userId: 'olga', previousId: 'anon-o', messageId: 'own-3', timestamp: '2026-05-02T00:00:00Z' });
      await t.nudge.ingest.ingestAccepted(t.workspace.id, [own('nudge-s4', anon.id, '2026-05-03T00:00:00Z')]);
      await t.nudge.ingest.flush();
      const merged = await t.nudge.profiles.get(t.workspace.id, 'olga');
      assert.deepEqual(merged.events.filter((e) => e.name === 'message.sent').map((e) => e.timestamp), ['2026-05-03T00:00:00.000Z', '2026-05-01T00:00:00.000Z', '2026-05-01T00:00:00.000Z']);
      const { db } = t.nudge.database;
      const gone = await db.selectFrom('events').select('message_id').where('workspace_id', '=', t.workspace.id).where('message_id', '=', 'nudge-s3').execute();
      assert.deepEqual(gone, [], 'no event is stored for a profile that does not exist');
    });

    test('two different known customers on one device are not merged', async () => {
      await post('/v1/identify', { userId: 'carol', anonymousId: 'shared-device', messageId: 'c1' });
      await post('/v1/identify', { userId: 'dave', anonymousId: 'shared-device', messageId: 'c2' });
      const carol = await t.nudge.profiles.get(t.workspace.id, 'carol');
      const dave = await t.nudge.profiles.get(t.workspace.id, 'dave');
      assert.notEqual(carol.id, dave.id);
    });

    test('phone and email identify the same customer across events', async () => {
      await post('/v1/identify', { anonymousId: 'anon-p', traits: { phone: '+86 138-0013-8000' }, messageId: 'p1' });
      await post('/v1/identify', { userId: 'erin', traits: { phone: '+8613800138000' }, messageId: 'p2' });
      const erin = await t.nudge.profiles.get(t.workspace.id, 'erin');
      assert.equal(erin.phone, '+8613800138000');
      assert.equal((await t.nudge.profiles.get(t.workspace.id, 'anon-p')).id, erin.id);
    });

    test('Order Completed creates an order with line items and revenue', async () => {
      await post('/v1/track', { userId: 'frank', event: 'Order Completed', messageId: 'o1', properties: { order_id: 'ord-1', total: 300, currency: 'cny', products: [{ product_id: 'p1', price: 100, quantity: 2 }, { product_id: 'p2', price: 100 }] } });
      const frank = await t.nudge.profiles.get(t.workspace.id, 'frank');
      assert.deepEqual([frank.stats.orders, frank.stats.revenue], [1, 300]);
    });

    describe('bad input changes nothing', () => {
      const cases: [string, string, unknown, number, string, string | null][] = [
        ['malformed JSON', '/v1/track', '{"userId": "x", ', 400, 'MALFORMED_JSON', 'body'],
        ['unknown event type', '/v1/batch', { batch: [{ type: 'purchase', userId: 'x', messageId: 'bad1' }] }, 400, 'EVENT_UNKNOWN_TYPE', 'batch[0].type'],
        ['missing userId and anonymousId', '/v1/batch', { batch: [{ type: 'track', event: 'E', messageId: 'bad2' }] }, 400, 'EVENT_MISSING_IDENTITY', 'batch[0].userId'],
        ['wrong type', '/v1/track', { userId: 'x', event: 42, messageId: 'bad3' }, 400, 'EVENT_INVALID', 'event'],
        ['missing event name', '/v1/track', { userId: 'x', messageId: 'bad4' }, 400, 'EVENT_INVALID', 'event'],
        ['bad timestamp', '/v1/track', { userId: 'x', event: 'E', timestamp: 'yesterday', messageId: 'bad5' }, 400, 'EVENT_INVALID', 'timestamp'],
        ['empty batch', '/v1/batch', { batch: [] }, 400, 'BATCH_INVALID', 'batch'],
      ];
      for (const [name, url, payload, status, code, field] of cases) {
        test(name, async () => {
          const count = await t.nudge.eventStore.count(t.nudge.database.db, t.workspace.id);
          const res = await post(url, payload);
          assert.equal(res.statusCode, status, res.body);
          assert.equal(res.json().error.code, code);
          assert.equal(res.json().error.field, field);
          assert.equal(await t.nudge.eventStore.count(t.nudge.database.db, t.workspace.id), count);
        });
      }

      test('one bad event rejects the whole batch', async () => {
        const count = await t.nudge.eventStore.count(t.nudge.database.db, t.workspace.id);
        const res = await post('/v1/batch', { batch: [{ type: 'track', userId: 'ok', event: 'Fine', messageId: 'good-1' }, { type: 'track', event: 'E', messageId: 'bad-2' }] });
        assert.equal(res.statusCode, 400);
        assert.equal(res.json().error.field, 'batch[1].userId');
        assert.equal(await t.nudge.eventStore.count(t.nudge.database.db, t.workspace.id), count);
      });

      test('invalid UTF-8 is refused', async () => {
        const body = Buffer.concat([Buffer.from('{"userId":"x","event":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
        const res = await t.app.inject({ method: 'POST', url: '/v1/track', payload: body, headers: { 'content-type': 'application/json', authorization: basicAuth(t.workspace.writeKey) } });
        assert.equal(res.statusCode, 400);
        assert.equal(res.json().error.code, 'INVALID_UTF8');
      });

      test('an event over 32 KB and a batch over 500 KB name the limit', async () => {
        const big = 'x'.repeat(33 * 1024);
        const one = await post('/v1/track', { userId: 'x', event: 'E', properties: { big } });
        assert.equal(one.statusCode, 413);
        assert.equal(one.json().error.code, 'EVENT_TOO_LARGE');
        assert.match(one.json().error.message, /32 KB/);
        const inBatch = await post('/v1/batch', { batch: [{ type: 'track', userId: 'x', event: 'E', properties: { big } }] });
        assert.equal(inBatch.statusCode, 413);
        assert.equal(inBatch.json().error.code, 'EVENT_TOO_LARGE');
        assert.equal(inBatch.json().error.field, 'batch[0]');
        const batch = Array.from({ length: 20 }, (_, i) => ({ type: 'track', userId: 'x', event: 'E', messageId: `big-${i}`, properties: { s: 'y'.repeat(30 * 1024) } }));
        const huge = await post('/v1/batch', { batch });
        assert.equal(huge.statusCode, 413);
        assert.equal(huge.json().error.code, 'BATCH_TOO_LARGE');
        assert.match(huge.json().error.message, /500 KB/);
      });

      test('missing, unknown and secret keys are refused on ingest', async () => {
        const ev = { userId: 'x', event: 'E' };
        const none = await t.app.inject({ method: 'POST', url: '/v1/track', payload: ev });
        assert.equal(none.statusCode, 401);
        assert.equal(none.json().error.code, 'AUTH_WRITE_KEY_REQUIRED');
        assert.equal((await post('/v1/track', ev, basicAuth('wk_nope'))).json().error.code, 'AUTH_INVALID_KEY');
        assert.equal((await post('/v1/track', ev, `Bearer ${t.workspace.secretKey}`)).statusCode, 401);
      });
    });
  });
}
