import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DAY, driver, e, effectsOf, HOUR, journey, MIN, n, rule, runtime, T0, trail } from './journey.fixture.js';
import { advance } from './journey.interpreter.js';
import type { JourneyState, JsonValue } from './journey.state.js';

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('delay', () => {
  test('a duration delay waits, then the journey goes on and ends at the exit node', async () => {
    const def = journey({
      nodes: [n.delay('d', { kind: 'duration', duration: { amount: 30, unit: 'minutes' } }), n.send('s', 'tpl'), n.exit('x')],
      edges: [e('d', 's'), e('s', 'x')],
    });
    const ctx = runtime();
    const j = driver(def, ctx);
    const first = await j.start();
    assert.equal(j.state.status, 'waiting');
    assert.deepEqual(j.state.waitingFor, { kind: 'delay' });
    assert.equal(j.state.wakeAt, T0 + 30 * MIN);
    assert.deepEqual(effectsOf(first.effects, 'schedule_timer'), [{ kind: 'schedule_timer', at: T0 + 30 * MIN }]);
    await j.wake();
    assert.deepEqual(trail(j.effects), ['-:entered', 'd:waiting', 'd:delay_elapsed', 's:sent', 'x:completed:exit_node']);
    assert.equal(j.state.status, 'completed');
    assert.equal(j.state.endedAt, T0 + 30 * MIN);
  });

  test('a days delay keeps the local wall-clock time across a DST change (23 hours in New York in March)', async () => {
    const def = journey({ nodes: [n.delay('d', { kind: 'duration', duration: { amount: 1, unit: 'days' } }), n.exit('x')], edges: [e('d', 'x')] });
    const ctx = runtime({ now: Date.parse('2025-03-08T17:00:00Z'), traits: { timezone: 'America/New_York' } }); // 12:00 EST
    const j = driver(def, ctx);
    await j.start();
    assert.equal(iso(j.state.wakeAt), '2025-03-09T16:00:00.000Z'); // 12:00 EDT
  });

  const timeOfDay = async (now: string, tz: string, at: string, weekdays?: Array<'sat' | 'mon'>) => {
    const def = journey({ nodes: [n.delay('d', { kind: 'time_of_day', at, ...(weekdays ? { weekdays } : {}) }), n.exit('x')], edges: [e('d', 'x')] });
    const j = driver(def, runtime({ now: Date.parse(now), traits: { timezone: tz } }));
    await j.start();
    return iso(j.state.wakeAt);
  };

  test('until 09:00 in Asia/Shanghai (UTC+8, no DST)', async () => {
    assert.equal(await timeOfDay('2025-03-03T08:00:00Z', 'Asia/Shanghai', '09:00'), '2025-03-04T01:00:00.000Z'); // 16:00 → tomorrow 09:00
    assert.equal(await timeOfDay('2025-03-03T00:30:00Z', 'Asia/Shanghai', '09:00'), '2025-03-03T01:00:00.000Z'); // 08:30 → today 09:00
    assert.equal(await timeOfDay('2025-03-03T08:00:00Z', 'Asia/Shanghai', '09:00', ['sat']), '2025-03-08T01:00:00.000Z'); // Monday → Saturday
  });

  test('until 09:00 in America/New_York across both DST changes', async () => {
    // Saturday 10:00 EST → Sunday 09:00 EDT: 13:00Z, not 14:00Z.
    assert.equal(await timeOfDay('2025-03-08T15:00:00Z', 'America/New_York', '09:00'), '2025-03-09T13:00:00.000Z');
    // Saturday 10:00 EDT → Sunday 09:00 EST: 14:00Z.
    assert.equal(await timeOfDay('2025-11-01T14:00:00Z', 'America/New_York', '09:00'), '2025-11-02T14:00:00.000Z');
    // 02:30 does not exist on 9 March: the clock skips to 03:30 EDT.
    assert.equal(await timeOfDay('2025-03-09T05:00:00Z', 'America/New_York', '02:30'), '2025-03-09T07:30:00.000Z');
    // 01:30 happens twice on 2 November: the first (EDT).
    assert.equal(await timeOfDay('2025-11-02T04:00:00Z', 'America/New_York', '01:30'), '2025-11-02T05:30:00.000Z');
  });

  test('the zone falls back from the trait to the journey setting to the workspace', async () => {
    const def = journey({ nodes: [n.delay('d', { kind: 'time_of_day', at: '09:00' }), n.exit('x')], edges: [e('d', 'x')], settings: { timezone: 'Asia/Shanghai' } });
    const wake = async (traits: Record<string, unknown>, ws?: string) => {
      const j = driver(def, runtime({ traits, ...(ws ? { timezone: ws } : {}) }));
      await j.start();
      return iso(j.state.wakeAt);
    };
    assert.equal(await wake({ timezone: 'America/New_York' }), '2025-03-03T14:00:00.000Z');
    assert.equal(await wake({ timezone: 'Not/AZone' }), '2025-03-04T01:00:00.000Z');
    const noSetting = journey({ nodes: [n.delay('d', { kind: 'time_of_day', at: '09:00' }), n.exit('x')], edges: [e('d', 'x')] });
    const j = driver(noSetting, runtime({ timezone: 'America/New_York' }));
    await j.start();
    assert.equal(iso(j.state.wakeAt), '2025-03-03T14:00:00.000Z');
  });

  test('best_time falls back to the workspace default hour in the customer zone', async () => {
    const def = journey({ nodes: [n.delay('d', { kind: 'best_time' }), n.exit('x')], edges: [e('d', 'x')] });
    const j = driver(def, runtime({ traits: { timezone: 'Asia/Shanghai' } }));
    await j.start();
    assert.equal(iso(j.state.wakeAt), '2025-03-04T02:00:00.000Z'); // 10:00 CST tomorrow
  });
});

describe('wait_for_event', () => {
  const def = journey({
    nodes: [
      n.wait('w', { event: { name: 'order_placed', where: [{ path: 'total', op: 'gte', value: 100 }] }, timeout: { amount: 2, unit: 'days' } }),
      n.send('thanks', 'tpl_thanks'),
      n.send('nudge', 'tpl_nudge'),
      n.exit('x'),
    ],
    edges: [e('w', 'thanks', 'event'), e('w', 'nudge', 'timeout'), e('thanks', 'x'), e('nudge', 'x')],
  });

  test('an event before the timeout takes the event branch and is kept as responses.<nodeId>', async () => {
    const ctx = runtime();
    const j = driver(def, ctx);
    await j.start({ kind: 'start', event: null, vars: {} });
    const timeout = j.state.wakeAt;
    ctx.clock.set(T0 + DAY);
    const small = await j.step({ kind: 'event', event: { name: 'order_placed', properties: { total: 20 } } });
    assert.equal(small.ignored, 'no_match');
    await j.step({ kind: 'event', event: { name: 'order_placed', properties: { total: 150 }, messageId: 'm1' } });
    assert.deepEqual(j.state.context.responses.w, { name: 'order_placed', properties: { total: 150 }, messageId: 'm1' });
    assert.deepEqual(trail(j.effects).slice(2), ['w:event_received:event', 'thanks:sent', 'x:completed:exit_node']);
    // The timeout's timer still fires later: it no longer matches the state.
    ctx.clock.set(timeout ?? 0);
    const late = await advance(def, j.state, { kind: 'timer', at: timeout ?? 0 }, ctx);
    assert.equal(late.ignored, 'ended');
  });

  test('an event delivered again does not answer the next wait too (a retried job, a batch announced again)', async () => {
    const twice = journey({
      nodes: [n.wait('w1', { event: { name: 'order_placed' }, timeout: { amount: 2, unit: 'days' } }), n.wait('w2', { event: { name: 'order_placed' }, timeout: { amount: 2, unit: 'days' } }), n.exit('x'), n.exit('y')],
      edges: [e('w1', 'w2', 'event'), e('w1', 'y', 'timeout'), e('w2', 'x', 'event'), e('w2', 'y', 'timeout')],
    });
    const j = driver(twice, runtime());
    await j.start();
    const order = { name: 'order_placed', properties: {}, messageId: 'order-1' };
    await j.step({ kind: 'event', event: order });
    assert.equal(j.state.nodeId, 'w2');
    assert.equal((await j.step({ kind: 'event', event: order })).ignored, 'already_answered');
    assert.equal(j.state.nodeId, 'w2');
    await j.step({ kind: 'event', event: { ...order, messageId: 'order-2' } });
    assert.deepEqual([j.state.status, j.state.nodeId], ['completed', 'x']);
  });

  test('no event before the timeout takes the timeout branch; a later event changes nothing', async () => {
    const ctx = runtime();
    const j = driver(def, ctx);
    await j.start();
    await j.wake();
    assert.equal(ctx.clock.now(), T0 + 2 * DAY);
    assert.deepEqual(trail(j.effects).slice(2), ['w:timed_out:timeout', 'nudge:sent', 'x:completed:exit_node']);
    const after = await j.step({ kind: 'event', event: { name: 'order_placed', properties: { total: 500 } } });
    assert.equal(after.ignored, 'ended');
  });

  test('a timer that is not the pending one, or early, is ignored (an early one re-arms itself)', async () => {
    const ctx = runtime();
    const j = driver(def, ctx);
    await j.start();
    const before = j.state;
    const stale = await advance(def, before, { kind: 'timer', at: T0 + 5 }, ctx);
    assert.equal(stale.ignored, 'stale_timer');
    assert.equal(stale.state, before);
    const early = await advance(def, before, { kind: 'timer', at: before.wakeAt ?? 0 }, ctx);
    assert.equal(early.ignored, 'early_timer');
    assert.deepEqual(early.effects, [{ kind: 'schedule_timer', at: before.wakeAt }]);
  });
});

describe('condition, send, update_trait, webhook', () => {
  test('a segment condition branches on ctx.matches', async () => {
    const def = journey({
      nodes: [n.condition('c', { kind: 'segment', rule: rule('gold') }), n.send('gold', 'tpl_gold'), n.exit('x')],
      edges: [e('c', 'gold', 'yes'), e('c', 'x', 'no'), e('gold', 'x')],
    });
    const yes = runtime();
    yes.holding.add(JSON.stringify(rule('gold')));
    const a = driver(def, yes);
    await a.start();
    assert.deepEqual(trail(a.effects), ['-:entered', 'c:branch:yes', 'gold:sent', 'x:completed:exit_node']);
    const b = driver(def, runtime());
    await b.start();
    assert.deepEqual(trail(b.effects), ['-:entered', 'c:branch:no', 'x:completed:exit_node']);
  });

  test('send: an effect with the idempotency key and a snapshot of the context', async () => {
    const def = journey({ nodes: [n.send('welcome', 'tpl_welcome', 'sms'), n.exit('x')], edges: [e('welcome', 'x')] });
    const j = driver(def, runtime());
    await j.start({ kind: 'start', event: { name: 'signed_up', properties: { plan: 'pro' } }, vars: { source: 'ad' } });
    assert.deepEqual(effectsOf(j.effects, 'send'), [
      {
        kind: 'send',
        nodeId: 'welcome',
        channel: 'sms',
        templateId: 'tpl_welcome',
        idempotencyKey: 'jrn_1:3:ent_1:welcome',
        awaitResult: false,
        context: { event: { name: 'signed_up', properties: { plan: 'pro' } }, responses: {}, vars: { source: 'ad' } },
      },
    ]);
  });

  test('an awaited send pauses for its answer and branches on it', async () => {
    const def = journey({
      nodes: [n.send('email', 'tpl_e', 'email', true), n.send('sms', 'tpl_s', 'sms'), n.exit('x')],
      edges: [e('email', 'x', 'sent'), e('email', 'sms', 'failed'), e('sms', 'x')],
    });
    const j = driver(def, runtime());
    await j.start();
    assert.equal(j.state.status, 'active');
    assert.deepEqual(j.state.waitingFor, { kind: 'effect', effect: 'send', idempotencyKey: 'jrn_1:3:ent_1:email' });
    const wrong = await j.step({ kind: 'effect_result', idempotencyKey: 'other', ok: true });
    assert.equal(wrong.ignored, 'unexpected_result');
    await j.step({ kind: 'effect_result', idempotencyKey: 'jrn_1:3:ent_1:email', ok: false, error: 'bounced' });
    assert.deepEqual(trail(j.effects).slice(2), ['email:send_result:failed', 'sms:sent', 'x:completed:exit_node']);
  });

  test('update_trait asks for the write and waits for it, so the next node sees the value', async () => {
    const def = journey({
      nodes: [n.trait('t', { op: 'increment', key: 'journey_count', by: 1 }), n.condition('c', { kind: 'segment', rule: rule('gold') }), n.exit('x')],
      edges: [e('t', 'c'), e('c', 'x', 'yes'), e('c', 'x', 'no')],
    });
    const j = driver(def, runtime());
    await j.start();
    const [effect] = effectsOf(j.effects, 'update_trait');
    assert.deepEqual(effect?.change, { op: 'increment', key: 'journey_count', by: 1 });
    assert.equal(j.state.status, 'active');
    await j.step({ kind: 'effect_result', idempotencyKey: effect?.idempotencyKey ?? '', ok: true });
    assert.deepEqual(trail(j.effects).slice(1), ['t:trait_update', 't:trait_update_result:ok', 'c:branch:no', 'x:completed:exit_node']);
  });

  test('webhook: the JSON answer lands in responses.<nodeId> and a context condition reads it', async () => {
    const def = journey({
      nodes: [
        n.webhook('crm', 'https://crm.example.com/eligible'),
        n.condition('ok', { kind: 'context', where: [{ path: 'responses.crm.eligible', op: 'equals', value: true }] }),
        n.send('offer', 'tpl_offer'),
        n.exit('x'),
      ],
      edges: [e('crm', 'ok', 'success'), e('crm', 'x', 'failure'), e('ok', 'offer', 'yes'), e('ok', 'x', 'no'), e('offer', 'x')],
    });
    const run = async (ok: boolean, response: JsonValue) => {
      const j = driver(def, runtime());
      await j.start();
      const [call] = effectsOf(j.effects, 'call_webhook');
      assert.equal(call?.request.url, 'https://crm.example.com/eligible');
      await j.step({ kind: 'effect_result', idempotencyKey: call?.idempotencyKey ?? '', ok, response });
      return { trail: trail(j.effects).slice(2), state: j.state };
    };
    const yes = await run(true, { eligible: true });
    assert.deepEqual(yes.trail, ['crm:webhook_result:success', 'ok:branch:yes', 'offer:sent', 'x:completed:exit_node']);
    assert.deepEqual(yes.state.context.responses.crm, { eligible: true });
    assert.deepEqual((await run(true, { eligible: 'yes' })).trail.slice(1, 2), ['ok:branch:no']);
    assert.deepEqual((await run(false, { error: 'down' })).trail, ['crm:webhook_result:failure', 'x:completed:exit_node']);
  });

  test('a node visited again gets a new idempotency key', async () => {
    const def = journey({
      nodes: [n.send('s', 'tpl_daily'), n.delay('d', { kind: 'duration', duration: { amount: 1, unit: 'days' } })],
      edges: [e('s', 'd'), e('d', 's')],
    });
    const j = driver(def, runtime());
    await j.start();
    await j.wake();
    await j.wake();
    assert.deepEqual(
      effectsOf(j.effects, 'send').map((s) => s.idempotencyKey),
      ['jrn_1:3:ent_1:s', 'jrn_1:3:ent_1:s:2', 'jrn_1:3:ent_1:s:3'],
    );
    assert.deepEqual(j.state.visits, { s: 3, d: 3 });
  });
});

describe('goal, exit conditions, quiet hours, limits', () => {
  const base = {
    nodes: [n.delay('d', { kind: 'duration', duration: { amount: 3, unit: 'days' } }), n.send('s', 'tpl'), n.exit('x')],
    edges: [e('d', 's'), e('s', 'x')],
  };

  test('a goal event converts and ends the journey; nothing is sent afterwards', async () => {
    const def = journey({ ...base, settings: { goal: { event: { name: 'purchase' }, withinDays: 7 } } });
    const ctx = runtime();
    const j = driver(def, ctx);
    await j.start();
    ctx.clock.set(T0 + DAY);
    await j.step({ kind: 'event', event: { name: 'purchase', properties: {} } });
    assert.equal(j.state.status, 'converted');
    assert.equal(j.state.endReason, 'goal');
    assert.equal((await advance(def, j.state, { kind: 'timer', at: T0 + 3 * DAY }, ctx)).ignored, 'ended');
    assert.equal(effectsOf(j.effects, 'send').length, 0);
  });

  test('a goal event after withinDays does not count', async () => {
    const def = journey({ ...base, nodes: [n.delay('d', { kind: 'duration', duration: { amount: 30, unit: 'days' } }), ...base.nodes.slice(1)], settings: { goal: { event: { name: 'purchase' }, withinDays: 7 } } });
    const ctx = runtime();
    const j = driver(def, ctx);
    await j.start();
    ctx.clock.set(T0 + 8 * DAY);
    assert.equal((await j.step({ kind: 'event', event: { name: 'purchase', properties: {} } })).ignored, 'no_match');
    assert.equal(j.state.status, 'waiting');
  });

  test('an exit event exits at once; an exit rule exits where the entry resumes', async () => {
    const def = journey({ ...base, settings: { exitConditions: [{ kind: 'event', event: { name: 'unsubscribed' } }, { kind: 'segment', rule: rule('churned') }] } });
    const a = driver(def, runtime());
    await a.start();
    await a.step({ kind: 'event', event: { name: 'unsubscribed', properties: {} } });
    assert.deepEqual([a.state.status, a.state.endReason, a.state.nodeId], ['exited', 'exit_event', 'd']);
    const ctx = runtime();
    const b = driver(def, ctx);
    await b.start();
    ctx.holding.add(JSON.stringify(rule('churned')));
    await b.wake();
    assert.deepEqual([b.state.status, b.state.endReason], ['exited', 'exit_rule']);
    assert.equal(effectsOf(b.effects, 'send').length, 0);
  });

  test('quiet hours hold a send until they end in the customer zone', async () => {
    const def = journey({ nodes: [n.send('s', 'tpl', 'sms'), n.exit('x')], edges: [e('s', 'x')], settings: { quietHours: { start: '21:00', end: '08:00' } } });
    const ctx = runtime({ now: Date.parse('2025-03-04T03:30:00Z'), traits: { timezone: 'America/New_York' } }); // 22:30 EST
    const j = driver(def, ctx);
    await j.start();
    assert.deepEqual(j.state.waitingFor, { kind: 'quiet_hours' });
    assert.equal(iso(j.state.wakeAt), '2025-03-04T13:00:00.000Z'); // 08:00 EST
    await j.wake();
    assert.deepEqual(effectsOf(j.effects, 'send').map((s) => s.idempotencyKey), ['jrn_1:3:ent_1:s']);
    assert.equal(j.state.status, 'completed');
  });

  test('a control customer walks the same path, sends are recorded as suppressed', async () => {
    const def = journey({ ...base, settings: { holdoutPercent: 50 } });
    const j = driver(def, runtime());
    await j.start({ kind: 'start', event: null, vars: {}, control: true });
    await j.wake();
    assert.equal(j.state.control, true);
    assert.deepEqual(trail(j.effects), ['-:entered', 'd:waiting', 'd:delay_elapsed', 's:suppressed_by_control', 'x:completed:exit_node']);
    assert.equal(effectsOf(j.effects, 'send').length, 0);
  });

  test('an unvalidated loop without a delay stops at the step limit instead of spinning', async () => {
    const def = journey({ nodes: [n.condition('c', { kind: 'segment', rule: rule('gold') })], edges: [e('c', 'c', 'yes'), e('c', 'c', 'no')] });
    const j = driver(def, runtime());
    await j.start();
    assert.deepEqual([j.state.status, j.state.endReason], ['exited', 'step_limit']);
    assert.equal(j.state.steps.length, 100); // history is capped…
    assert.ok(j.state.stepCount > 500); // …the count is not
  });

  test('a running entry whose node was removed exits; a dead end completes', async () => {
    const ctx = runtime();
    const j = driver(journey(base), ctx);
    await j.start();
    const changed = journey({ nodes: [n.exit('x')], edges: [] });
    ctx.clock.set(j.state.wakeAt ?? 0);
    const moved = await advance(changed, j.state, { kind: 'timer', at: j.state.wakeAt ?? 0 }, ctx);
    assert.deepEqual([moved.state.status, moved.state.endReason], ['exited', 'missing_node']);
    const dead = driver(journey({ nodes: [n.send('s', 'tpl')], edges: [] }), runtime());
    await dead.start();
    assert.deepEqual([dead.state.status, dead.state.endReason, dead.state.nodeId], ['completed', 'dead_end', 's']);
  });

  test('the same inputs give the same state and effects; a second start is ignored', async () => {
    const def = journey({ ...base, settings: { holdoutPercent: 20 } });
    const once = async () => {
      const j = driver(def, runtime());
      await j.start();
      await j.wake();
      return { state: j.state, effects: j.effects };
    };
    assert.deepEqual(await once(), await once());
    const j = driver(def, runtime());
    await j.start();
    const state: JourneyState = j.state;
    const again = await j.start();
    assert.equal(again.ignored, 'already_started');
    assert.equal(again.state, state);
  });

  test('timer delivered at the pending instant after an hour of clock skew still resumes', async () => {
    const ctx = runtime();
    const j = driver(journey(base), ctx);
    await j.start();
    ctx.clock.set((j.state.wakeAt ?? 0) + HOUR);
    await j.step({ kind: 'timer', at: j.state.wakeAt ?? 0 });
    assert.equal(j.state.status, 'completed');
  });
});
