import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DAY, e, journey, n, rule, T0 } from './journey.fixture.js';
import { readPath } from './journey.match.js';
import { simulate, type RenderContext, type TimelineItem } from './journey.simulate.js';

/** Welcome email → wait 2 days → wait up to 3 days for an order: thank-you SMS, or a reminder email. */
const def = journey({
  nodes: [
    n.send('welcome', 'tpl_welcome'),
    n.delay('pause', { kind: 'duration', duration: { amount: 2, unit: 'days' } }),
    n.wait('order', { event: { name: 'order_placed' }, timeout: { amount: 3, unit: 'days' } }),
    n.send('thanks', 'tpl_thanks', 'sms'),
    n.send('reminder', 'tpl_reminder'),
    n.exit('done'),
  ],
  edges: [e('welcome', 'pause'), e('pause', 'order'), e('order', 'thanks', 'event'), e('order', 'reminder', 'timeout'), e('thanks', 'done'), e('reminder', 'done')],
});

const TEMPLATES: Record<string, { subject?: string; text: string }> = {
  tpl_welcome: { subject: 'Welcome, {{name}}', text: 'Hello {{name}}' },
  tpl_thanks: { text: '谢谢 {{name}}, order {{order}}' },
  tpl_reminder: { subject: 'Still thinking, {{name}}?', text: 'Your cart misses you' },
};

/** A stand-in for Liquid: {{name}} from traits, {{order}} from the event a wait received. */
function render(templateId: string, ctx: RenderContext) {
  const t = TEMPLATES[templateId] ?? { text: '' };
  const orderId = readPath(ctx.context.responses, 'order.properties.id');
  const fill = (s: string) => s.replaceAll('{{name}}', String(ctx.profile.traits.name)).replaceAll('{{order}}', String(orderId ?? ''));
  return { ...(t.subject ? { subject: fill(t.subject) } : {}), text: fill(t.text) };
}

const profile = { id: 'prf_7', traits: { name: 'Li Wei', timezone: 'Asia/Shanghai' } };
const at = (ms: number) => new Date(ms).toISOString();
const summary = (timeline: TimelineItem[]) =>
  timeline.map((item) => {
    switch (item.kind) {
      case 'step':
        return `${at(item.at)} ${item.step.nodeId ?? '-'} ${item.step.outcome}${item.step.handle ? `:${item.step.handle}` : ''}`;
      case 'message':
        return `${at(item.at)} ${item.channel} ${item.rendered.subject ?? item.rendered.text ?? ''}`;
      case 'event':
        return `${at(item.at)} event ${item.event.name}`;
      case 'stopped':
        return `${at(item.at)} stopped ${item.reason} ${item.status}`;
      default:
        return `${at(item.at)} ${item.kind}`;
    }
  });

describe('simulate', () => {
  test('an order on day 3 takes the thank-you branch, with each message rendered and timed', async () => {
    const timeline = await simulate(def, profile, {
      startEvent: { name: 'signed_up', properties: {} },
      startAt: T0,
      events: [{ at: T0 + 3 * DAY, event: { name: 'order_placed', properties: { id: 'A-100' } } }],
      render,
      matches: () => false,
    });
    assert.deepEqual(summary(timeline), [
      '2025-03-03T08:00:00.000Z - entered',
      '2025-03-03T08:00:00.000Z email Welcome, Li Wei',
      '2025-03-03T08:00:00.000Z welcome sent',
      '2025-03-03T08:00:00.000Z pause waiting',
      '2025-03-05T08:00:00.000Z pause delay_elapsed',
      '2025-03-05T08:00:00.000Z order waiting',
      '2025-03-06T08:00:00.000Z event order_placed',
      '2025-03-06T08:00:00.000Z order event_received:event',
      '2025-03-06T08:00:00.000Z sms 谢谢 Li Wei, order A-100',
      '2025-03-06T08:00:00.000Z thanks sent',
      '2025-03-06T08:00:00.000Z done completed',
      '2025-03-06T08:00:00.000Z stopped ended completed',
    ]);
  });

  test('without an order the reminder goes out when the wait times out', async () => {
    const timeline = await simulate(def, profile, { startEvent: null, startAt: T0, render, matches: () => false });
    const messages = timeline.filter((i) => i.kind === 'message').map((i) => [at(i.at), i.kind === 'message' ? i.templateId : '']);
    assert.deepEqual(messages, [
      ['2025-03-03T08:00:00.000Z', 'tpl_welcome'],
      ['2025-03-08T08:00:00.000Z', 'tpl_reminder'],
    ]);
  });

  test('max days stops a journey still waiting; a goal event converts it', async () => {
    const short = await simulate(def, profile, { startEvent: null, startAt: T0, maxDays: 1, render, matches: () => false });
    assert.deepEqual(summary(short).at(-1), '2025-03-04T08:00:00.000Z stopped max_days waiting');
    const withGoal = journey({ ...structuredClone({ nodes: def.nodes, edges: def.edges }), settings: { goal: { event: { name: 'order_placed' } } } });
    const converted = await simulate(withGoal, profile, {
      startEvent: null,
      startAt: T0,
      events: [{ at: T0 + DAY, event: { name: 'order_placed', properties: {} } }],
      render,
      matches: () => false,
    });
    assert.deepEqual(summary(converted).slice(-2), ['2025-03-04T08:00:00.000Z pause converted', '2025-03-04T08:00:00.000Z stopped ended converted']);
  });

  test('trait updates are applied to the simulated profile, so later conditions see them', async () => {
    const gold = rule('gold');
    const upgrade = journey({
      nodes: [n.trait('up', { op: 'set', key: 'plan', value: 'gold' }), n.condition('c', { kind: 'segment', rule: gold }), n.send('g', 'tpl_welcome'), n.exit('x')],
      edges: [e('up', 'c'), e('c', 'g', 'yes'), e('c', 'x', 'no'), e('g', 'x')],
    });
    const timeline = await simulate(upgrade, profile, {
      startEvent: null,
      startAt: T0,
      render,
      matches: (r, { traits }) => JSON.stringify(r) === JSON.stringify(gold) && traits.plan === 'gold',
    });
    assert.ok(summary(timeline).includes('2025-03-03T08:00:00.000Z c branch:yes'));
    assert.equal(profile.traits.name, 'Li Wei'); // the caller's profile is not changed
    assert.equal('plan' in profile.traits, false);
  });
});
