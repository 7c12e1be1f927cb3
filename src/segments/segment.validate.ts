import { z } from 'zod';
import { jsonPath, UserError } from '../platform/errors.js';
import { say, type Bilingual } from '../platform/language.js';
import {
  BucketCondition,
  Comparison,
  Duration,
  JsonPathString,
  SegmentDefinition,
  TimeWindow,
  ValueTest,
  type EventCondition,
  type EventMatch,
  type PropertyFilter,
  type SegmentNode,
  type ValueOp,
} from './segment.schema.js';
import { zodIssueText } from '../platform/zod-text.js';

/**
 * A segment definition from outside (request body), checked node by node so every error carries a
 * stable code and the JSON path at fault (`root.conditions[2].value`), not a zod union's guess.
 * Leaf shapes use the zod schemas of segment.schema.ts; the walk adds what they cannot know:
 * the workspace's computed traits, segments, subscription groups and observed trait types.
 */
export interface ValidationLookups {
  computedTraits: ReadonlyMap<string, { valueType: 'string' | 'number' | 'boolean' | 'date' }>;
  segmentIds: ReadonlySet<string>;
  subscriptionGroupIds: ReadonlySet<string>;
  traitTypes: ReadonlyMap<string, 'string' | 'number' | 'boolean' | 'date' | 'mixed'>;
  /** segment id → ids it references, for cycle detection */
  segmentRefs: ReadonlyMap<string, ReadonlySet<string>>;
  /** The segment being saved (absent when creating one: nothing can refer to it yet). */
  selfId?: string;
}

export const MAX_CONDITIONS = 200;
export const MAX_DEPTH = 10;
export const MAX_PATH_DEPTH = 20;
/** Per group and per event match: the schema's own limits, so a stored definition always re-parses. */
const MAX_GROUP = 50;
const MAX_FILTERS = 20;

type FieldType = 'string' | 'number' | 'boolean' | 'date';
type Raw = Record<string, unknown>;

const VALUE_OPS: Record<ValueOp, true> = {
  equals: true, not_equals: true, contains: true, not_contains: true, starts_with: true, in: true, not_in: true, exists: true, not_exists: true,
  gt: true, gte: true, lt: true, lte: true, between: true,
  date_before: true, date_after: true, date_within_last: true, date_not_within_last: true, date_within_next: true, anniversary_within_next: true,
};
const TEXT_OPS = new Set<ValueOp>(['contains', 'not_contains', 'starts_with']);
const NUMBER_OPS = new Set<ValueOp>(['gt', 'gte', 'lt', 'lte', 'between']);
const DATE_OPS = new Set<ValueOp>(['date_before', 'date_after', 'date_within_last', 'date_not_within_last', 'date_within_next', 'anniversary_within_next']);
/** The dashboard's names for field types and the things a test applies to. */
const TYPE_ZH: Record<FieldType, string> = { string: '文本', number: '数字', boolean: '是/否', date: '日期' };
const SOURCE_ZH: Record<'trait' | 'computed' | 'property', string> = { trait: '用户属性', computed: '计算属性', property: '事件属性' };

const fail = (code: string, message: Bilingual, field: string | null): never => {
  throw new UserError(code, message, { field });
};
const isObject = (x: unknown): x is Raw => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Parse and check a definition; throws UserError (SEGMENT_* code, field = JSON path). */
export function parseSegmentDefinition(raw: unknown, lookups: ValidationLookups): SegmentDefinition {
  if (!isObject(raw)) return fail('SEGMENT_INVALID', say('A segment definition is an object { root: node }', '分群定义须为对象 { root: node }'), null);
  const state = { conditions: 0 };
  const def: SegmentDefinition = { root: parseNode(raw.root, 'root', 1, state, lookups) };
  // Safety net: the walk enforces every schema rule, so this only fails on a bug in the walk.
  const check = SegmentDefinition.safeParse(def, { reportInput: true });
  if (!check.success) return fail('SEGMENT_INVALID', zodIssueText(check.error.issues[0], say('Invalid segment', '分群定义无效')), jsonPath(check.error.issues[0]?.path ?? []));
  return check.data;
}

function parseNode(raw: unknown, path: string, depth: number, state: { conditions: number }, lookups: ValidationLookups): SegmentNode {
  if (depth > MAX_DEPTH) fail('SEGMENT_TOO_COMPLEX', say(`Groups may nest at most ${MAX_DEPTH} levels deep`, `条件组最多嵌套 ${MAX_DEPTH} 层`), path);
  if (!isObject(raw)) return fail('SEGMENT_INVALID', say('A condition is an object with a kind', '条件须为带 kind 的对象'), path);
  const kind = raw.kind;
  if (typeof kind !== 'string') return fail('SEGMENT_INVALID', say('A condition needs a kind', '条件缺少 kind'), `${path}.kind`);
  if (kind === 'and' || kind === 'or') {
    const list = raw.conditions;
    if (!Array.isArray(list)) return fail('SEGMENT_INVALID', say(`An ${kind} group needs a conditions array`, `${kind} 条件组需要 conditions 数组`), `${path}.conditions`);
    if (list.length > MAX_GROUP) fail('SEGMENT_TOO_COMPLEX', say(`A group may hold at most ${MAX_GROUP} conditions`, `每个条件组最多包含 ${MAX_GROUP} 个条件`), `${path}.conditions`);
    return { kind, conditions: list.map((c, i) => parseNode(c, `${path}.conditions[${i}]`, depth + 1, state, lookups)) };
  }
  if (kind === 'not') return { kind, condition: parseNode(raw.condition, `${path}.condition`, depth + 1, state, lookups) };
  if (++state.conditions > MAX_CONDITIONS) fail('SEGMENT_TOO_COMPLEX', say(`A segment may have at most ${MAX_CONDITIONS} conditions`, `一个分群最多包含 ${MAX_CONDITIONS} 个条件`), path);
  switch (kind) {
    case 'trait': {
      const key = parsePath(raw.key, `${path}.key`);
      const known = lookups.traitTypes.get(key);
      return { kind, key, ...parseValueTest(raw, path, known === 'mixed' ? undefined : known, 'trait') };
    }
    case 'computed': {
      const key = raw.key;
      if (typeof key !== 'string' || key === '') return fail('SEGMENT_INVALID', say('A computed condition needs a key', '计算属性条件缺少 key'), `${path}.key`);
      const def = lookups.computedTraits.get(key);
      if (!def) return fail('SEGMENT_UNKNOWN_COMPUTED_TRAIT', say(`There is no computed trait "${key}"`, `计算属性「${key}」不存在`), `${path}.key`);
      return { kind, key, ...parseValueTest(raw, path, def.valueType, 'computed') };
    }
    case 'event':
      return parseEvent(raw, path);
    case 'sequence': {
      const within = Duration.safeParse(raw.within, { reportInput: true });
      if (!within.success) return zodFail('SEGMENT_INVALID_VALUE', within.error, `${path}.within`);
      return {
        kind,
        first: parseMatch(raw.first, `${path}.first`),
        then: parseMatch(raw.then, `${path}.then`),
        within: within.data,
        thenPerformed: parseFlag(raw.thenPerformed, `${path}.thenPerformed`),
        window: parseWindow(raw.window, `${path}.window`),
      };
    }
    case 'segment': {
      const id = raw.segmentId;
      if (typeof id !== 'string' || id === '' || id.length > 100) return fail('SEGMENT_INVALID', say('A segment condition needs a segmentId', '分群条件缺少 segmentId'), `${path}.segmentId`);
      if (id === lookups.selfId) fail('SEGMENT_CYCLE', say('A segment cannot refer to itself', '分群不能引用自身'), `${path}.segmentId`);
      if (!lookups.segmentIds.has(id)) fail('SEGMENT_UNKNOWN_SEGMENT', say(`There is no segment "${id}"`, `分群「${id}」不存在`), `${path}.segmentId`);
      if (lookups.selfId !== undefined && reaches(id, lookups.selfId, lookups.segmentRefs)) {
        fail('SEGMENT_CYCLE', say(`Segment "${id}" refers back to this segment`, `分群「${id}」又引用了此分群，会形成循环引用`), `${path}.segmentId`);
      }
      return { kind, segmentId: id, inSegment: parseFlag(raw.inSegment, `${path}.inSegment`) };
    }
    case 'subscription': {
      const id = raw.groupId;
      if (typeof id !== 'string' || id === '' || id.length > 100) return fail('SEGMENT_INVALID', say('A subscription condition needs a groupId', '订阅条件缺少 groupId'), `${path}.groupId`);
      if (!lookups.subscriptionGroupIds.has(id)) fail('SEGMENT_UNKNOWN_SUBSCRIPTION_GROUP', say(`There is no subscription group "${id}"`, `订阅组「${id}」不存在`), `${path}.groupId`);
      if (raw.status !== 'subscribed' && raw.status !== 'unsubscribed') return fail('SEGMENT_INVALID_VALUE', say('status is subscribed or unsubscribed', 'status 须为 subscribed 或 unsubscribed'), `${path}.status`);
      return { kind, groupId: id, status: raw.status };
    }
    case 'bucket': {
      const b = BucketCondition.safeParse(raw, { reportInput: true });
      if (!b.success) return zodFail('SEGMENT_INVALID_VALUE', b.error, path);
      return b.data;
    }
    default:
      return fail('SEGMENT_UNKNOWN_KIND', say(`Unknown condition kind "${kind}"`, `未知的条件类型「${kind}」`), `${path}.kind`);
  }
}

function zodFail(code: string, error: z.ZodError, prefix: string): never {
  const issue = error.issues[0];
  return fail(code, zodIssueText(issue, say('Invalid value', '值无效')), jsonPath(issue?.path ?? [], prefix));
}

function parseFlag(raw: unknown, field: string): boolean {
  if (raw === undefined) return true;
  if (typeof raw !== 'boolean') return fail('SEGMENT_INVALID_VALUE', say('must be true or false', '须为 true 或 false'), field);
  return raw;
}

/** A dotted path (trait key, property path) that can exist in a JSON document. */
function parsePath(raw: unknown, field: string): string {
  if (typeof raw !== 'string' || raw === '') return fail('SEGMENT_INVALID_PATH', say('A path is a non-empty dotted string such as address.city', '路径须为以点分隔的非空字符串，如 address.city'), field);
  const segments = raw.split('.');
  if (segments.some((s) => s === '')) fail('SEGMENT_INVALID_PATH', say(`"${raw}" has an empty segment`, `「${raw}」中有空的路径段`), field);
  if (segments.length > MAX_PATH_DEPTH) fail('SEGMENT_INVALID_PATH', say(`A path may have at most ${MAX_PATH_DEPTH} levels`, `路径最多 ${MAX_PATH_DEPTH} 层`), field);
  const ok = JsonPathString.safeParse(raw, { reportInput: true });
  if (!ok.success) {
    const issue = ok.error.issues[0];
    fail('SEGMENT_INVALID_PATH', zodIssueText(issue, say('Invalid path', '路径无效')), field);
  }
  return raw;
}

function parseValueTest(raw: Raw, path: string, type: FieldType | undefined, source: 'trait' | 'computed' | 'property'): ValueTest {
  const op = raw.op;
  if (typeof op !== 'string' || !Object.hasOwn(VALUE_OPS, op)) return fail('SEGMENT_INVALID_OPERATOR', say(`Unknown operator ${JSON.stringify(op)}`, `未知的运算符 ${JSON.stringify(op)}`), `${path}.op`);
  const parsed = ValueTest.safeParse(raw, { reportInput: true });
  if (!parsed.success) return zodFail('SEGMENT_INVALID_VALUE', parsed.error, path);
  const test = parsed.data;
  if (test.op === 'between' && test.from > test.to) fail('SEGMENT_INVALID_VALUE', say('between needs from ≤ to', 'between 要求 from ≤ to'), `${path}.to`);
  if (type) checkType(test, type, path, source);
  return test;
}

/** The test can match a field of this known type (a trait's observed type, a computed trait's declared one). */
function checkType(test: ValueTest, type: FieldType, path: string, source: 'trait' | 'computed' | 'property'): void {
  const opFail = (needs: Bilingual) => fail('SEGMENT_INVALID_VALUE', say(`"${test.op}" needs ${needs.en}; this ${source} is a ${type}`, `运算符「${test.op}」需要${needs.zh}，而此${SOURCE_ZH[source]}为${TYPE_ZH[type]}类型`), `${path}.op`);
  // Dates are ISO strings or epoch ms in traits; computed dates are epoch ms only.
  const scalarOk = (v: string | number | boolean): boolean => {
    if (type === 'date') return source === 'trait' && typeof v !== 'boolean';
    return typeof v === type;
  };
  if (test.op === 'exists' || test.op === 'not_exists') return;
  if (test.op === 'equals' || test.op === 'not_equals') {
    if (!scalarOk(test.value)) fail('SEGMENT_INVALID_VALUE', say(`${JSON.stringify(test.value)} can never equal a ${type} ${source}`, `${JSON.stringify(test.value)} 不可能等于${TYPE_ZH[type]}类型的${SOURCE_ZH[source]}`), `${path}.value`);
    return;
  }
  if (test.op === 'in' || test.op === 'not_in') {
    const bad = test.values.findIndex((v) => !scalarOk(v));
    if (bad >= 0) fail('SEGMENT_INVALID_VALUE', say(`${JSON.stringify(test.values[bad])} can never equal a ${type} ${source}`, `${JSON.stringify(test.values[bad])} 不可能等于${TYPE_ZH[type]}类型的${SOURCE_ZH[source]}`), `${path}.values[${bad}]`);
    return;
  }
  if (TEXT_OPS.has(test.op) && !(type === 'string' || (type === 'date' && source === 'trait'))) opFail(say('text', '文本'));
  if (NUMBER_OPS.has(test.op) && type !== 'number') opFail(say('a number', '数字'));
  if (DATE_OPS.has(test.op) && type !== 'date' && type !== 'number') opFail(say('a date (ISO text or epoch ms)', '日期（ISO 文本或毫秒时间戳）'));
}

function parseEvent(raw: Raw, path: string): EventCondition {
  const out: EventCondition = {
    kind: 'event',
    event: parseMatch(raw.event, `${path}.event`),
    performed: parseFlag(raw.performed, `${path}.performed`),
    window: parseWindow(raw.window, `${path}.window`),
  };
  if (raw.count !== undefined) {
    const c = raw.count;
    if (!isObject(c)) return fail('SEGMENT_INVALID', say('count is { op, value }', 'count 须为 { op, value }'), `${path}.count`);
    const op = Comparison.safeParse(c.op);
    if (!op.success) return fail('SEGMENT_INVALID_OPERATOR', say(`count.op is one of ${Comparison.options.join(' ')}`, `count.op 须为以下之一：${Comparison.options.join(' ')}`), `${path}.count.op`);
    if (typeof c.value !== 'number' || !Number.isInteger(c.value) || c.value < 0) return fail('SEGMENT_INVALID_VALUE', say('count.value is a whole number ≥ 0', 'count.value 须为 ≥ 0 的整数'), `${path}.count.value`);
    out.count = { op: op.data, value: c.value };
  }
  if (raw.aggregate !== undefined) {
    const a = raw.aggregate;
    if (!isObject(a)) return fail('SEGMENT_INVALID', say('aggregate is { fn, path, op, value }', 'aggregate 须为 { fn, path, op, value }'), `${path}.aggregate`);
    if (a.fn !== 'sum' && a.fn !== 'avg' && a.fn !== 'min' && a.fn !== 'max') return fail('SEGMENT_INVALID_OPERATOR', say('aggregate.fn is sum, avg, min or max', 'aggregate.fn 须为 sum、avg、min 或 max'), `${path}.aggregate.fn`);
    const aggPath = parsePath(a.path, `${path}.aggregate.path`);
    const op = Comparison.safeParse(a.op);
    if (!op.success) return fail('SEGMENT_INVALID_OPERATOR', say(`aggregate.op is one of ${Comparison.options.join(' ')}`, `aggregate.op 须为以下之一：${Comparison.options.join(' ')}`), `${path}.aggregate.op`);
    if (typeof a.value !== 'number' || !Number.isFinite(a.value)) return fail('SEGMENT_INVALID_VALUE', say('aggregate.value is a number', 'aggregate.value 须为数字'), `${path}.aggregate.value`);
    out.aggregate = { fn: a.fn, path: aggPath, op: op.data, value: a.value };
  }
  return out;
}

function parseMatch(raw: unknown, path: string): EventMatch {
  if (!isObject(raw)) return fail('SEGMENT_INVALID', say('An event match is { name, where? }', '事件匹配须为 { name, where? }'), path);
  const name = raw.name;
  if (typeof name !== 'string' || name === '' || name.length > 200) return fail('SEGMENT_INVALID', say('An event match needs a name (1–200 characters)', '事件匹配需要事件名称（1–200 个字符）'), `${path}.name`);
  const where = raw.where ?? [];
  if (!Array.isArray(where)) return fail('SEGMENT_INVALID', say('where is an array of property filters', 'where 须为属性筛选数组'), `${path}.where`);
  if (where.length > MAX_FILTERS) fail('SEGMENT_TOO_COMPLEX', say(`An event match may have at most ${MAX_FILTERS} property filters`, `每个事件匹配最多包含 ${MAX_FILTERS} 个属性筛选`), `${path}.where`);
  const filters = where.map((f: unknown, i): PropertyFilter => {
    const at = `${path}.where[${i}]`;
    if (!isObject(f)) return fail('SEGMENT_INVALID', say('A property filter is { path, op, … }', '属性筛选须为 { path, op, … }'), at);
    return { path: parsePath(f.path, `${at}.path`), ...parseValueTest(f, at, undefined, 'property') };
  });
  return { name, where: filters };
}

function parseWindow(raw: unknown, path: string): TimeWindow {
  if (raw === undefined) return { kind: 'ever' };
  if (!isObject(raw) || (raw.kind !== 'ever' && raw.kind !== 'last' && raw.kind !== 'between')) {
    return fail('SEGMENT_INVALID', say('A window is { kind: ever | last | between, … }', '时间范围须为 { kind: ever | last | between, … }'), isObject(raw) ? `${path}.kind` : path);
  }
  const w = TimeWindow.safeParse(raw, { reportInput: true });
  if (!w.success) return zodFail('SEGMENT_INVALID_VALUE', w.error, path);
  if (w.data.kind === 'between' && Date.parse(w.data.from) >= Date.parse(w.data.to)) fail('SEGMENT_INVALID_WINDOW', say('The window must start before it ends', '时间范围的开始时间须早于结束时间'), path);
  return w.data;
}

/** Does segment `from` refer, directly or through others, to `target`? */
function reaches(from: string, target: string, refs: ReadonlyMap<string, ReadonlySet<string>>): boolean {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id === target) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const next of refs.get(id) ?? []) stack.push(next);
  }
  return false;
}
