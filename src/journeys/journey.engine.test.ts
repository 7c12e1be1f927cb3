import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import { testDialects } from '../db/testing.js';
import { apiAs, createMessagingTestNudge, setupShop, startTestSmtp, type TestSmtp } from '../messaging/messaging.testing.js';
import { manualClock } from '../platform/clock.js';
import type { TestNudge } from '../testing/nudge.testing.js';
import { EFFECT_QUEUE, ENTER_QUEUE, TIMER_QUEUE } from './journey.engine.js';
import { e, n } from './journey.fixture.js';
import type { JourneyDefinitionInput } from './journey.schema.js';

const START = Date.UTC(2026, 5, 1, 12);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

for (const dialect of testDialects()) {
  describe(`journey engine: durable entries on the queue (${dialect})`, () => {
    const clock = manualClock(START);
    let t: TestNudge;
    let smtp: TestSmtp;
    let shop: Awaited<ReturnType<typeof setupShop>>;
    let api: ReturnType<typeof apiAs>;
    let seq = 0;

    /** Let committed events (and the segment changes they cause) reach the triggers, then run every due job (twice: jobs can ingest events). */
    const settle = async () => {
      for (let i = 0; i < 2; i++) {
        await t.nudge.ingest.flush();
        await t.nudge.segments.live.flush();
        await t.nudge.journeys.idle();
        await t.nudge.queue.drain();
      }
    };
    const track = async (userId: string, event: string, properties: Record<string, unknown> = {}) => {
      await t.nudge.ingest.ingest(t.workspace.id, [{ type: 'track', userId, event, properties, messageId: `m-${++seq}`, timestamp: new Date(clock.now()).toISOString() }]);
      await settle();
    };
    const advance = async (ms: number) => {
      clock.advance(ms);
      await settle();
    };
    const create = async (definition: JourneyDefinitionInput): Promise<string> => {
      const res = await api('POST', '/api/v1/journeys', { name: `J${++seq}`, definition });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return (res.body as { id: string }).id;
    };
    const publish = async (definition: JourneyDefinitionInput): Promise<string> => {
      const id = await create(definition);
      const res = await api('POST', `/api/v1/journeys/${id}/publish`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return id;
    };
    const entries = async (id: string) => {
      const res = await api('GET', `/api/v1/journeys/${id}/entries`);
      return (res.body as { items: Array<{ id: string; profileId: string; status: string; nodeId: string | null }> }).items;
    };
    const counts = async (id: string) => {
      const res = await api('GET', `/api/v1/journeys/${id}/counts`);
      const nodes = (res.body as { nodes: Array<{ nodeId: string; entered: number; waiting: number; passed: number; converted: number }> }).nodes;
      return Object.fromEntries(nodes.map((x) => [x.nodeId, { entered: x.entered, waiting: x.waiting, passed: x.passed, converted: x.converted }]));
    };
    const mailsTo = (address: string) => smtp.received.filter((m) => m.to.includes(address)).length;

    before(async () => {
      smtp = await startTestSmtp();
      t = await createMessagingTestNudge(dialect, { clock });
      api = apiAs(t);
      shop = await setupShop(t, smtp);
      await t.nudge.ingest.ingest(t.workspace.id, [{ type: 'identify', userId: 'bob', traits: { plan: 'gold' } }]);
      await settle();
    });
    after(async () => {
      await t.cleanup();
      await smtp.close();
    });
    beforeEach(() => {
      smtp.received.length = 0;
    });

    test('an event starts a 3-step journey: email, a day later a condition, a second email for gold customers only', async () => {
      const id = await publish({
        entry: { kind: 'event', event: { name: 'order_placed' }, startNodeId: 'welcome' },
        nodes: [
          n.send('welcome', shop.templateId),
          n.delay('wait', { kind: 'duration', duration: { amount: 1, unit: 'days' } }),
          n.condition('gold', { kind: 'segment', rule: { root: { kind: 'trait', key: 'plan', op: 'equals', value: 'gold' } } }),
          n.send('offer', shop.templateId),
          n.exit('done'),
          n.exit('not_gold'),
        ],
        edges: [e('welcome', 'wait'), e('wait', 'gold'), e('gold', 'offer', 'yes'), e('gold', 'not_gold', 'no'), e('offer', 'done')],
      });
      await track('bob', 'order_placed', { total: 120 });
      await track('cat', 'order_placed', { total: 30 });
      assert.equal(mailsTo('bob@example.com'), 1);
      assert.equal(mailsTo('cat@example.com'), 1);
      assert.deepEqual((await entries(id)).map((x) => [x.status, x.nodeId]), [
        ['waiting', 'wait'],
        ['waiting', 'wait'],
      ]);
      assert.deepEqual((await counts(id)).wait, { entered: 2, waiting: 2, passed: 0, converted: 0 });

      await advance(DAY - HOUR);
      assert.equal(smtp.received.length, 2, 'nothing before the day is up');
      await advance(HOUR);
      assert.equal(mailsTo('bob@example.com'), 2);
      assert.equal(mailsTo('cat@example.com'), 1);
      assert.deepEqual((await entries(id)).map((x) => x.status), ['completed', 'completed']);
      const c = await counts(id);
      assert.deepEqual(c.welcome, { entered: 2, waiting: 0, passed: 2, converted: 0 });
      assert.deepEqual(c.gold, { entered: 2, waiting: 0, passed: 2, converted: 0 });
      assert.deepEqual(c.offer, { entered: 1, waiting: 0, passed: 1, converted: 0 });
      assert.deepEqual(c.done, { entered: 1, waiting: 0, passed: 0, converted: 0 });

      // A retried job (the same enter, timer and effect again, and an effect row a crash left pending) sends nothing twice.
      const db = t.nudge.database.db;
      const bobEntry = (await entries(id)).find((x) => x.profileId === shop.profiles.bob);
      assert.ok(bobEntry);
      // The outbox holds only what is still to do: bob's two sends are carried out and gone.
      assert.equal((await db.selectFrom('journey_effects').select(['id']).where('entry_id', '=', bobEntry.id).execute()).length, 0);
      // The same two rows as a crash right after their commit would have left them (journey.run.ts idempotencyKey: journey, version, entry, node).
      const effects = ['welcome', 'offer'].map((nodeId) => {
        const key = `${id}:1:${bobEntry.id}:${nodeId}`;
        const effect = { kind: 'send', nodeId, channel: 'email', templateId: shop.templateId, idempotencyKey: key, awaitResult: false, context: { event: null, responses: {}, vars: {} } };
        return { workspace_id: t.workspace.id, id: key, entry_id: bobEntry.id, kind: 'send', effect: JSON.stringify(effect), status: 'pending', result: null, created_at: START, updated_at: START };
      });
      await db.insertInto('journey_effects').values(effects).execute();
      for (const fx of effects) await t.nudge.queue.enqueue(EFFECT_QUEUE, { workspaceId: t.workspace.id, effectId: fx.id });
      const waitingSteps = async () => {
        const row = await db.selectFrom('journey_entries').select(['state']).where('id', '=', bobEntry.id).executeTakeFirstOrThrow();
        const state = (typeof row.state === 'string' ? JSON.parse(row.state) : row.state) as { steps: { outcome: string }[] };
        return state.steps.filter((s) => s.outcome === 'waiting');
      };
      await t.nudge.queue.enqueue(TIMER_QUEUE, { workspaceId: t.workspace.id, entryId: bobEntry.id, at: START + DAY });
      const trigger = await db.selectFrom('journey_entries').select(['trigger_key']).where('id', '=', bobEntry.id).executeTakeFirstOrThrow();
      await t.nudge.queue.enqueue(ENTER_QUEUE, { workspaceId: t.workspace.id, journeyId: id, profileId: shop.profiles.bob, triggerKey: trigger.trigger_key, event: null });
      await settle();
      assert.equal((await waitingSteps()).length, 1);
      assert.equal(mailsTo('bob@example.com'), 2, 'each message reached the SMTP server exactly once');
      assert.equal((await db.selectFrom('journey_effects').select(['id']).where('entry_id', '=', bobEntry.id).execute()).length, 0, 'the rows a crash left were carried out, sending nothing again');
      assert.equal((await entries(id)).length, 2);
      await api('POST', `/api/v1/journeys/${id}/archive`);
    });

    test('re-entry: "after 1 day" refuses a second entry the same day and allows one the next', async () => {
      const id = await publish({
        entry: { kind: 'event', event: { name: 'page_liked' }, startNodeId: 's' },
        nodes: [n.send('s', shop.templateId), n.exit('x')],
        edges: [e('s', 'x')],
        settings: { reentry: { policy: 'after', afterDays: 1 } },
      });
      await track('ann', 'page_liked');
      await track('ann', 'page_liked');
      assert.equal(mailsTo('ann@example.com'), 1);
      await advance(DAY);
      await track('ann', 'page_liked');
      assert.equal(mailsTo('ann@example.com'), 2);
      assert.equal((await entries(id)).length, 2);
      await api('POST', `/api/v1/journeys/${id}/archive`);
    });

    test('triggers committed together run as batch jobs: one enter, one timer and one effect job each, the same rules per customer', async () => {
      const id = await publish({
        entry: { kind: 'event', event: { name: 'trial_started' }, startNodeId: 'hello' },
        nodes: [n.send('hello', shop.templateId), n.delay('wait', { kind: 'duration', duration: { amount: 1, unit: 'hours' } }), n.send('again', shop.templateId), n.exit('done')],
        edges: [e('hello', 'wait'), e('wait', 'again'), e('again', 'done')],
      });
      const at = new Date(clock.now()).toISOString();
      // Ann triggers twice in the batch: her second trigger is refused (one entry at a time), as if it came later.
      const events = ['ann', 'bob', 'cat', 'ann'].map((userId, i) => ({ type: 'track', userId, event: 'trial_started', messageId: `trial-${seq}-${i}`, timestamp: at }));
      await t.nudge.ingest.ingest(t.workspace.id, events);
      await settle();
      const jobs = async (queue: string) => (await t.nudge.queue.list(t.workspace.id, { queue, limit: 200 })).filter((j) => j.status === 'done' || j.status === 'pending');
      const enterJobs = await jobs(ENTER_QUEUE);
      const batch = enterJobs.find((j) => (j.result as { outcomes?: Record<string, number> } | null)?.outcomes);
      assert.deepEqual((batch?.result as { outcomes: Record<string, number> }).outcomes, { entered: 3, refused: 1 });
      assert.deepEqual([mailsTo('ann@example.com'), mailsTo('bob@example.com'), mailsTo('cat@example.com')], [1, 1, 1]);
      const list = await entries(id);
      assert.deepEqual(list.map((x) => [x.status, x.nodeId]), [['waiting', 'wait'], ['waiting', 'wait'], ['waiting', 'wait']]);
      assert.deepEqual((await counts(id)).hello, { entered: 3, waiting: 0, passed: 3, converted: 0 });
      const timersBefore = (await jobs(TIMER_QUEUE)).length;
      await advance(HOUR);
      assert.deepEqual([mailsTo('ann@example.com'), mailsTo('bob@example.com'), mailsTo('cat@example.com')], [2, 2, 2]);
      assert.deepEqual((await entries(id)).map((x) => x.status), ['completed', 'completed', 'completed']);
      assert.ok((await jobs(TIMER_QUEUE)).length - timersBefore <= 1, 'the three waits share one timer job');
      // A repeated batch (a retried job) changes nothing and sends nothing.
      const entryRows = await t.nudge.database.db.selectFrom('journey_entries').select(['id', 'profile_id', 'trigger_key']).where('journey_id', '=', id).execute();
      await t.nudge.queue.enqueue(ENTER_QUEUE, { workspaceId: t.workspace.id, items: entryRows.map((r) => ({ journeyId: id, profileId: r.profile_id, triggerKey: r.trigger_key, event: null })) });
      const fx = await t.nudge.database.db.selectFrom('journey_effects').select('id').where('entry_id', 'in', entryRows.map((r) => r.id)).execute();
      await t.nudge.queue.enqueue(EFFECT_QUEUE, { workspaceId: t.workspace.id, effectIds: fx.map((f) => f.id) });
      await settle();
      assert.equal(smtp.received.length, 6, 'each message reached the SMTP server exactly once');
      assert.equal((await entries(id)).length, 3);
      await api('POST', `/api/v1/journeys/${id}/archive`);
    });

    test('wait for event: the event takes the event branch, silence the timeout branch', async () => {
      const id = await publish({
        entry: { kind: 'event', event: { name: 'cart_abandoned' }, startNodeId: 'w' },
        nodes: [n.wait('w', { event: { name: 'checkout_done' }, timeout: { amount: 2, unit: 'hours' } }), n.exit('bought'), n.send('reminder', shop.templateId), n.exit('x')],
        edges: [e('w', 'bought', 'event'), e('w', 'reminder', 'timeout'), e('reminder', 'x')],
      });
      await track('bob', 'cart_abandoned');
      await track('cat', 'cart_abandoned');
      await advance(HOUR);
      await track('bob', 'checkout_done');
      await advance(2 * HOUR);
      assert.equal(mailsTo('bob@example.com'), 0);
      assert.equal(mailsTo('cat@example.com'), 1);
      const byProfile = Object.fromEntries((await entries(id)).map((x) => [x.profileId, x.nodeId]));
      assert.equal(byProfile[shop.profiles.bob ?? ''], 'bought');
      assert.equal(byProfile[shop.profiles.cat ?? ''], 'x');
      await api('POST', `/api/v1/journeys/${id}/archive`);
    });

    /** The next instant after now at `hour`:00 UTC. */
    const nextUtcHour = (hour: number): number => {
      const now = clock.now();
      const at = Math.floor(now / DAY) * DAY + hour * HOUR;
      return at <= now ? at + DAY : at;
    };
    /** Nothing to `address` until a minute before `at`, its one mail by a minute after. */
    const expectMailAt = async (address: string, at: number, when: string): Promise<void> => {
      await advance(at - clock.now() - 60_000);
      assert.equal(mailsTo(address), 0, `not before ${when}`);
      await advance(120_000);
      assert.equal(mailsTo(address), 1, `at ${when}`);
    };

    test("a delay until 09:00 waits for 09:00 in the workspace's zone when the customer has no timezone trait", async () => {
      assert.equal((await api('PATCH', '/api/v1/workspace', { timezone: 'Asia/Shanghai' })).status, 200);
      try {
        const id = await publish({
          entry: { kind: 'event', event: { name: 'morning_note' }, startNodeId: 'd' },
          nodes: [n.delay('d', { kind: 'time_of_day', at: '09:00' }), n.send('note', shop.templateId), n.exit('x')],
          edges: [e('d', 'note'), e('note', 'x')],
        });
        await track('cat', 'morning_note');
        // 09:00 in Shanghai is 01:00 UTC.
        await expectMailAt('cat@example.com', nextUtcHour(1), '09:00 Shanghai time');
        await api('POST', `/api/v1/journeys/${id}/archive`);
      } finally {
        await api('PATCH', '/api/v1/workspace', { timezone: 'UTC' });
      }
    });

    test("a best-time delay waits for the workspace's default send hour, in its zone", async () => {
      assert.equal((await api('PATCH', '/api/v1/workspace', { timezone: 'Asia/Shanghai', defaultSendHour: 8 })).status, 200);
      try {
        const id = await publish({
          entry: { kind: 'event', event: { name: 'best_note' }, startNodeId: 'd' },
          nodes: [n.delay('d', { kind: 'best_time' }), n.send('note', shop.templateId), n.exit('x')],
          edges: [e('d', 'note'), e('note', 'x')],
        });
        await track('cat', 'best_note');
        // 08:00 in Shanghai is 00:00 UTC (the engine's old fixed 10:00 would be 02:00 UTC).
        await expectMailAt('cat@example.com', nextUtcHour(0), '08:00 Shanghai time');
        await api('POST', `/api/v1/journeys/${id}/archive`);
      } finally {
        await api('PATCH', '/api/v1/workspace', { timezone: 'UTC', defaultSendHour: 10 });
      }
    });

    test('the goal event converts an entry mid-wait: nothing more is sent, the nodes it passed count a conversion', async () => {
      const id = await publish({
        entry: { kind: 'event', event: { name: 'trial_started' }, startNodeId: 'd' },
        nodes: [n.delay('d', { kind: 'duration', duration: { amount: 3, unit: 'days' } }), n.send('nudge', shop.templateId), n.exit('x')],
        edges: [e('d', 'nudge'), e('nudge', 'x')],
        settings: { goal: { event: { name: 'subscribed' } } },
      });
      await track('ann', 'trial_started');
      await track('ann', 'subscribed');
      await advance(4 * DAY);
      assert.equal(mailsTo('ann@example.com'), 0);
      assert.deepEqual((await entries(id)).map((x) => x.status), ['converted']);
      assert.deepEqual((await counts(id)).d, { entered: 1, waiting: 0, passed: 0, converted: 1 });
      // Entering and converting are events on the customer's profile, for segments and other journeys.
      await settle();
      const history = await t.nudge.profiles.events(t.workspace.id, 'ann', { limit: 50 });
      const mine = history.items.filter((x) => (x.properties as { journeyId?: string }).journeyId === id).map((x) => x.name);
      assert.deepEqual(mine.sort(), ['journey.converted', 'journey.entered']);
      await api('POST', `/api/v1/journeys/${id}/archive`);
    });

    test('a segment entry starts customers who join the segment; a paused journey starts nobody', async () => {
      const seg = await api('POST', '/api/v1/segments', { name: 'Platinum', definition: { root: { kind: 'trait', key: 'plan', op: 'equals', value: 'platinum' } } });
      assert.equal(seg.status, 201, JSON.stringify(seg.body));
      await settle();
      const id = await publish({
        entry: { kind: 'segment_entered', segmentId: (seg.body as { id: string }).id, startNodeId: 's' },
        nodes: [n.send('s', shop.templateId), n.exit('x')],
        edges: [e('s', 'x')],
      });
      assert.equal((await api('POST', `/api/v1/journeys/${id}/pause`)).status, 200);
      await t.nudge.ingest.ingest(t.workspace.id, [{ type: 'identify', userId: 'cat', traits: { plan: 'platinum' } }]);
      await settle();
      assert.equal(smtp.received.length, 0);
      assert.equal((await api('POST', `/api/v1/journeys/${id}/resume`)).status, 200);
      await t.nudge.ingest.ingest(t.workspace.id, [{ type: 'identify', userId: 'ann', traits: { plan: 'platinum' } }]);
      await settle();
      assert.deepEqual(smtp.received.map((m) => m.to), [['ann@example.com']]);
      assert.deepEqual((await entries(id)).map((x) => x.profileId), [shop.profiles.ann]);
      await api('POST', `/api/v1/journeys/${id}/archive`);
    });

    test('pausing holds customers where they are: nothing is sent until the journey is resumed', async () => {
      const id = await publish({
        entry: { kind: 'event', event: { name: 'trial_started' }, startNodeId: 'wait' },
        nodes: [n.delay('wait', { kind: 'duration', duration: { amount: 1, unit: 'hours' } }), n.send('nudge', shop.templateId), n.exit('x')],
        edges: [e('wait', 'nudge'), e('nudge', 'x')],
      });
      await track('bob', 'trial_started');
      assert.equal((await api('POST', `/api/v1/journeys/${id}/pause`)).status, 200);
      await advance(2 * HOUR);
      assert.equal(mailsTo('bob@example.com'), 0, 'the delay ended while paused: the customer waits');
      assert.deepEqual((await entries(id)).map((x) => [x.status, x.nodeId]), [['waiting', 'wait']]);
      assert.equal((await api('POST', `/api/v1/journeys/${id}/resume`)).status, 200);
      await t.nudge.journeys.engine.recover(); // the sweep re-delivers the overdue timer
      await settle();
      assert.equal(mailsTo('bob@example.com'), 1);
      assert.deepEqual((await entries(id)).map((x) => x.status), ['completed']);
      await api('POST', `/api/v1/journeys/${id}/archive`);
    });

    test('archiving lets the customers inside exit: nothing more is sent to them', async () => {
      const id = await publish({
        entry: { kind: 'event', event: { name: 'quote_requested' }, startNodeId: 'wait' },
        nodes: [n.delay('wait', { kind: 'duration', duration: { amount: 2, unit: 'days' } }), n.send('chase', shop.templateId), n.exit('x')],
        edges: [e('wait', 'chase'), e('chase', 'x')],
      });
      await track('cat', 'quote_requested');
      assert.equal((await api('POST', `/api/v1/journeys/${id}/archive`)).status, 200);
      await settle();
      assert.deepEqual((await entries(id)).map((x) => x.status), ['exited']);
      assert.deepEqual((await counts(id)).wait, { entered: 1, waiting: 0, passed: 0, converted: 0 });
      await advance(3 * DAY);
      assert.equal(mailsTo('cat@example.com'), 0);
    });

    test('a webhook answer feeds a trait update, and a condition right after sees the new trait', async () => {
      const calls: Array<{ body: string; key: string | undefined }> = [];
      const server = http.createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString('utf8')));
        req.on('end', () => {
          const key = req.headers['idempotency-key'];
          calls.push({ body, key: typeof key === 'string' ? key : undefined });
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ tier: 'gold' }));
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as AddressInfo).port; // a TCP listener: address() is an AddressInfo
      try {
        const id = await publish({
          entry: { kind: 'event', event: { name: 'quiz_done' }, startNodeId: 'hook' },
          nodes: [
            n.webhook('hook', `http://127.0.0.1:${port}/score`),
            n.trait('mark', { op: 'set', key: 'tier', value: 'vip-{{ responses.hook.tier }}' }),
            n.condition('vip', { kind: 'segment', rule: { root: { kind: 'trait', key: 'tier', op: 'equals', value: 'vip-gold' } } }),
            n.send('s', shop.templateId),
            n.exit('x'),
            n.exit('failed'),
            n.exit('no'),
          ],
          edges: [e('hook', 'mark', 'success'), e('hook', 'failed', 'failure'), e('mark', 'vip'), e('vip', 's', 'yes'), e('vip', 'no', 'no'), e('s', 'x')],
        });
        await track('cat', 'quiz_done');
        assert.equal(calls.length, 1);
        assert.deepEqual(JSON.parse(calls[0]?.body ?? '{}'), { id: shop.profiles.cat });
        assert.ok(calls[0]?.key?.startsWith(`${id}:1:`));
        assert.equal((await t.nudge.profiles.get(t.workspace.id, 'cat', 0)).traits.tier, 'vip-gold');
        assert.equal(mailsTo('cat@example.com'), 1);
        assert.deepEqual((await entries(id)).map((x) => [x.status, x.nodeId]), [['completed', 'x']]);
        await api('POST', `/api/v1/journeys/${id}/archive`);
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });

    test('a scheduled entry: the daily sweep queues a birthday for 09:00 on the day, once however often it runs', async () => {
      const tomorrow = new Date(clock.now() + DAY);
      const mmdd = `${String(tomorrow.getUTCMonth() + 1).padStart(2, '0')}-${String(tomorrow.getUTCDate()).padStart(2, '0')}`;
      await t.nudge.ingest.ingest(t.workspace.id, [{ type: 'identify', userId: 'eve', traits: { email: 'eve@example.com', name: 'Eve', birthday: `1990-${mmdd}` } }]);
      await settle();
      const id = await publish({
        entry: { kind: 'schedule', trait: 'birthday', when: { kind: 'anniversary' }, at: '09:00', startNodeId: 's' },
        nodes: [n.send('s', shop.templateId), n.exit('x')],
        edges: [e('s', 'x')],
      });
      // The sweep looks one day ahead: tomorrow's birthday at 09:00 UTC may or may not fall inside it yet.
      const nine = Date.UTC(tomorrow.getUTCFullYear(), tomorrow.getUTCMonth(), tomorrow.getUTCDate(), 9);
      if (nine >= clock.now() + DAY) clock.set(nine - DAY + 1);
      assert.equal(await t.nudge.journeys.triggers.sweepSchedules(), 1);
      assert.equal(await t.nudge.journeys.triggers.sweepSchedules(), 1);
      await settle();
      assert.equal(mailsTo('eve@example.com'), 0, 'not before 09:00');
      clock.set(nine);
      await settle();
      assert.equal(await t.nudge.journeys.triggers.sweepSchedules(), 1);
      await settle();
      assert.equal(mailsTo('eve@example.com'), 1);
      assert.equal((await entries(id)).length, 1);
      await api('POST', `/api/v1/journeys/${id}/archive`);
    });

    test('a new version applies to new entries; customers already inside finish on the version they entered', async () => {
      const v1: JourneyDefinitionInput = {
        entry: { kind: 'event', event: { name: 'joined' }, startNodeId: 'd' },
        nodes: [n.delay('d', { kind: 'duration', duration: { amount: 1, unit: 'days' } }), n.send('s', shop.templateId), n.exit('x')],
        edges: [e('d', 's'), e('s', 'x')],
      };
      const id = await publish(v1);
      await track('bob', 'joined');
      const v2: JourneyDefinitionInput = { ...v1, nodes: [n.delay('d', { kind: 'duration', duration: { amount: 1, unit: 'days' } }), n.exit('x')], edges: [e('d', 'x')] };
      assert.equal((await api('PUT', `/api/v1/journeys/${id}`, { definition: v2 })).status, 200);
      assert.equal(((await api('POST', `/api/v1/journeys/${id}/publish`)).body as { currentVersion: number }).currentVersion, 2);
      await track('cat', 'joined');
      await advance(DAY);
      assert.equal(mailsTo('bob@example.com'), 1, 'v1 still sends to bob');
      assert.equal(mailsTo('cat@example.com'), 0, 'v2 sends nothing');
      const versions = (await api('GET', `/api/v1/journeys/${id}/versions`)).body as { items: Array<{ version: number }> };
      assert.deepEqual(versions.items.map((v) => v.version), [2, 1]);
      await api('POST', `/api/v1/journeys/${id}/archive`);
    });

    test('publish refuses a loop without a delay (code, node id, JSON path) and an unknown template', async () => {
      const loop = await create({
        entry: { kind: 'event', event: { name: 'x' }, startNodeId: 'a' },
        nodes: [n.condition('a', { kind: 'context', where: [{ path: 'event.name', op: 'equals', value: 'x' }] }), n.send('b', shop.templateId), n.exit('z')],
        edges: [e('a', 'b', 'yes'), e('a', 'z', 'no'), e('b', 'a')],
      });
      const res = await api('POST', `/api/v1/journeys/${loop}/publish`);
      assert.equal(res.status, 400);
      const err = (res.body as { error: { code: string; field: string; details: { issues: Array<{ code: string; nodeId?: string; path: string }> } } }).error;
      assert.equal(err.code, 'JOURNEY_CYCLE_WITHOUT_DELAY');
      assert.equal(err.details.issues[0]?.nodeId, 'a');
      assert.equal(err.field, 'nodes[0]');
      assert.equal((await api('GET', `/api/v1/journeys/${loop}`)).body && ((await api('GET', `/api/v1/journeys/${loop}`)).body as { status: string }).status, 'draft');

      const unknown = await create({ entry: { kind: 'event', event: { name: 'x' }, startNodeId: 's' }, nodes: [n.exit('e'), n.send('s', 'tpl_missing')], edges: [e('s', 'e')] });
      const res2 = await api('POST', `/api/v1/journeys/${unknown}/publish`);
      assert.equal(res2.status, 400);
      const err2 = (res2.body as { error: { code: string; field: string; details: { issues: Array<{ nodeId?: string }> } } }).error;
      assert.deepEqual([err2.code, err2.field, err2.details.issues[0]?.nodeId], ['JOURNEY_UNKNOWN_TEMPLATE', 'nodes[1].config.templateId', 's']);
    });

    test('simulate renders the messages a customer would get, on a virtual clock, and sends nothing', async () => {
      const id = await create({
        entry: { kind: 'event', event: { name: 'sim' }, startNodeId: 's' },
        nodes: [n.send('s', shop.templateId), n.delay('d', { kind: 'duration', duration: { amount: 2, unit: 'days' } }), n.send('s2', shop.templateId), n.exit('x')],
        edges: [e('s', 'd'), e('d', 's2'), e('s2', 'x')],
      });
      const res = await api('POST', `/api/v1/journeys/${id}/simulate`, { profileId: 'bob', draft: true, startAt: new Date(START).toISOString() });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const timeline = (res.body as { timeline: Array<{ kind: string; at: string; rendered?: { subject?: string } }> }).timeline;
      const messages = timeline.filter((x) => x.kind === 'message');
      assert.deepEqual(messages.map((m) => m.rendered?.subject), ['Hello Bob', 'Hello Bob']);
      assert.equal(messages[1]?.at, new Date(START + 2 * DAY).toISOString());
      assert.equal(smtp.received.length, 0);
    });
  });
}
