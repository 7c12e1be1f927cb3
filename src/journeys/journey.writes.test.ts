import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AdvanceResult } from './journey.interpreter.js';
import { MAX_HISTORY, type JourneyEffect, type JourneyState, type JourneyStep } from './journey.state.js';
import { entryIdFor, eventTriggerKey } from './journey.engine.js';
import { writesOf } from './journey.writes.js';

/** Which steps an advance archives to journey_steps: exactly those its state's history lets go. */

const step = (i: number): JourneyStep => ({ nodeId: `n${i}`, outcome: 'branch', at: 1000 + i });
const stateOf = (count: number): JourneyState => ({
  nodeId: 'n',
  status: 'active',
  context: { event: null, responses: {}, vars: {} },
  steps: Array.from({ length: Math.min(count, MAX_HISTORY) }, (_, k) => step(count - Math.min(count, MAX_HISTORY) + k)),
  stepCount: count,
  visits: {},
  enteredAt: 0,
  control: false,
});
/** An advance from `from` steps to `to`, as the interpreter records it. */
const advanceOf = (from: number, to: number): AdvanceResult => ({
  state: stateOf(to),
  effects: Array.from({ length: to - from }, (_, k): JourneyEffect => ({ kind: 'record_step', ...step(from + k) })),
});
const archived = (before: JourneyState | null, result: AdvanceResult) => writesOf(5000, 'ws', 'ent', before, result).writes.steps.map((s) => s.node_id ?? '');
const names = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => `n${from + k}`);

describe('journey writes: step history', () => {
  test('a short journey writes no step rows: its history is all in the state', () => {
    assert.deepEqual(archived(null, advanceOf(0, 4)), []);
    assert.deepEqual(archived(stateOf(4), advanceOf(4, 7)), []);
  });

  test('steps leaving a full history are archived, oldest first, each exactly once', () => {
    assert.deepEqual(archived(stateOf(99), advanceOf(99, 102)), names(0, 2));
    assert.deepEqual(archived(stateOf(102), advanceOf(102, 103)), names(2, 3));
    // One advance recording more than the history holds archives the older of its own steps too.
    assert.deepEqual(archived(stateOf(100), advanceOf(100, 250)), names(0, 150));
    assert.deepEqual(archived(null, advanceOf(0, 130)), names(0, 30));
  });

  test('archived rows followed by the state are the whole history', () => {
    const rows: string[] = [];
    let before: JourneyState | null = null;
    for (const to of [3, 60, 99, 100, 101, 180, 181, 420]) {
      const result = advanceOf(before?.stepCount ?? 0, to);
      rows.push(...archived(before, result));
      before = result.state;
    }
    assert.ok(before);
    assert.deepEqual([...rows, ...before.steps.map((s) => s.nodeId ?? '')], names(0, 420));
  });
});

describe('journey writes: entry ids', () => {
  test('an entry id is the same for the same trigger, differs between triggers, and sorts by the trigger time', () => {
    const at = Date.UTC(2026, 11, 1, 12);
    const prefix = `ent_${at.toString(36).padStart(9, '0')}`;
    const key = eventTriggerKey({ messageId: 'm1', timestamp: at });
    const id = entryIdFor('jrn_1', 'prf_1', key);
    assert.equal(entryIdFor('jrn_1', 'prf_1', key), id);
    assert.equal(id.length, 'ent_'.length + 32);
    assert.ok(id.startsWith(prefix));
    assert.notEqual(entryIdFor('jrn_1', 'prf_1', eventTriggerKey({ messageId: 'm2', timestamp: at })), id);
    assert.notEqual(entryIdFor('jrn_1', 'prf_1', eventTriggerKey({ messageId: 'm1', timestamp: at + 1 })), id);
    assert.notEqual(entryIdFor('jrn_2', 'prf_1', key), id);
    assert.notEqual(entryIdFor('jrn_1', 'prf_2', key), id);
    // Later triggers sort after earlier ones whatever their hash, so a batch's rows land together in the indexes.
    const ids = Array.from({ length: 200 }, (_, i) => entryIdFor('jrn_1', `prf_${199 - i}`, eventTriggerKey({ messageId: `m${i}`, timestamp: at + i * 7 })));
    assert.deepEqual([...ids].sort(), ids);
    // Segment and schedule keys carry their time too; a key without one still gets a stable id.
    assert.ok(entryIdFor('jrn_1', 'prf_1', `segment:seg_1:entered:${at}`).startsWith(prefix));
    assert.ok(entryIdFor('jrn_1', 'prf_1', `schedule:${at}`).startsWith(prefix));
    assert.equal(entryIdFor('jrn_1', 'prf_1', 'manual'), entryIdFor('jrn_1', 'prf_1', 'manual'));
    assert.ok(entryIdFor('jrn_1', 'prf_1', 'manual').startsWith('ent_000000000'));
  });
});
