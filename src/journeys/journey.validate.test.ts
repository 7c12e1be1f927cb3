import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UserError } from '../platform/errors.js';
import { e, journey, n, rule } from './journey.fixture.js';
import { journeyIssuesError, parseJourneyDefinition, type JourneyIssue } from './journey.issues.js';
import type { JourneyDefinitionInput } from './journey.schema.js';
import { validateJourney, validateJourneyGraph } from './journey.validate.js';

/** A valid journey: wait for a purchase (2 days), then a condition, a 50/50 split, a webhook. */
const VALID = {
  nodes: [
    n.send('welcome', 'tpl_welcome'),
    n.wait('wait', { event: { name: 'order_placed' }, timeout: { amount: 2, unit: 'days' } }),
    n.condition('vip', { kind: 'segment', rule: rule('gold') }),
    n.split('ab', [
      { key: 'a', percent: 50 },
      { key: 'b', percent: 50 },
    ]),
    n.send('offer_a', 'tpl_a', 'sms'),
    n.send('offer_b', 'tpl_b'),
    n.webhook('crm', 'https://crm.example.com/hook'),
    n.delay('pause', { kind: 'duration', duration: { amount: 1, unit: 'days' } }),
    n.exit('done'),
  ],
  edges: [
    e('welcome', 'wait'),
    e('wait', 'vip', 'event'),
    e('wait', 'ab', 'timeout'),
    e('vip', 'crm', 'yes'),
    e('vip', 'done', 'no'),
    e('ab', 'offer_a', 'a'),
    e('ab', 'offer_b', 'b'),
    e('offer_a', 'done'),
    e('offer_b', 'pause'),
    e('pause', 'welcome'), // a loop, but through a delay
    e('crm', 'done', 'success'),
    e('crm', 'done', 'failure'),
  ],
};

const codes = (issues: readonly JourneyIssue[]) => issues.map((i) => [i.code, i.path, i.nodeId ?? null]);

/** The valid journey with a change. */
function variant(change: (j: { nodes: typeof VALID.nodes; edges: typeof VALID.edges }) => void) {
  const copy = structuredClone(VALID);
  change(copy);
  return journey(copy);
}

describe('journey schema issues (parseJourneyDefinition)', () => {
  const raw = (): Record<string, unknown> => structuredClone({ entry: { kind: 'event', event: { name: 'x' }, startNodeId: 'welcome' }, nodes: VALID.nodes, edges: VALID.edges, settings: {} });

  test('a valid document parses with defaults applied', () => {
    const parsed = parseJourneyDefinition(raw());
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.definition.settings, { reentry: { policy: 'never' }, exitConditions: [], holdoutPercent: 0 });
  });

  const CASES: Array<[string, (doc: Record<string, unknown> & { nodes: JourneyDefinitionInput['nodes'] }) => void, string, string, string | null]> = [
    ['an unknown node type', (d) => Object.assign(d.nodes[1] ?? {}, { type: 'teleport' }), 'JOURNEY_UNKNOWN_NODE_TYPE', 'nodes[1].type', 'wait'],
    ['a send without a template', (d) => Object.assign(d.nodes[0] ?? {}, { config: { channel: 'email' } }), 'JOURNEY_INVALID', 'nodes[0].config.templateId', 'welcome'],
    ['an unknown channel', (d) => Object.assign(d.nodes[0] ?? {}, { config: { channel: 'fax', templateId: 't' } }), 'JOURNEY_INVALID', 'nodes[0].config.channel', 'welcome'],
    ['a bad time of day', (d) => d.nodes.push(n.delay('late', { kind: 'time_of_day', at: '25:00' })), 'JOURNEY_INVALID', `nodes[9].config.at`, 'late'],
    ['a bad node id', (d) => Object.assign(d.nodes[0] ?? {}, { id: 'has space' }), 'JOURNEY_INVALID', 'nodes[0].id', 'has space'],
    ['an unknown time zone', (d) => Object.assign(d, { settings: { timezone: 'Mars/Olympus' } }), 'JOURNEY_INVALID_TIMEZONE', 'settings.timezone', null],
    ['holdout above 50%', (d) => Object.assign(d, { settings: { holdoutPercent: 60 } }), 'JOURNEY_INVALID', 'settings.holdoutPercent', null],
    ['reentry after without days', (d) => Object.assign(d, { settings: { reentry: { policy: 'after' } } }), 'JOURNEY_INVALID', 'settings.reentry.afterDays', null],
    ['quiet hours that start when they end', (d) => Object.assign(d, { settings: { quietHours: { start: '22:00', end: '22:00' } } }), 'JOURNEY_INVALID', 'settings.quietHours.end', null],
    ['an unknown entry kind', (d) => Object.assign(d, { entry: { kind: 'telepathy', startNodeId: 'welcome' } }), 'JOURNEY_INVALID', 'entry.kind', null],
  ];
  for (const [what, change, code, path, nodeId] of CASES) {
    test(`${what} → ${code} at ${path}`, () => {
      const doc = raw() as Record<string, unknown> & { nodes: JourneyDefinitionInput['nodes'] }; // raw() is built from VALID's node array
      change(doc);
      const parsed = parseJourneyDefinition(doc);
      assert.equal(parsed.ok, false);
      if (parsed.ok) return;
      assert.deepEqual(codes(parsed.issues)[0], [code, path, nodeId]);
    });
  }
});

describe('journey graph validation', () => {
  test('a valid journey has no issues (a loop through a delay is fine)', () => {
    assert.deepEqual(validateJourneyGraph(journey(VALID)), []);
  });

  test('JOURNEY_DUPLICATE_ID: nodes, edges and split branch keys', () => {
    const def = variant((j) => {
      j.nodes.push(n.exit('done'));
      j.edges.push({ ...e('vip', 'done', 'no') });
      const split = j.nodes[3];
      if (split?.type === 'split') split.config.branches[1] = { key: 'a', percent: 50 };
    });
    const dup = validateJourneyGraph(def).filter((i) => i.code === 'JOURNEY_DUPLICATE_ID');
    assert.deepEqual(codes(dup), [
      ['JOURNEY_DUPLICATE_ID', 'nodes[9].id', 'done'],
      ['JOURNEY_DUPLICATE_ID', 'edges[12].id', null],
      ['JOURNEY_DUPLICATE_ID', 'nodes[3].config.branches[1].key', 'ab'],
    ]);
  });

  test('JOURNEY_NO_ENTRY_NODE: the start node does not exist, or there are no nodes', () => {
    const def = journey({ ...VALID, entry: { kind: 'segment_entered', segmentId: 's1', startNodeId: 'nope' } });
    assert.deepEqual(codes(validateJourneyGraph(def)), [['JOURNEY_NO_ENTRY_NODE', 'entry.startNodeId', null]]);
    const empty = journey({ nodes: [], edges: [] });
    assert.deepEqual(codes(validateJourneyGraph(empty)), [['JOURNEY_NO_ENTRY_NODE', 'entry.startNodeId', null]]);
  });

  test('JOURNEY_BAD_EDGE: unknown source, unknown target, unknown handle, from an exit', () => {
    const def = variant((j) => {
      j.edges.push(e('ghost', 'done'), e('welcome', 'ghost', 'x'), e('vip', 'done', 'maybe'), e('done', 'welcome'));
    });
    const bad = validateJourneyGraph(def).filter((i) => i.code === 'JOURNEY_BAD_EDGE');
    assert.deepEqual(
      bad.map((i) => [i.path, i.params?.reason]),
      [
        ['edges[12].source', 'unknown_source'],
        ['edges[13].target', 'unknown_target'],
        ['edges[14].sourceHandle', 'unknown_handle'],
        ['edges[15].source', 'from_exit'],
      ],
    );
  });

  test('JOURNEY_MISSING_HANDLE: an edge without a handle from a condition', () => {
    const def = variant((j) => {
      j.edges = j.edges.filter((x) => x.id !== 'vip-no-done');
      j.edges.push(e('vip', 'done'));
    });
    const issues = validateJourneyGraph(def);
    assert.deepEqual(codes(issues.filter((i) => i.code === 'JOURNEY_MISSING_HANDLE')), [['JOURNEY_MISSING_HANDLE', 'edges[11].sourceHandle', 'vip']]);
    // …and the `no` branch is then a dead end.
    assert.deepEqual(codes(issues.filter((i) => i.code === 'JOURNEY_DEAD_END')), [['JOURNEY_DEAD_END', 'nodes[2]', 'vip']]);
  });

  test('JOURNEY_MULTIPLE_EDGES: two edges leave one handle', () => {
    const def = variant((j) => j.edges.push({ ...e('vip', 'offer_a', 'yes'), id: 'again' }));
    assert.deepEqual(codes(validateJourneyGraph(def)), [['JOURNEY_MULTIPLE_EDGES', 'edges[12].sourceHandle', 'vip']]);
  });

  test('JOURNEY_DEAD_END: a branch, a split branch and a last node with nowhere to go', () => {
    const def = variant((j) => {
      j.edges = j.edges.filter((x) => !['wait-timeout-ab', 'ab-b-offer_b', 'offer_a-next-done'].includes(x.id));
      j.edges.push(e('wait', 'done', 'timeout'));
    });
    const dead = validateJourneyGraph(def).filter((i) => i.code === 'JOURNEY_DEAD_END');
    assert.deepEqual(
      dead.map((i) => [i.path, i.nodeId, i.params?.handle]),
      [
        ['nodes[3].config.branches[1]', 'ab', 'b'],
        ['nodes[4]', 'offer_a', null],
      ],
    );
  });

  test('JOURNEY_UNREACHABLE_NODE: nothing leads to a node', () => {
    const def = variant((j) => {
      j.nodes.push(n.send('orphan', 'tpl_x'));
      j.edges.push(e('orphan', 'done'));
    });
    assert.deepEqual(codes(validateJourneyGraph(def)), [['JOURNEY_UNREACHABLE_NODE', 'nodes[9]', 'orphan']]);
  });

  test('JOURNEY_CYCLE_WITHOUT_DELAY: a loop through a condition and a send, and a self-loop', () => {
    const def = journey({
      nodes: [n.send('s', 't'), n.condition('c', { kind: 'segment', rule: rule('gold') }), n.split('loop', [{ key: 'again', percent: 50 }, { key: 'out', percent: 50 }]), n.exit('x')],
      edges: [e('s', 'c'), e('c', 's', 'yes'), e('c', 'loop', 'no'), e('loop', 'loop', 'again'), e('loop', 'x', 'out')],
    });
    const cycles = validateJourneyGraph(def).filter((i) => i.code === 'JOURNEY_CYCLE_WITHOUT_DELAY');
    assert.deepEqual(
      cycles.map((i) => [i.path, i.nodeId, i.params?.nodes]),
      [
        ['nodes[0]', 's', ['s', 'c']],
        ['nodes[2]', 'loop', ['loop']],
      ],
    );
  });

  test('JOURNEY_SPLIT_PERCENTAGES: branches must add up to 100', () => {
    const def = variant((j) => {
      const split = j.nodes[3];
      if (split?.type === 'split') split.config.branches = [{ key: 'a', percent: 50 }, { key: 'b', percent: 40 }];
    });
    const issues = validateJourneyGraph(def);
    assert.deepEqual(codes(issues), [['JOURNEY_SPLIT_PERCENTAGES', 'nodes[3].config.branches', 'ab']]);
    assert.equal(issues[0]?.params?.total, 90);
  });

  test('JOURNEY_INVALID_URL: a webhook URL must be http(s), unless it starts with Liquid', () => {
    const bad = variant((j) => Object.assign(j.nodes[6] ?? {}, { config: { url: 'ftp://files.example.com' } }));
    assert.deepEqual(codes(validateJourneyGraph(bad)), [['JOURNEY_INVALID_URL', 'nodes[6].config.url', 'crm']]);
    const liquid = variant((j) => Object.assign(j.nodes[6] ?? {}, { config: { url: '{{ workspace.crm_url }}/hook' } }));
    assert.deepEqual(validateJourneyGraph(liquid), []);
  });
});

describe('publish checks through callbacks', () => {
  test('template issues are reported at the send node with its path; rule issues under the rule', async () => {
    const def = journey({ ...VALID, settings: { exitConditions: [{ kind: 'segment', rule: rule('churned') }] } });
    const issues = await validateJourney(def, {
      checkTemplate: (templateId, channel) =>
        templateId === 'tpl_a' && channel === 'sms' ? [{ code: 'TEMPLATE_SMS_TOO_LONG', message: 'SMS is 4 segments', zh: '短信共 4 条', path: 'body.content.zh.text', params: { segments: 4 } }] : [],
      checkRule: (r) => (JSON.stringify(r).includes('churned') ? [{ code: 'SEGMENT_UNKNOWN_COMPUTED_TRAIT', message: 'no such trait', field: 'root.key' }] : []),
    });
    assert.deepEqual(codes(issues), [
      ['TEMPLATE_SMS_TOO_LONG', 'nodes[4].config.templateId', 'offer_a'],
      ['SEGMENT_UNKNOWN_COMPUTED_TRAIT', 'settings.exitConditions[0].rule.root.key', null],
    ]);
    assert.deepEqual(issues[0]?.params, { segments: 4, templateId: 'tpl_a', templatePath: 'body.content.zh.text', templateMessageZh: '短信共 4 条' });
    // In Chinese the publish error says what the template check said, not only its code.
    const zh = (journeyIssuesError(issues).details as { issues: { message: { zh: string } }[] }).issues[0]?.message.zh;
    assert.equal(zh, '节点 "offer_a" 使用的模板 "tpl_a" 未通过检查：短信共 4 条');
  });

  test('JOURNEY_UNKNOWN_SEGMENT: a segment entry names a segment that does not exist', async () => {
    const def = journey({ ...VALID, entry: { kind: 'segment_entered', segmentId: 'seg_gone', startNodeId: 'welcome' } });
    const issues = await validateJourney(def, { segmentExists: async (id) => id === 'seg_here' });
    assert.deepEqual(codes(issues), [['JOURNEY_UNKNOWN_SEGMENT', 'entry.segmentId', null]]);
  });

  test('journeyIssuesError carries the first code and path, and every issue', () => {
    const issues = validateJourneyGraph(journey({ ...VALID, entry: { kind: 'event', event: { name: 'x' }, startNodeId: 'nope' } }));
    const err = journeyIssuesError(issues);
    assert.ok(err instanceof UserError);
    assert.equal(err.code, 'JOURNEY_NO_ENTRY_NODE');
    assert.equal(err.field, 'entry.startNodeId');
    // Every issue, its message in both languages (the error handler sends the caller's).
    const details = err.details as { issues: { message: { en: string; zh: string } }[] };
    assert.deepEqual(details.issues.map((i) => ({ ...i, message: i.message.en })), issues);
    for (const i of details.issues) assert.match(i.message.zh, /[\u4e00-\u9fff]/);
  });
});
