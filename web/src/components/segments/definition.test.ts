import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SegmentNode } from '../../../../src/segments/segment.schema';
import { changeOp, defaultCondition, incompletePaths, locateField, opsFor } from './definition';
import { parseDefinition, ShapeError } from './normalize';

test('a server error path names the node at fault and the part of it', () => {
  assert.deepEqual(locateField('definition.root.conditions[1].value'), { node: 'root.conditions[1]', rest: 'value' });
  assert.deepEqual(locateField('root.conditions.0.condition.event.where[2].path'), { node: 'root.conditions[0].condition', rest: 'event.where[2].path' });
  assert.deepEqual(locateField('definition.root'), { node: 'root', rest: '' });
  assert.equal(locateField('name'), null);
});

test('operators follow the field type, and changing one keeps what still fits', () => {
  assert.ok(opsFor('number').includes('between') && !opsFor('number').includes('contains'));
  assert.ok(opsFor('date').includes('anniversary_within_next') && !opsFor('date').includes('gt'));
  assert.deepEqual(changeOp({ op: 'equals', value: 'gold' }, 'in', 'string'), { op: 'in', values: ['gold'] });
  assert.deepEqual(changeOp({ op: 'in', values: [3, 4] }, 'gte', 'number'), { op: 'gte', value: 3 });
  assert.deepEqual(changeOp({ op: 'gte', value: 3 }, 'exists', 'number'), { op: 'exists' });
  assert.deepEqual(changeOp({ op: 'date_within_last', amount: 7, unit: 'weeks' }, 'date_within_next', 'date'), { op: 'date_within_next', amount: 7, unit: 'weeks' });
});

test('conditions with an empty required input are incomplete, so no preview is asked for', () => {
  const root: SegmentNode = {
    kind: 'and',
    conditions: [
      { kind: 'trait', key: 'plan', op: 'equals', value: 'gold' },
      { kind: 'or', conditions: [defaultCondition('event', undefined), { kind: 'not', condition: defaultCondition('trait', undefined) }] },
    ],
  };
  assert.deepEqual(incompletePaths(root), ['root.conditions[1].conditions[0]', 'root.conditions[1].conditions[1].condition']);
});

test('the JSON tab fills schema defaults and rejects trees the builder cannot show', () => {
  const def = parseDefinition('{"root":{"kind":"and","conditions":[{"kind":"event","event":{"name":"Order Completed"}}]}}');
  assert.deepEqual(def.root, { kind: 'and', conditions: [{ kind: 'event', performed: true, window: { kind: 'ever' }, event: { name: 'Order Completed', where: [] } }] });
  assert.throws(() => parseDefinition('{"root":{"kind":"and","conditions":[{"kind":"magic"}]}}'), (e) => e instanceof ShapeError && e.path === 'root.conditions[0].kind');
  assert.throws(() => parseDefinition('{"root":'), SyntaxError);
});
