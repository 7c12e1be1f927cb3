import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connect, emptyDraft, ENTRY_EDGE_ID, ENTRY_ID, issueTarget, issuesOf, handlesOf, newNode, NODE_TYPES, readDraft, removeEdges, removeNodes, replaceNode, type DraftNodeOf } from './flow';

const at = { x: 0, y: 0 };

test('every new node has the handles the server routes by', () => {
  const expected: Record<(typeof NODE_TYPES)[number], readonly (string | null)[]> = {
    delay: [null],
    wait_for_event: ['event', 'timeout'],
    condition: ['yes', 'no'],
    split: ['a', 'b'],
    send: [null],
    update_trait: [null],
    webhook: ['success', 'failure'],
    exit: [],
  };
  for (const type of NODE_TYPES) assert.deepEqual(handlesOf(newNode(type, `${type}_1`, at)), expected[type], type);
  const send = newNode('send', 's', at) as DraftNodeOf<'send'>; // newNode('send') returns a send node
  const awaiting = { ...send, config: { ...send.config, awaitResult: true } };
  assert.deepEqual(handlesOf(awaiting), ['sent', 'failed']);
});

test('connecting from the entry sets the start node; a handle leads one way, so reconnecting replaces the edge', () => {
  let d = { ...emptyDraft(), nodes: [newNode('condition', 'c', at), newNode('exit', 'x', at), newNode('exit', 'y', at)] };
  d = connect(d, ENTRY_ID, null, 'c');
  assert.equal(d.entry.startNodeId, 'c');
  d = connect(d, 'c', 'yes', 'x');
  d = connect(d, 'c', 'no', 'x');
  d = connect(d, 'c', 'yes', 'y');
  assert.deepEqual(d.edges.map((e) => [e.sourceHandle, e.target]).sort(), [['no', 'x'], ['yes', 'y']]);
  // Single-exit nodes store no handle at all.
  d = { ...d, nodes: [...d.nodes, newNode('delay', 'd', at)] };
  d = connect(d, 'd', null, 'x');
  assert.equal(d.edges.find((e) => e.source === 'd')?.sourceHandle, undefined);
  assert.equal(removeEdges(d, new Set([ENTRY_EDGE_ID])).entry.startNodeId, '');
  const gone = removeNodes(d, new Set(['c']));
  assert.equal(gone.entry.startNodeId, '');
  assert.ok(gone.edges.every((e) => e.source !== 'c'));
});

test('renaming a split branch drops edges from the old key', () => {
  const split = newNode('split', 's', at) as DraftNodeOf<'split'>; // newNode('split') returns a split node
  let d = { ...emptyDraft(), nodes: [split, newNode('exit', 'x', at)] };
  d = connect(connect(d, 's', 'a', 'x'), 's', 'b', 'x');
  d = replaceNode(d, { ...split, config: { branches: [{ key: 'a', percent: 50 }, { key: 'z', percent: 50 }] } });
  assert.deepEqual(d.edges.map((e) => e.sourceHandle), ['a']);
});

test('a stored draft with a half-filled node still opens, keeping what was saved', () => {
  const d = readDraft({
    entry: { kind: 'event', event: { name: 'Signed Up' }, startNodeId: 'send_1' },
    nodes: [{ id: 'send_1', type: 'send', position: { x: 5, y: 6 }, config: { channel: 'sms', templateId: '' } }, { id: 'bad', type: 'nope' }],
    edges: [{ id: 'e1', source: 'send_1', target: 'x' }, { nonsense: true }],
  });
  assert.equal(d.entry.kind === 'event' ? d.entry.event.name : '', 'Signed Up');
  assert.equal(d.nodes.length, 1);
  assert.deepEqual(d.nodes[0], { id: 'send_1', type: 'send', position: { x: 5, y: 6 }, config: { channel: 'sms', templateId: '', awaitResult: false } });
  assert.equal(d.edges.length, 1);
  assert.equal(d.settings.reentry.policy, 'never');
});

test('publish issues land on the card they are about', () => {
  const d = { ...emptyDraft(), nodes: [newNode('send', 'send_1', at)], edges: [{ id: 'e', source: 'send_1', target: 'gone' }] };
  const issues = issuesOf({ issues: [
    { code: 'JOURNEY_DEAD_END', path: 'nodes[0]', nodeId: 'send_1', message: 'x' },
    { code: 'JOURNEY_INVALID', path: 'nodes[0].config.templateId', message: 'y' },
    { code: 'JOURNEY_NO_ENTRY_NODE', path: 'entry.startNodeId', message: 'z' },
    { code: 'JOURNEY_BAD_EDGE', path: 'edges[0].target', message: 'w' },
    { code: 'JOURNEY_INVALID', path: 'settings.holdoutPercent', message: 'v' },
    { nonsense: 1 },
  ] });
  assert.deepEqual(issues.map((i) => issueTarget(i, d)), ['send_1', 'send_1', ENTRY_ID, 'send_1', null]);
  assert.deepEqual(issuesOf(undefined), []);
});
