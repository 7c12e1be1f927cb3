import { sql, type RawBuilder } from 'kysely';
import type { DialectHelpers } from '../db/dialect.js';
import { assertUnreachable, UserError } from '../platform/errors.js';
import { say } from '../platform/language.js';
import { compileEvent, compileSequence, membership, restrict } from './segment.compile-events.js';
import { and, compileValueTest, computedAccess, not, or, traitAccess, type Bool } from './segment.compile-values.js';
import type { ComputedCondition, SegmentCondition, SegmentDefinition, SegmentNode, SubscriptionCondition, TimeWindow, ValueTest } from './segment.schema.js';

export { durationMs } from './segment.compile-values.js';

/**
 * Segment definition → one boolean SQL expression over `profiles p`. The caller runs
 * `select p.id from profiles p where p.workspace_id = ? and p.merged_into is null and <expr>`,
 * optionally `and p.id in (…)`. Every value, name and path is a bound parameter. Every piece is
 * two-valued (never NULL), so `not` is exact. Semantics of value tests: segment.compile-values.ts;
 * of events and sequences: segment.compile-events.ts.
 */
export interface CompileContext {
  workspaceId: string;
  /** ms, from the injected clock: relative windows are computed from it. */
  now: number;
  dialect: DialectHelpers;
  computedTraits: ReadonlyMap<string, { valueType: 'string' | 'number' | 'boolean' | 'date' }>;
  subscriptionGroups: ReadonlyMap<string, { type: 'opt_in' | 'opt_out' }>;
  /**
   * Incremental evaluation of touched profiles: restricts the expression to these ids and pushes
   * the restriction into every sub-query (event, sequence, computed, membership, subscription), so
   * evaluating a handful of profiles reads only their rows instead of a whole event name's history.
   * The caller's own `and p.id in (…)` stays correct (and is then redundant).
   */
  profileIds?: readonly string[];
  /**
   * Rough number of recent events per name in the workspace (full evaluation only): a sequence
   * "A then B" is driven from whichever of its two events is rarer. Absent: driven from A.
   */
  eventCounts?: ReadonlyMap<string, number>;
}

/** A boolean SQL expression over the profiles table aliased `p`. */
export function compileSegment(def: SegmentDefinition, ctx: CompileContext): RawBuilder<boolean> {
  const expr = compileNode(def.root, ctx);
  return ctx.profileIds ? and([ctx.dialect.anyText(sql.ref('p.id'), ctx.profileIds), expr]) : expr;
}

function compileNode(node: SegmentNode, ctx: CompileContext): Bool {
  switch (node.kind) {
    case 'and':
      return and(node.conditions.map((c) => compileNode(c, ctx)));
    case 'or':
      return or(node.conditions.map((c) => compileNode(c, ctx)));
    case 'not':
      return not(compileNode(node.condition, ctx));
    default:
      return compileCondition(node, ctx);
  }
}

function compileCondition(c: SegmentCondition, ctx: CompileContext): Bool {
  const d = ctx.dialect;
  switch (c.kind) {
    case 'trait': {
      const t = compileValueTest(c, traitAccess(d, c.key.split('.')), d, ctx.now);
      return t.negated ? not(t.positive) : t.positive;
    }
    case 'computed':
      return compileComputed(c, ctx);
    case 'event':
      return compileEvent(c, ctx);
    case 'sequence':
      return compileSequence(c, ctx);
    case 'segment':
      return membership(
        sql`select sm.profile_id from segment_members sm where sm.workspace_id = ${ctx.workspaceId} and sm.segment_id = ${c.segmentId}${restrict('sm.profile_id', ctx)}`,
        c.inSegment,
      );
    case 'subscription':
      return compileSubscription(c, ctx);
    case 'bucket': {
      const bucket = d.bucket(sql.ref('p.id'), c.salt);
      return sql<boolean>`(${bucket} >= ${c.from} and ${bucket} < ${c.to})`;
    }
    default:
      return assertUnreachable(c);
  }
}

/** A computed trait: the test on the typed value column; negative tests as NOT IN the positive set, so profiles without a value match them. */
function compileComputed(c: ComputedCondition, ctx: CompileContext): Bool {
  const def = ctx.computedTraits.get(c.key);
  if (!def) throw new UserError('SEGMENT_UNKNOWN_COMPUTED_TRAIT', say(`Unknown computed trait "${c.key}"`, `计算属性「${c.key}」不存在`), { field: 'key' });
  const t = compileValueTest(c, computedAccess(ctx.dialect, def.valueType), ctx.dialect, ctx.now);
  return membership(
    sql`select ct.profile_id from profile_computed_traits ct where ct.workspace_id = ${ctx.workspaceId} and ct.key = ${c.key} and ${t.positive}${restrict('ct.profile_id', ctx)}`,
    !t.negated,
  );
}

/** Opt-out groups: subscribed unless an 'unsubscribed' row. Opt-in groups: subscribed only with a 'subscribed' row. */
function compileSubscription(c: SubscriptionCondition, ctx: CompileContext): Bool {
  const group = ctx.subscriptionGroups.get(c.groupId);
  if (!group) throw new UserError('SEGMENT_UNKNOWN_SUBSCRIPTION_GROUP', say(`Unknown subscription group "${c.groupId}"`, `订阅组「${c.groupId}」不存在`), { field: 'groupId' });
  const decisive = group.type === 'opt_out' ? 'unsubscribed' : 'subscribed';
  const rows = sql`select s.profile_id from subscriptions s where s.workspace_id = ${ctx.workspaceId} and s.group_id = ${c.groupId} and s.status = ${decisive}${restrict('s.profile_id', ctx)}`;
  return membership(rows, c.status === decisive);
}

export interface SegmentDependencies {
  eventNames: Set<string>;
  /** Top-level trait keys (the first segment of each path): what an identify call changes. */
  traitKeys: Set<string>;
  computedKeys: Set<string>;
  segmentIds: Set<string>;
  subscriptionGroupIds: Set<string>;
  /** Membership changes as time passes (relative windows, settled sequences, relative dates): re-evaluate on a schedule. */
  timeDependent: boolean;
}

const RELATIVE_DATE_OPS: ReadonlySet<ValueTest['op']> = new Set(['date_within_last', 'date_not_within_last', 'date_within_next', 'anniversary_within_next']);
const relativeWindow = (w: TimeWindow) => w.kind === 'last';

/** What a definition reads, so the service knows which changes can move a profile in or out. */
export function segmentDependencies(def: SegmentDefinition): SegmentDependencies {
  const deps: SegmentDependencies = {
    eventNames: new Set(),
    traitKeys: new Set(),
    computedKeys: new Set(),
    segmentIds: new Set(),
    subscriptionGroupIds: new Set(),
    timeDependent: false,
  };
  const relative = (ops: readonly ValueTest['op'][]) => ops.some((op) => RELATIVE_DATE_OPS.has(op));
  const visit = (node: SegmentNode): void => {
    switch (node.kind) {
      case 'and':
      case 'or':
        node.conditions.forEach(visit);
        return;
      case 'not':
        visit(node.condition);
        return;
      case 'trait':
        deps.traitKeys.add(node.key.split('.')[0] ?? node.key);
        if (relative([node.op])) deps.timeDependent = true;
        return;
      case 'computed':
        deps.computedKeys.add(node.key);
        if (relative([node.op])) deps.timeDependent = true;
        return;
      case 'event':
        deps.eventNames.add(node.event.name);
        if (relativeWindow(node.window) || relative(node.event.where.map((f) => f.op))) deps.timeDependent = true;
        return;
      case 'sequence':
        deps.eventNames.add(node.first.name);
        deps.eventNames.add(node.then.name);
        if (!node.thenPerformed || relativeWindow(node.window) || relative([...node.first.where, ...node.then.where].map((f) => f.op))) deps.timeDependent = true;
        return;
      case 'segment':
        deps.segmentIds.add(node.segmentId);
        return;
      case 'subscription':
        deps.subscriptionGroupIds.add(node.groupId);
        return;
      case 'bucket':
        return;
      default:
        assertUnreachable(node);
    }
  };
  visit(def.root);
  return deps;
}
