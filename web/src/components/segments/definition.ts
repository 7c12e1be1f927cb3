import type {
  SegmentCondition,
  SegmentDefinition,
  SegmentFieldCatalog,
  SegmentNode,
  TimeUnit,
  ValueOp,
  ValueTest,
} from '../../../../src/segments/segment.schema';

/** Pure helpers for the rule builder: defaults, operators by value type, op changes, completeness. */

export type ConditionKind = SegmentCondition['kind'];
export type FieldType = SegmentFieldCatalog['traits'][number]['type'];
export type Scalar = string | number | boolean;

export const CONDITION_KINDS: readonly ConditionKind[] = ['trait', 'event', 'computed', 'sequence', 'segment', 'subscription', 'bucket'];
export const TIME_UNITS: readonly TimeUnit[] = ['minutes', 'hours', 'days', 'weeks', 'months'];
export const COMPARISONS = ['>=', '>', '=', '!=', '<=', '<'] as const;
export const AGGREGATE_FNS = ['sum', 'avg', 'min', 'max'] as const;

/** Comparison symbols as i18n-safe names (`segments.cmp.gte`). */
export const CMP_NAME = { '=': 'eq', '!=': 'ne', '>': 'gt', '>=': 'gte', '<': 'lt', '<=': 'lte' } as const;

const ALL_OPS: readonly ValueOp[] = [
  'equals', 'not_equals', 'contains', 'not_contains', 'starts_with', 'in', 'not_in', 'gt', 'gte', 'lt', 'lte', 'between',
  'date_within_last', 'date_not_within_last', 'date_within_next', 'date_before', 'date_after', 'anniversary_within_next',
  'exists', 'not_exists',
];

/** The operators that make sense for a value of the given type (all of them when unknown). */
export function opsFor(type: FieldType | undefined): readonly ValueOp[] {
  switch (type) {
    case 'string':
      return ['equals', 'not_equals', 'contains', 'not_contains', 'starts_with', 'in', 'not_in', 'exists', 'not_exists'];
    case 'number':
      return ['equals', 'not_equals', 'gt', 'gte', 'lt', 'lte', 'between', 'in', 'not_in', 'exists', 'not_exists'];
    case 'boolean':
      return ['equals', 'not_equals', 'exists', 'not_exists'];
    case 'date':
      return ['date_within_last', 'date_not_within_last', 'date_within_next', 'date_before', 'date_after', 'anniversary_within_next', 'exists', 'not_exists'];
    case 'mixed':
    case undefined:
      return ALL_OPS;
    default:
      return assertUnreachable(type);
  }
}

export function isValueOp(op: unknown): op is ValueOp {
  return typeof op === 'string' && (ALL_OPS as readonly string[]).includes(op);
}

export function assertUnreachable(x: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(x)}`);
}

/** Today as `YYYY-MM-DD` (a date operator's starting value). */
const today = (): string => new Date().toISOString().slice(0, 10);

/** The test's current single value, if it has one, to carry over to the next operator. */
function carried(prev: ValueTest): Scalar | undefined {
  if ('value' in prev) return prev.value;
  if ('values' in prev) return prev.values[0];
  if ('from' in prev) return prev.from;
  return undefined;
}

/** A fresh test for `op`, keeping what still fits from the previous one. */
export function changeOp(prev: ValueTest, op: ValueOp, type: FieldType | undefined): ValueTest {
  const keep = carried(prev);
  const num = typeof keep === 'number' ? keep : Number.isFinite(Number(keep)) && keep !== '' && keep !== undefined ? Number(keep) : 0;
  const text = keep === undefined ? '' : String(keep);
  const amount = 'amount' in prev ? prev.amount : 30;
  const unit = 'unit' in prev ? prev.unit : 'days';
  switch (op) {
    case 'equals':
    case 'not_equals':
      return { op, value: type === 'number' ? num : type === 'boolean' ? keep === true || keep === 'true' : (keep ?? '') };
    case 'contains':
    case 'not_contains':
    case 'starts_with':
      return { op, value: text };
    case 'in':
    case 'not_in':
      return { op, values: 'values' in prev ? prev.values : keep === undefined || keep === '' ? [] : [keep] };
    case 'exists':
    case 'not_exists':
      return { op };
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return { op, value: num };
    case 'between':
      return { op, from: 'from' in prev ? prev.from : num, to: 'to' in prev ? prev.to : num + 100 };
    case 'date_before':
    case 'date_after':
      return { op, value: typeof keep === 'string' && /^\d{4}-\d{2}-\d{2}/.test(keep) ? keep : today() };
    case 'date_within_last':
    case 'date_not_within_last':
    case 'date_within_next':
      return { op, amount, unit };
    case 'anniversary_within_next':
      return { op, days: 7 };
    default:
      return assertUnreachable(op);
  }
}

export function defaultTest(type: FieldType | undefined): ValueTest {
  return type === 'date' ? { op: 'date_within_last', amount: 30, unit: 'days' } : changeOp({ op: 'exists' }, 'equals', type);
}

/** A new condition of `kind`, filled with the catalog's first sensible choice where one exists. */
export function defaultCondition(kind: ConditionKind, catalog: SegmentFieldCatalog | undefined, selfId?: string): SegmentCondition {
  switch (kind) {
    case 'trait':
      return { kind, key: '', op: 'equals', value: '' };
    case 'computed': {
      const first = catalog?.computed[0];
      const test: ValueTest = first?.values?.[0] !== undefined ? { op: 'equals', value: first.values[0] } : defaultTest(first?.type);
      return { kind, key: first?.key ?? '', ...test };
    }
    case 'event':
      return { kind, event: { name: '', where: [] }, performed: true, window: { kind: 'last', amount: 30, unit: 'days' } };
    case 'sequence':
      return {
        kind,
        first: { name: '', where: [] },
        then: { name: '', where: [] },
        within: { amount: 1, unit: 'days' },
        thenPerformed: false,
        window: { kind: 'last', amount: 30, unit: 'days' },
      };
    case 'segment':
      return { kind, segmentId: catalog?.segments.find((s) => s.id !== selfId)?.id ?? '', inSegment: true };
    case 'subscription':
      return { kind, groupId: catalog?.subscriptionGroups[0]?.id ?? '', status: 'subscribed' };
    case 'bucket':
      return { kind, salt: '', from: 0, to: 10 };
    default:
      return assertUnreachable(kind);
  }
}

export const emptyDefinition = (): SegmentDefinition => ({ root: { kind: 'and', conditions: [] } });

/** The definition a "create segment for this RFM group" link starts from. */
export const rfmGroupDefinition = (group: string): SegmentDefinition => ({
  root: { kind: 'and', conditions: [{ kind: 'computed', key: 'rfm_group', op: 'equals', value: group }] },
});

// ---------- node paths: how the builder names a node, matching the server's error `field` ----------

export const childPath = (path: string, index: number): string => `${path}.conditions[${index}]`;
export const negatedPath = (path: string): string => `${path}.condition`;

/**
 * Splits a server error path (`root.conditions[1].value`, `definition.root.conditions.1.event.name`)
 * into the node it is about (`root.conditions[1]`) and the part of that node (`value`).
 */
export function locateField(field: string): { node: string; rest: string } | null {
  const tokens = field
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter(Boolean);
  const start = tokens.indexOf('root');
  if (start < 0) return null;
  let node = 'root';
  let i = start + 1;
  for (;;) {
    if (tokens[i] === 'conditions' && /^\d+$/.test(tokens[i + 1] ?? '')) {
      node = childPath(node, Number(tokens[i + 1]));
      i += 2;
    } else if (tokens[i] === 'condition') {
      node = negatedPath(node);
      i += 1;
    } else break;
  }
  return { node, rest: tokens.slice(i).join('.').replace(/\.(\d+)(?=\.|$)/g, '[$1]') };
}

// ---------- completeness: what the user still has to fill in before a preview makes sense ----------

function testIncomplete(test: ValueTest): boolean {
  if ('values' in test) return test.values.length === 0;
  if ('value' in test) return test.value === '';
  return false;
}

/** Paths of conditions with an empty required input (a trait key, an event name…), so no preview is sent yet. */
export function incompletePaths(node: SegmentNode, path = 'root', out: string[] = []): string[] {
  switch (node.kind) {
    case 'and':
    case 'or':
      node.conditions.forEach((child, i) => incompletePaths(child, childPath(path, i), out));
      break;
    case 'not':
      incompletePaths(node.condition, negatedPath(path), out);
      break;
    case 'trait':
    case 'computed':
      if (!node.key || testIncomplete(node)) out.push(path);
      break;
    case 'event':
      if (!node.event.name || node.event.where.some((w) => !w.path || testIncomplete(w)) || node.aggregate?.path === '') out.push(path);
      break;
    case 'sequence':
      if (!node.first.name || !node.then.name) out.push(path);
      break;
    case 'segment':
      if (!node.segmentId) out.push(path);
      break;
    case 'subscription':
      if (!node.groupId) out.push(path);
      break;
    case 'bucket':
      break;
    default:
      assertUnreachable(node);
  }
  return out;
}
