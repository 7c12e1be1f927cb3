import { sql } from 'kysely';
import { assertUnreachable } from '../platform/errors.js';
import { and, compileValueTest, durationMs, jsonAccess, nn, not, type Bool, type Sql } from './segment.compile-values.js';
import type { CompileContext } from './segment.compiler.js';
import type { Comparison, EventCondition, EventMatch, SequenceCondition, TimeWindow } from './segment.schema.js';

/**
 * Event and sequence conditions as semi-joins on `events` that the (workspace_id, name, timestamp)
 * index serves: `p.id [not] in (select profile_id … group by profile_id having …)`.
 *
 * - An event counts when its `name` column equals the match name: a track event's name, or a
 *   page/screen name.
 * - Windows: `last N units` is now − N ≤ timestamp ≤ now; `between` is from ≤ timestamp < to;
 *   `ever` has no bound.
 * - performed (default) means count ≥ 1, or the count comparison when given; `performed: false`
 *   is its negation (without a count: no such event; with `count ≥ 3`: fewer than 3).
 * - A comparison that zero events satisfy (count < 3, = 0, ≤ N, != 2) is compiled as NOT IN the
 *   profiles whose (non-zero) count fails it, so profiles without any event are included.
 * - With the context's profileIds (incremental evaluation) both become sub-queries correlated on
 *   p.id, served by the (profile_id, timestamp) index, with the same answers.
 * - An aggregate (sum/avg/min/max) is over the matching events' JSON-number values at its path;
 *   a profile with no such value has no aggregate and fails the comparison, even `sum < X`
 *   (wrap a positive condition in `not` to include non-buyers).
 */

export function compileEvent(c: EventCondition, ctx: CompileContext): Bool {
  if (ctx.profileIds) return correlatedEvent(c, ctx);
  const from = sql`select e.profile_id from events e where ${eventWhere('e', c.event, c.window, ctx)}`;
  const count = c.count ?? { op: '>=', value: 1 };
  let sub: Sql;
  let inSet: boolean;
  if (c.aggregate) {
    const value = jsonAccess(ctx.dialect, 'e.properties', c.aggregate.path.split('.')).number;
    const agg = sql`${sql.raw(aggregateFn(c.aggregate.fn))}(${value})`;
    sub = sql`${from} group by e.profile_id having ${compare(sql`count(*)`, count.op, count.value)} and ${compare(agg, c.aggregate.op, c.aggregate.value)}`;
    inSet = true;
  } else if (holds(count.op, 0, count.value)) {
    sub = sql`${from} group by e.profile_id having ${compare(sql`count(*)`, negate(count.op), count.value)}`;
    inSet = false;
  } else if ((count.op === '>=' && count.value === 1) || (count.op === '>' && count.value === 0)) {
    sub = from;
    inSet = true;
  } else {
    sub = sql`${from} group by e.profile_id having ${compare(sql`count(*)`, count.op, count.value)}`;
    inSet = true;
  }
  return membership(sub, c.performed ? inSet : !inSet);
}

/**
 * The same condition for a few touched profiles (incremental evaluation): a sub-query per profile
 * through the (profile_id, timestamp) index reads only their events, where the grouped semi-join
 * would read every event of that name in the window. An aggregate select always yields one row,
 * so profiles without events get count 0 (and a NULL aggregate, which fails) as above.
 */
function correlatedEvent(c: EventCondition, ctx: CompileContext): Bool {
  const where = sql`e.profile_id = p.id and ${eventWhere('e', c.event, c.window, ctx, true)}`;
  const count = c.count ?? { op: '>=', value: 1 };
  let positive: Bool;
  if (c.aggregate) {
    const value = jsonAccess(ctx.dialect, 'e.properties', c.aggregate.path.split('.')).number;
    const agg = sql`${sql.raw(aggregateFn(c.aggregate.fn))}(${value})`;
    positive = nn(sql`(select ${compare(sql`count(*)`, count.op, count.value)} and ${compare(agg, c.aggregate.op, c.aggregate.value)} from events e where ${where})`);
  } else if ((count.op === '>=' && count.value === 1) || (count.op === '>' && count.value === 0)) {
    positive = sql<boolean>`exists (select 1 from events e where ${where})`;
  } else {
    positive = nn(sql`(select ${compare(sql`count(*)`, count.op, count.value)} from events e where ${where})`);
  }
  return c.performed ? positive : not(positive);
}

/**
 * A (in the window) followed by B within `within`: b.timestamp in (a.timestamp, a.timestamp + within],
 * found through the (profile_id, timestamp) index. With thenPerformed false: some A with no such B,
 * counted only once A is at least `within` old (before that a B may still come).
 */
export function compileSequence(c: SequenceCondition, ctx: CompileContext): Bool {
  const within = durationMs(c.within.amount, c.within.unit);
  const counts = ctx.eventCounts;
  // "A then B": scanning the rarer event and probing the other through (profile_id, timestamp)
  // finds the same pairs with fewer probes (in a shop, orders are a sixth of product views).
  if (c.thenPerformed && counts && (counts.get(c.then.name) ?? 0) < (counts.get(c.first.name) ?? 0)) return sequenceFromThen(c, within, ctx);
  const then = sql`select 1 from events b where b.profile_id = a.profile_id and ${matchWhere('b', c.then, ctx, true)} and b.timestamp > a.timestamp and b.timestamp <= a.timestamp + ${within}`;
  const settled = c.thenPerformed ? sql`` : sql` and a.timestamp <= ${ctx.now - within}`;
  const follow = c.thenPerformed ? sql`exists (${then})` : sql`not exists (${then})`;
  const firsts = sql`from events a where ${eventWhere('a', c.first, c.window, ctx, ctx.profileIds !== undefined)}${settled} and ${follow}`;
  // Touched profiles only: correlate on p.id so A is found through (profile_id, timestamp) too.
  if (ctx.profileIds) return sql<boolean>`exists (select 1 ${firsts} and a.profile_id = p.id)`;
  return membership(sql`select a.profile_id ${firsts}`, true);
}

/** The same pairs as compileSequence's, found from B: an A in B's preceding `within`, inside A's window. */
function sequenceFromThen(c: SequenceCondition, within: number, ctx: CompileContext): Bool {
  const w = c.window;
  // B follows an A inside the window by at most `within`: bound B too, so the scan uses (workspace_id, name, timestamp).
  const bBounds =
    w.kind === 'last'
      ? sql` and b.timestamp > ${ctx.now - durationMs(w.amount, w.unit)} and b.timestamp <= ${ctx.now + within}`
      : w.kind === 'between'
        ? sql` and b.timestamp > ${Date.parse(w.from)} and b.timestamp < ${Date.parse(w.to) + within}`
        : sql``;
  const first = sql`select 1 from events a where a.profile_id = b.profile_id and ${matchWhere('a', c.first, ctx, true)}${windowWhere('a', w, ctx.now)} and a.timestamp < b.timestamp and a.timestamp >= b.timestamp - ${within}`;
  // Touched profiles only (a preview's sample, a live check): correlated on p.id, B found through (profile_id, timestamp).
  if (ctx.profileIds) return sql<boolean>`exists (select 1 from events b where b.profile_id = p.id and ${matchWhere('b', c.then, ctx, true)}${bBounds} and exists (${first}))`;
  return membership(sql`select b.profile_id from events b where ${matchWhere('b', c.then, ctx)}${bBounds} and exists (${first})`, true);
}

export function membership(sub: Sql, inSet: boolean): Bool {
  return inSet ? sql<boolean>`(p.id in (${sub}))` : sql<boolean>`(p.id not in (${sub}))`;
}

/** `alias.profile_id` limited to the context's profiles (incremental evaluation), or nothing. */
export function restrict(column: string, ctx: CompileContext): Sql {
  return ctx.profileIds ? sql` and ${ctx.dialect.anyText(sql.ref(column), ctx.profileIds)}` : sql``;
}

/** `byProfile`: the query is correlated on profile_id, so keep the name index out of its way. */
function eventWhere(alias: string, match: EventMatch, window: TimeWindow, ctx: CompileContext, byProfile = false): Sql {
  return sql`${matchWhere(alias, match, ctx, byProfile)}${windowWhere(alias, window, ctx.now)}`;
}

function matchWhere(alias: string, match: EventMatch, ctx: CompileContext, byProfile = false): Sql {
  const filters = match.where.map((f) => {
    const t = compileValueTest(f, jsonAccess(ctx.dialect, `${alias}.properties`, f.path.split('.')), ctx.dialect, ctx.now);
    return t.negated ? not(t.positive) : t.positive;
  });
  const ref = (col: string) => (byProfile ? ctx.dialect.unindexed(sql.ref(`${alias}.${col}`)) : sql.ref(`${alias}.${col}`));
  return and([sql<boolean>`${ref('workspace_id')} = ${ctx.workspaceId}`, sql<boolean>`${ref('name')} = ${match.name}`, ...filters]);
}

function windowWhere(alias: string, window: TimeWindow, now: number): Sql {
  const ts = sql.ref(`${alias}.timestamp`);
  switch (window.kind) {
    case 'ever':
      return sql``;
    case 'last':
      return sql` and ${ts} >= ${now - durationMs(window.amount, window.unit)} and ${ts} <= ${now}`;
    case 'between':
      return sql` and ${ts} >= ${Date.parse(window.from)} and ${ts} < ${Date.parse(window.to)}`;
    default:
      return assertUnreachable(window);
  }
}

const SQL_OP: Record<Comparison, string> = { '=': '=', '!=': '<>', '>': '>', '>=': '>=', '<': '<', '<=': '<=' };
const NEGATION: Record<Comparison, Comparison> = { '=': '!=', '!=': '=', '>': '<=', '>=': '<', '<': '>=', '<=': '>' };

function compare(left: Sql, op: Comparison, value: number): Sql {
  return sql`${left} ${sql.raw(SQL_OP[op])} ${value}`;
}

function negate(op: Comparison): Comparison {
  return NEGATION[op];
}

/** The comparison `n op value` in JS (does it hold for a profile with n events?). */
export function holds(op: Comparison, n: number, value: number): boolean {
  switch (op) {
    case '=':
      return n === value;
    case '!=':
      return n !== value;
    case '>':
      return n > value;
    case '>=':
      return n >= value;
    case '<':
      return n < value;
    case '<=':
      return n <= value;
    default:
      return assertUnreachable(op);
  }
}

function aggregateFn(fn: 'sum' | 'avg' | 'min' | 'max'): string {
  switch (fn) {
    case 'sum':
      return 'sum';
    case 'avg':
      return 'avg';
    case 'min':
      return 'min';
    case 'max':
      return 'max';
    default:
      return assertUnreachable(fn);
  }
}
