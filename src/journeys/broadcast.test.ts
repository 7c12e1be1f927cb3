import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { testDialects } from '../db/testing.js';
import { apiAs, createMessagingTestNudge, newsletterTemplate, setupShop, startTestSmtp, type TestSmtp } from '../messaging/messaging.testing.js';
import { manualClock } from '../platform/clock.js';
import type { TestNudge } from '../testing/nudge.testing.js';
import { BROADCAST_TICK_QUEUE } from './broadcast.service.js';

const START = Date.UTC(2026, 5, 1, 12); // 20:00 in Shanghai
const MINUTE = 60_000;

interface View {
  id: string;
  status: string;
  winner: string | null;
  counts: { recipients: number; pending: number; held: number; sent: number; failed: number; suppressed: number };
}

for (const dialect of testDialects()) {
  describe(`broadcasts: throttled, quiet hours per customer zone, A/B winner (${dialect})`, () => {
    const clock = manualClock(START);
    let t: TestNudge;
    let smtp: TestSmtp;
    let shop: Awaited<ReturnType<typeof setupShop>>;
    let api: ReturnType<typeof apiAs>;
    let segmentId: string;

    const settle = async () => {
      await t.nudge.ingest.flush();
      await t.nudge.journeys.idle();
      await t.nudge.queue.drain();
    };
    const get = async (id: string): Promise<View> => (await api('GET', `/api/v1/broadcasts/${id}`)).body as View;
    const createAndSend = async (body: Record<string, unknown>): Promise<string> => {
      const res = await api('POST', '/api/v1/broadcasts', { name: 'June picks', segmentId, templateId: shop.templateId, ...body });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      const id = (res.body as View).id;
      const sent = await api('POST', `/api/v1/broadcasts/${id}/send`);
      assert.equal(sent.status, 200, JSON.stringify(sent.body));
      await settle();
      return id;
    };
    const mailsTo = (address: string) => smtp.received.filter((m) => m.to.includes(address));

    before(async () => {
      smtp = await startTestSmtp();
      t = await createMessagingTestNudge(dialect, { clock });
      api = apiAs(t);
      shop = await setupShop(t, smtp);
      await t.nudge.ingest.ingest(t.workspace.id, [
        { type: 'identify', userId: 'ann', traits: { timezone: 'Asia/Shanghai' } },
        { type: 'identify', userId: 'eve', traits: { email: 'eve@example.com', name: 'Eve' } },
      ]);
      const seg = await api('POST', '/api/v1/segments', { name: 'Has email', definition: { root: { kind: 'trait', key: 'email', op: 'exists' } } });
      assert.equal(seg.status, 201, JSON.stringify(seg.body));
      segmentId = (seg.body as { id: string }).id;
      await settle();
    });
    after(async () => {
      await t.cleanup();
      await smtp.close();
    });
    beforeEach(() => {
      smtp.received.length = 0;
    });

    test('two a minute, and the customer in Shanghai waits for the end of quiet hours there', async () => {
      const id = await createAndSend({ throttlePerMinute: 2, quietHours: { start: '19:00', end: '08:00' } });
      assert.equal(smtp.received.length, 2, 'the first minute sends two');
      assert.equal(mailsTo('ann@example.com').length, 0);
      clock.advance(MINUTE);
      await settle();
      assert.equal(smtp.received.length, 3, 'the second minute sends the third UTC customer');
      assert.deepEqual((await get(id)).counts, { recipients: 4, pending: 1, held: 0, sent: 3, failed: 0, suppressed: 0, retrying: 0 });

      clock.set(Date.UTC(2026, 5, 1, 23, 59)); // 07:59 in Shanghai
      await settle();
      assert.equal(mailsTo('ann@example.com').length, 0);
      clock.set(Date.UTC(2026, 5, 2, 0, 0)); // 08:00 in Shanghai
      await settle();
      assert.equal(mailsTo('ann@example.com').length, 1);
      const done = await get(id);
      assert.equal(done.status, 'sent');
      assert.equal(done.counts.sent, 4);

      // A tick repeated after a crash that left a recipient marked pending sends nothing again.
      const db = t.nudge.database.db;
      await db.updateTable('broadcasts').set({ status: 'sending' }).where('id', '=', id).execute();
      await db.updateTable('broadcast_recipients').set({ status: 'pending' }).where('broadcast_id', '=', id).execute();
      await t.nudge.queue.enqueue(BROADCAST_TICK_QUEUE, { workspaceId: t.workspace.id, broadcastId: id });
      await t.nudge.queue.enqueue(BROADCAST_TICK_QUEUE, { workspaceId: t.workspace.id, broadcastId: id });
      await settle();
      // Midnight UTC is inside quiet hours for the UTC customers: their repeat waits until 08:00 UTC.
      for (const at of [Date.UTC(2026, 5, 2, 8, 0), Date.UTC(2026, 5, 2, 8, 1), Date.UTC(2026, 5, 2, 8, 2)]) {
        clock.set(at);
        await settle();
      }
      assert.equal(smtp.received.length, 4, 'every customer received the broadcast exactly once');
      assert.equal((await get(id)).counts.sent, 4);
    });

    test('a draft is edited; a scheduled broadcast goes back to draft, is rescheduled, and sends once, at its new time', async () => {
      const created = await api('POST', '/api/v1/broadcasts', { name: 'Draft picks', segmentId, templateId: shop.templateId, throttlePerMinute: 5 });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const id = (created.body as View).id;
      const first = clock.now() + 30 * MINUTE;
      const edited = await api('PUT', `/api/v1/broadcasts/${id}`, { name: 'July picks', segmentId, templateId: shop.templateId, scheduledAt: new Date(first).toISOString() });
      assert.equal(edited.status, 200, JSON.stringify(edited.body));
      const v = edited.body as View & { name: string; scheduledAt: string | null; throttlePerMinute: number | null };
      // Every field is replaced: the throttle left out of the edit is gone.
      assert.deepEqual({ name: v.name, status: v.status, scheduledAt: v.scheduledAt, throttle: v.throttlePerMinute }, { name: 'July picks', status: 'draft', scheduledAt: new Date(first).toISOString(), throttle: null });

      // Bad edits are refused with the field at fault, and change nothing.
      const noSegment = await api('PUT', `/api/v1/broadcasts/${id}`, { name: 'July picks', segmentId: 'seg_missing', templateId: shop.templateId });
      assert.equal(noSegment.status, 400);
      assert.deepEqual([(noSegment.body as { error: { code: string; field?: string } }).error.code, (noSegment.body as { error: { field?: string } }).error.field], ['BROADCAST_UNKNOWN_SEGMENT', 'segmentId']);
      const noTemplate = await api('PUT', `/api/v1/broadcasts/${id}`, { name: 'July picks', segmentId, templateId: 'tpl_missing' });
      assert.deepEqual([noTemplate.status, (noTemplate.body as { error: { field?: string } }).error.field], [400, 'templateId']);
      const emptyName = await api('PUT', `/api/v1/broadcasts/${id}`, { name: ' ', segmentId, templateId: shop.templateId });
      assert.equal(emptyName.status, 400);
      assert.equal(((await get(id)) as View & { name: string }).name, 'July picks');

      assert.equal((await api('POST', `/api/v1/broadcasts/${id}/send`)).status, 200);
      const locked = await api('PUT', `/api/v1/broadcasts/${id}`, { name: 'Too late', segmentId, templateId: shop.templateId });
      assert.deepEqual([locked.status, (locked.body as { error: { code: string } }).error.code], [409, 'BROADCAST_NOT_DRAFT']);

      // Back to draft before it starts; moved an hour later and sent again.
      const back = await api('POST', `/api/v1/broadcasts/${id}/unschedule`);
      assert.deepEqual([back.status, (back.body as View).status], [200, 'draft']);
      const later = first + 60 * MINUTE;
      assert.equal((await api('PUT', `/api/v1/broadcasts/${id}`, { name: 'July picks', segmentId, templateId: shop.templateId, scheduledAt: new Date(later).toISOString() })).status, 200);
      assert.equal((await api('POST', `/api/v1/broadcasts/${id}/send`)).status, 200);
      // The first start job is still queued for the old time: it finds another time on the broadcast and does nothing.
      clock.set(first);
      await settle();
      assert.equal((await get(id)).status, 'scheduled');
      assert.equal(smtp.received.length, 0, 'nothing at the old time');
      clock.set(later);
      await settle();
      const done = await get(id);
      assert.deepEqual([done.status, done.counts.sent], ['sent', 4]);
      assert.equal(smtp.received.length, 4, 'each customer once');
      const twice = await api('POST', `/api/v1/broadcasts/${id}/unschedule`);
      assert.deepEqual([twice.status, (twice.body as { error: { code: string } }).error.code], [409, 'BROADCAST_NOT_SCHEDULED']);
    });

    test('scheduled A/B test: variants go to the test share; after the window the rest get the variant with more opens', async () => {
      const b = await api('POST', '/api/v1/templates', { ...newsletterTemplate(shop.groupId), name: 'Variant B', body: { channel: 'email', content: { en: { subject: 'Variant B for {{ profile.traits.name }}', html: '<p>B</p>' } } } });
      assert.equal(b.status, 201, JSON.stringify(b.body));
      const variantB = (b.body as { id: string }).id;
      const at = clock.now() + 60 * MINUTE;
      const id = await createAndSend({
        scheduledAt: new Date(at).toISOString(),
        abTest: { variants: [{ key: 'A', templateId: shop.templateId }, { key: 'B', templateId: variantB }], testPercent: 50, winnerMetric: 'open', testWindowMinutes: 30 },
      });
      assert.equal(smtp.received.length, 0, 'nothing before scheduledAt');
      clock.set(at);
      await settle();
      const db = t.nudge.database.db;
      const rows = await db.selectFrom('broadcast_recipients').selectAll().where('broadcast_id', '=', id).execute();
      const tested = rows.filter((r) => r.status === 'sent');
      assert.equal(smtp.received.length, tested.length);
      assert.equal(rows.filter((r) => r.status === 'held').length, 4 - tested.length);
      // The test share is exact, not a hash's chance: half of four, one per variant.
      assert.deepEqual(tested.map((r) => r.variant).sort(), ['A', 'B']);
      // B's recipients opened their messages.
      const bMessages = tested.filter((r) => r.variant === 'B');
      for (const r of bMessages) {
        await db.insertInto('message_events').values({ workspace_id: t.workspace.id, id: `ev-${r.profile_id}`, message_id: r.message_id ?? '', profile_id: r.profile_id, kind: 'open', data: '{}', dedupe_key: null, at: clock.now() }).execute();
      }
      clock.advance(30 * MINUTE);
      await settle();
      const done = await get(id);
      const winner = bMessages.length > 0 ? 'B' : 'A';
      // On failure, the broadcast's jobs say why.
      const jobs = async () => JSON.stringify((await t.nudge.queue.list(t.workspace.id, { limit: 20 })).filter((j) => j.queue.startsWith('broadcasts.')));
      if (done.winner !== winner) assert.fail(`winner ${String(done.winner)}, expected ${winner}; broadcast ${JSON.stringify(done)}; jobs ${await jobs()}`);
      assert.equal(done.status, 'sent');
      assert.equal(done.counts.sent, 4);
      assert.equal(smtp.received.length, 4);
      const heldSubjects = smtp.received.slice(tested.length).map((m) => m.parsed.subject ?? '');
      assert.ok(heldSubjects.every((s) => s.startsWith('Variant B') === (winner === 'B')), heldSubjects.join(', '));
    });

    test("customers without a timezone trait keep quiet hours in the workspace's zone", async () => {
      assert.equal((await api('PATCH', '/api/v1/workspace', { timezone: 'Asia/Shanghai' })).status, 200);
      try {
        clock.set(Date.UTC(2026, 5, 10, 14)); // 14:00 UTC, 22:00 in Shanghai: inside 19:00–08:00 there, outside it in UTC
        const id = await createAndSend({ quietHours: { start: '19:00', end: '08:00' } });
        assert.equal(smtp.received.length, 0, 'nobody is woken at 22:00 Shanghai time');
        assert.equal((await get(id)).counts.pending, 4);
        clock.set(Date.UTC(2026, 5, 11, 0)); // 08:00 in Shanghai
        await settle();
        assert.equal(smtp.received.length, 4);
        assert.equal((await get(id)).status, 'sent');
      } finally {
        await api('PATCH', '/api/v1/workspace', { timezone: 'UTC' });
      }
    });

    test('the broadcast says why those it held back were held back', async () => {
      const ws = t.workspace.id;
      const eve = await t.nudge.profiles.get(ws, 'eve');
      await t.nudge.messaging.consent.setChannelOptOut(ws, eve.id, 'email', true, 'test');
      await t.nudge.messaging.consent.addSuppression(ws, { channel: 'email', address: 'ann@example.com', reason: 'manual' }, 'test');
      try {
        const id = await createAndSend({});
        const view = (await api('GET', `/api/v1/broadcasts/${id}`)).body as View & { heldBack: { reason: string; count: number }[] };
        assert.deepEqual([view.counts.sent, view.counts.suppressed], [2, 2]);
        assert.deepEqual(view.heldBack, [{ reason: 'opted_out', count: 1 }, { reason: 'suppressed', count: 1 }]);
        assert.equal(mailsTo('eve@example.com').length + mailsTo('ann@example.com').length, 0);
      } finally {
        await t.nudge.messaging.consent.setChannelOptOut(ws, eve.id, 'email', false, 'test');
        await t.nudge.messaging.consent.removeSuppression(ws, 'email', 'ann@example.com', 'test');
      }
    });
  });
}
