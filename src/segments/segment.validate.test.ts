import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UserError } from '../platform/errors.js';
import { SegmentDefinition } from './segment.schema.js';
import { parseSegmentDefinition, type ValidationLookups } from './segment.validate.js';

const LOOKUPS: ValidationLookups = {
  computedTraits: new Map([
    ['rfm_segment', { valueType: 'string' }],
    ['churn_risk', { valueType: 'number' }],
    ['is_high_value', { valueType: 'boolean' }],
    ['predicted_next_order', { valueType: 'date' }],
  ]),
  segmentIds: new Set(['s1', 's2', 's3', 's4']),
  subscriptionGroupIds: new Set(['newsletter']),
  traitTypes: new Map([
    ['plan', 'string'],
    ['age', 'number'],
    ['vip', 'boolean'],
    ['signup', 'date'],
    ['misc', 'mixed'],
  ]),
  // s2 → s3 → s1; s4 → nothing.
  segmentRefs: new Map([
    ['s1', new Set(['s4'])],
    ['s2', new Set(['s3'])],
    ['s3', new Set(['s1'])],
  ]),
  selfId: 's1',
};

type Node = Record<string, unknown>;
const ok: Node = { kind: 'trait', key: 'plan', op: 'equals', value: 'gold' };
/** The node at root.conditions[2], after two valid ones. */
const third = (node: Node): unknown => ({ root: { kind: 'and', conditions: [ok, ok, node] } });
const at2 = (rest: string) => `root.conditions[2]${rest}`;
const nest = (depth: number): Node => (depth === 1 ? ok : { kind: 'not', condition: nest(depth - 1) });

/** [what, raw definition, code, field] */
const CASES: Array<[string, unknown, string, string | null]> = [
  ['not an object', 'plan = gold', 'SEGMENT_INVALID', null],
  ['root is not a node', { root: 5 }, 'SEGMENT_INVALID', 'root'],
  ['a node without kind', { root: { conditions: [] } }, 'SEGMENT_INVALID', 'root.kind'],
  ['a group without conditions', { root: { kind: 'and' } }, 'SEGMENT_INVALID', 'root.conditions'],
  ['a not without condition', third({ kind: 'not' }), 'SEGMENT_INVALID', at2('.condition')],
  ['an event without a match', third({ kind: 'event' }), 'SEGMENT_INVALID', at2('.event')],
  ['an event without a name', third({ kind: 'event', event: { name: '' } }), 'SEGMENT_INVALID', at2('.event.name')],
  ['an unknown window kind', third({ kind: 'event', event: { name: 'x' }, window: { kind: 'soon' } }), 'SEGMENT_INVALID', at2('.window.kind')],
  ['unknown kind', third({ kind: 'magic' }), 'SEGMENT_UNKNOWN_KIND', at2('.kind')],
  ['unknown kind, nested', { root: { kind: 'or', conditions: [{ kind: 'not', condition: { kind: 'xor' } }] } }, 'SEGMENT_UNKNOWN_KIND', 'root.conditions[0].condition.kind'],
  ['unknown operator', third({ kind: 'trait', key: 'plan', op: 'like', value: 'g%' }), 'SEGMENT_INVALID_OPERATOR', at2('.op')],
  ['missing operator', third({ kind: 'trait', key: 'plan', value: 'gold' }), 'SEGMENT_INVALID_OPERATOR', at2('.op')],
  ['unknown count operator', third({ kind: 'event', event: { name: 'x' }, count: { op: '~', value: 1 } }), 'SEGMENT_INVALID_OPERATOR', at2('.count.op')],
  ['unknown aggregate', third({ kind: 'event', event: { name: 'x' }, aggregate: { fn: 'median', path: 'revenue', op: '>', value: 1 } }), 'SEGMENT_INVALID_OPERATOR', at2('.aggregate.fn')],
  ['unknown property-filter operator', third({ kind: 'event', event: { name: 'x', where: [{ path: 'a', op: '=~' }] } }), 'SEGMENT_INVALID_OPERATOR', at2('.event.where[0].op')],
  ['contains a number', third({ kind: 'trait', key: 'misc', op: 'contains', value: 5 }), 'SEGMENT_INVALID_VALUE', at2('.value')],
  ['equals 5 on a string trait', third({ kind: 'trait', key: 'plan', op: 'equals', value: 5 }), 'SEGMENT_INVALID_VALUE', at2('.value')],
  ['gt on a string trait', third({ kind: 'trait', key: 'plan', op: 'gt', value: 5 }), 'SEGMENT_INVALID_VALUE', at2('.op')],
  ['contains on a number trait', third({ kind: 'trait', key: 'age', op: 'contains', value: '3' }), 'SEGMENT_INVALID_VALUE', at2('.op')],
  ['a date test on a boolean trait', third({ kind: 'trait', key: 'vip', op: 'date_within_last', amount: 1, unit: 'days' }), 'SEGMENT_INVALID_VALUE', at2('.op')],
  ['a number in a string list', third({ kind: 'trait', key: 'plan', op: 'in', values: ['gold', 5] }), 'SEGMENT_INVALID_VALUE', at2('.values[1]')],
  ['equals "true" on a boolean trait', third({ kind: 'trait', key: 'vip', op: 'equals', value: 'true' }), 'SEGMENT_INVALID_VALUE', at2('.value')],
  ['between upside down', third({ kind: 'trait', key: 'age', op: 'between', from: 9, to: 1 }), 'SEGMENT_INVALID_VALUE', at2('.to')],
  ['not a date', third({ kind: 'trait', key: 'signup', op: 'date_before', value: 'yesterday' }), 'SEGMENT_INVALID_VALUE', at2('.value')],
  ['an unknown unit', third({ kind: 'trait', key: 'signup', op: 'date_within_last', amount: 1, unit: 'years' }), 'SEGMENT_INVALID_VALUE', at2('.unit')],
  ['gt on a string computed trait', third({ kind: 'computed', key: 'rfm_segment', op: 'gt', value: 1 }), 'SEGMENT_INVALID_VALUE', at2('.op')],
  ['equals text on a computed date', third({ kind: 'computed', key: 'predicted_next_order', op: 'equals', value: '2026-01-01' }), 'SEGMENT_INVALID_VALUE', at2('.value')],
  ['a negative count', third({ kind: 'event', event: { name: 'x' }, count: { op: '>=', value: -1 } }), 'SEGMENT_INVALID_VALUE', at2('.count.value')],
  ['a zero window', third({ kind: 'event', event: { name: 'x' }, window: { kind: 'last', amount: 0, unit: 'days' } }), 'SEGMENT_INVALID_VALUE', at2('.window.amount')],
  ['a zero sequence gap', third({ kind: 'sequence', first: { name: 'a' }, then: { name: 'b' }, within: { amount: 0, unit: 'days' } }), 'SEGMENT_INVALID_VALUE', at2('.within.amount')],
  ['performed is not a boolean', third({ kind: 'event', event: { name: 'x' }, performed: 'no' }), 'SEGMENT_INVALID_VALUE', at2('.performed')],
  ['an empty bucket', third({ kind: 'bucket', from: 50, to: 10 }), 'SEGMENT_INVALID_VALUE', at2('.to')],
  ['a bucket past 100', third({ kind: 'bucket', from: 0, to: 101 }), 'SEGMENT_INVALID_VALUE', at2('.to')],
  ['a bad subscription status', third({ kind: 'subscription', groupId: 'newsletter', status: 'maybe' }), 'SEGMENT_INVALID_VALUE', at2('.status')],
  ['an empty path segment', third({ kind: 'trait', key: 'address..city', op: 'exists' }), 'SEGMENT_INVALID_PATH', at2('.key')],
  ['a trailing dot', third({ kind: 'trait', key: 'address.', op: 'exists' }), 'SEGMENT_INVALID_PATH', at2('.key')],
  ['a space in a path', third({ kind: 'trait', key: 'first name', op: 'exists' }), 'SEGMENT_INVALID_PATH', at2('.key')],
  ['a quote in a path', third({ kind: 'trait', key: 'a"b', op: 'exists' }), 'SEGMENT_INVALID_PATH', at2('.key')],
  ['a path of 21 levels', third({ kind: 'trait', key: Array.from({ length: 21 }, () => 'a').join('.'), op: 'exists' }), 'SEGMENT_INVALID_PATH', at2('.key')],
  ['a missing key', third({ kind: 'trait', op: 'exists' }), 'SEGMENT_INVALID_PATH', at2('.key')],
  ['a bad property path', third({ kind: 'event', event: { name: 'x', where: [{ path: '', op: 'exists' }] } }), 'SEGMENT_INVALID_PATH', at2('.event.where[0].path')],
  ['a bad aggregate path', third({ kind: 'event', event: { name: 'x' }, aggregate: { fn: 'sum', path: 'a..b', op: '>', value: 1 } }), 'SEGMENT_INVALID_PATH', at2('.aggregate.path')],
  ['unknown computed trait', third({ kind: 'computed', key: 'nope', op: 'exists' }), 'SEGMENT_UNKNOWN_COMPUTED_TRAIT', at2('.key')],
  ['unknown segment', third({ kind: 'segment', segmentId: 's9' }), 'SEGMENT_UNKNOWN_SEGMENT', at2('.segmentId')],
  ['unknown subscription group', third({ kind: 'subscription', groupId: 'sms', status: 'subscribed' }), 'SEGMENT_UNKNOWN_SUBSCRIPTION_GROUP', at2('.groupId')],
  ['refers to itself', third({ kind: 'segment', segmentId: 's1' }), 'SEGMENT_CYCLE', at2('.segmentId')],
  ['refers to itself through others (s2 → s3 → s1)', third({ kind: 'segment', segmentId: 's2', inSegment: false }), 'SEGMENT_CYCLE', at2('.segmentId')],
  ['201 conditions', { root: { kind: 'and', conditions: Array.from({ length: 5 }, () => ({ kind: 'or', conditions: Array.from({ length: 41 }, () => ok) })) } }, 'SEGMENT_TOO_COMPLEX', 'root.conditions[4].conditions[36]'],
  ['depth 11', { root: nest(11) }, 'SEGMENT_TOO_COMPLEX', 'root' + '.condition'.repeat(10)],
  ['a group of 51', { root: { kind: 'and', conditions: Array.from({ length: 51 }, () => ok) } }, 'SEGMENT_TOO_COMPLEX', 'root.conditions'],
  ['21 property filters', third({ kind: 'event', event: { name: 'x', where: Array.from({ length: 21 }, () => ({ path: 'a', op: 'exists' })) } }), 'SEGMENT_TOO_COMPLEX', at2('.event.where')],
  ['a window that ends before it starts', third({ kind: 'event', event: { name: 'x' }, window: { kind: 'between', from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' } }), 'SEGMENT_INVALID_WINDOW', at2('.window')],
  ['an empty window', third({ kind: 'sequence', first: { name: 'a' }, then: { name: 'b' }, within: { amount: 1, unit: 'days' }, window: { kind: 'between', from: '2026-01-01T08:00:00+08:00', to: '2026-01-01T00:00:00Z' } }), 'SEGMENT_INVALID_WINDOW', at2('.window')],
];

describe('segment definition validation', () => {
  for (const [what, raw, code, field] of CASES) {
    test(`${code} at ${field ?? '(definition)'}: ${what}`, () => {
      assert.throws(
        () => parseSegmentDefinition(raw, LOOKUPS),
        (err: unknown) => {
          assert.ok(err instanceof UserError, String(err));
          assert.deepEqual([err.code, err.field, err.status], [code, field, 400], err.message);
          return true;
        },
      );
    });
  }

  test('a valid definition comes back with defaults applied, unknown keys dropped, and re-parses', () => {
    const def = parseSegmentDefinition(
      {
        root: {
          kind: 'and',
          extra: 'dropped',
          conditions: [
            { kind: 'trait', key: 'plan', op: 'not_in', values: ['gold', 'silver'] },
            { kind: 'trait', key: 'misc', op: 'gt', value: 1 },
            { kind: 'trait', key: 'unseen.path', op: 'contains', value: 'x' },
            { kind: 'trait', key: 'age', op: 'date_within_last', amount: 3, unit: 'days' },
            { kind: 'trait', key: 'signup', op: 'starts_with', value: '2026-' },
            { kind: 'computed', key: 'is_high_value', op: 'equals', value: true },
            { kind: 'event', event: { name: 'Order Completed' } },
            { kind: 'sequence', first: { name: 'a' }, then: { name: 'b' }, within: { amount: 2, unit: 'hours' } },
            { kind: 'segment', segmentId: 's4' },
            { kind: 'subscription', groupId: 'newsletter', status: 'subscribed' },
            { kind: 'bucket', from: 0, to: 10 },
          ],
        },
      },
      LOOKUPS,
    );
    assert.deepEqual(SegmentDefinition.parse(def), def);
    assert.ok(def.root.kind === 'and');
    assert.equal('extra' in def.root, false);
    assert.deepEqual(def.root.conditions[6], { kind: 'event', event: { name: 'Order Completed', where: [] }, performed: true, window: { kind: 'ever' } });
    assert.deepEqual(def.root.conditions[7], { kind: 'sequence', first: { name: 'a', where: [] }, then: { name: 'b', where: [] }, within: { amount: 2, unit: 'hours' }, thenPerformed: true, window: { kind: 'ever' } });
    assert.deepEqual(def.root.conditions[10], { kind: 'bucket', salt: '', from: 0, to: 10 });
  });

  test('limits: exactly 200 conditions and depth 10 are fine; a new segment (no selfId) has no cycle', () => {
    const wide = { root: { kind: 'and', conditions: Array.from({ length: 4 }, () => ({ kind: 'or', conditions: Array.from({ length: 50 }, () => ok) })) } };
    assert.doesNotThrow(() => parseSegmentDefinition(wide, LOOKUPS));
    assert.doesNotThrow(() => parseSegmentDefinition({ root: nest(10) }, LOOKUPS));
    const { selfId: _ignored, ...creating } = LOOKUPS;
    assert.doesNotThrow(() => parseSegmentDefinition({ root: { kind: 'segment', segmentId: 's2' } }, creating));
    assert.doesNotThrow(() => parseSegmentDefinition({ root: { kind: 'segment', segmentId: 's4' } }, LOOKUPS));
  });
});
