import { sql, type RawBuilder } from 'kysely';
import type { DialectHelpers } from '../db/dialect.js';
import { assertUnreachable } from '../platform/errors.js';
import type { TimeUnit, ValueTest } from './segment.schema.js';

/**
 * One ValueTest (equals, contains, gt, date_within_last, …) compiled over one value: a trait or an
 * event property (a path in a JSON document) or a computed trait row (typed columns).
 *
 * Semantics, the same on both dialects:
 * - Types are strict: a string test matches only JSON strings, a numeric test (equals 5, gt, between…)
 *   only JSON numbers. A numeric string such as "34" is a string: it matches `equals "34"`, never
 *   `gt 30`. (The validator rejects numeric tests on traits only ever seen as strings.)
 * - equals / in on strings are exact (case-sensitive); contains / starts_with ignore case (ASCII
 *   letters on SQLite; PostgreSQL follows the database's locale; Chinese has no case) and are plain
 *   substring tests, so `%` and `_` are just characters. `contains` on an array matches a string
 *   element equal to the value, ignoring case (`tags contains "vip"`).
 * - A value that is absent or JSON null fails every positive test. The negative ones (not_equals,
 *   not_in, not_contains, not_exists) are exactly the negation of their positive twin, so an absent
 *   trait MATCHES them: "plan is not gold" includes profiles without a plan.
 *   date_not_within_last is not a negation: it means "older than", so an absent date fails it.
 * - Dates are JSON numbers (epoch ms) or strict ISO 8601 strings (a date alone is midnight UTC; a
 *   date-time without offset is UTC). Anything else, e.g. "2024-02-30", is not a date.
 *   Relative windows are measured from the compile context's `now`; months are 30 days.
 */

export type Sql = RawBuilder<unknown>;
export type Bool = RawBuilder<boolean>;

export const TRUE: Bool = sql<boolean>`true`;
export const FALSE: Bool = sql<boolean>`false`;

/** NULL → false, so the result stays two-valued under `not`. */
export const nn = (x: Sql): Bool => sql<boolean>`coalesce(${x}, false)`;
export const not = (x: Bool): Bool => sql<boolean>`(not ${x})`;
export const and = (xs: readonly Bool[]): Bool => (xs.length === 0 ? TRUE : xs.length === 1 ? xs[0]! : sql<boolean>`(${sql.join(xs, sql` and `)})`);
export const or = (xs: readonly Bool[]): Bool => (xs.length === 0 ? FALSE : xs.length === 1 ? xs[0]! : sql<boolean>`(${sql.join(xs, sql` or `)})`);

const MINUTE = 60_000;
const DAY = 86_400_000;
const UNIT_MS: Record<TimeUnit, number> = { minutes: MINUTE, hours: 60 * MINUTE, days: DAY, weeks: 7 * DAY, months: 30 * DAY };

/** Length of a duration in ms. A month is 30 days (windows stay fixed-length, not calendar months). */
export function durationMs(amount: number, unit: TimeUnit): number {
  return amount * UNIT_MS[unit];
}

/** Typed reads of one value; each read is NULL unless the value has that type. */
export interface ValueAccess {
  text: Sql;
  number: Sql;
  /** Epoch ms, from a number or a strict ISO string. */
  dateMs: Sql;
  /** Two-valued: the value is this boolean. */
  isBoolean(value: boolean): Bool;
  /** Two-valued: the value exists and is not null. */
  present: Bool;
  /** Two-valued: the value is an array with this string element (any case). Absent for typed columns. */
  arrayHasText?: (value: string) => Bool;
  /** Two-valued: the value is this string; when absent, `text = value`. */
  textEquals?: (value: string) => Bool;
  /** Two-valued: the value is one of these strings; when absent, `text = any(values)`. */
  textIn?: (values: readonly string[]) => Bool;
  /** Two-valued: the value is a number and the comparison holds; when absent, `number op value`. */
  numberCompare?: (op: '>' | '>=' | '<' | '<=' | 'between', value: number, to?: number) => Bool;
}

/** Reads of a path in a JSON column (`p.traits`, `e.properties`). */
export function jsonAccess(d: DialectHelpers, column: string, path: readonly string[]): ValueAccess {
  const text = d.jsonString(column, path);
  const number = d.jsonNumber(column, path);
  return {
    text,
    number,
    dateMs: sql`coalesce(${number}, ${d.isoToMs(text)})`,
    isBoolean: (value) => d.jsonIs(column, path, value ? 'true' : 'false'),
    present: d.jsonIs(column, path, 'present'),
    arrayHasText: (value) => d.jsonArrayHasText(column, path, value),
    textEquals: (value) => d.jsonStringEquals(column, path, value),
    textIn: (values) => d.jsonStringIn(column, path, values),
    numberCompare: (op, value, to) => d.jsonNumberCompare(column, path, op, value, to),
  };
}

/**
 * Reads of a trait. A top-level date trait is read from `p.trait_dates`, where the profile
 * repository stores each number or strict ISO trait as epoch ms when it writes the profile
 * (profiles/trait-dates.ts): the same value `dateMs` of jsonAccess computes, without parsing.
 */
export function traitAccess(d: DialectHelpers, path: readonly string[]): ValueAccess {
  const access = jsonAccess(d, 'p.traits', path);
  const [key] = path;
  return path.length === 1 && key !== undefined ? { ...access, dateMs: d.storedNumber('p.trait_dates', key) } : access;
}

/**
 * Reads of a computed-trait row (alias `ct`): strings in text_value; numbers, dates (epoch ms) and
 * booleans (1 / 0) in num_value, the column profile_computed_traits documents.
 */
export function computedAccess(d: DialectHelpers, valueType: 'string' | 'number' | 'boolean' | 'date'): ValueAccess {
  const text = sql.ref('ct.text_value');
  const num = sql.ref('ct.num_value');
  // Typed NULLs: PostgreSQL cannot infer a parameter's type from a bare NULL (`null = $1`).
  const noText = sql`cast(null as text)`;
  const noNumber = sql`cast(null as double precision)`;
  switch (valueType) {
    case 'string':
      return { text, number: noNumber, dateMs: d.isoToMs(text), isBoolean: () => FALSE, present: sql<boolean>`(${text} is not null)` };
    case 'number':
    case 'date':
      return { text: noText, number: num, dateMs: num, isBoolean: () => FALSE, present: sql<boolean>`(${num} is not null)` };
    case 'boolean':
      return { text: noText, number: noNumber, dateMs: noNumber, isBoolean: (v) => nn(sql`${num} = ${v ? 1 : 0}`), present: sql<boolean>`(${num} is not null)` };
    default:
      return assertUnreachable(valueType);
  }
}

/** A test as its positive form plus whether the condition is its negation (so callers can pick NOT or NOT IN). */
export interface CompiledTest {
  positive: Bool;
  negated: boolean;
}

/** Epoch ms of a definition's date value (ISO date = midnight UTC; the schema guarantees an offset on date-times). */
function definitionDateMs(value: string): number {
  return Date.parse(value);
}

export function compileValueTest(test: ValueTest, v: ValueAccess, d: DialectHelpers, now: number): CompiledTest {
  const yes = (positive: Bool): CompiledTest => ({ positive, negated: false });
  const no = (positive: Bool): CompiledTest => ({ positive, negated: true });
  const lowerParam = (s: string) => sql`lower(cast(${s} as text))`;
  const contains = (s: string): Bool => {
    const sub = nn(sql`${d.textPosition(sql`lower(${v.text})`, lowerParam(s))} > 0`);
    return v.arrayHasText ? or([sub, v.arrayHasText(s)]) : sub;
  };
  switch (test.op) {
    case 'equals':
      return yes(equals(v, test.value));
    case 'not_equals':
      return no(equals(v, test.value));
    case 'contains':
      return yes(contains(test.value));
    case 'not_contains':
      return no(contains(test.value));
    case 'starts_with':
      return yes(nn(sql`${d.textPosition(sql`lower(${v.text})`, lowerParam(test.value))} = 1`));
    case 'in':
      return yes(inList(v, d, test.values));
    case 'not_in':
      return no(inList(v, d, test.values));
    case 'exists':
      return yes(v.present);
    case 'not_exists':
      return no(v.present);
    case 'gt':
      return yes(compareNumber(v, '>', test.value));
    case 'gte':
      return yes(compareNumber(v, '>=', test.value));
    case 'lt':
      return yes(compareNumber(v, '<', test.value));
    case 'lte':
      return yes(compareNumber(v, '<=', test.value));
    case 'between':
      return yes(compareNumber(v, 'between', test.from, test.to));
    case 'date_before':
      return yes(nn(sql`${v.dateMs} < ${definitionDateMs(test.value)}`));
    case 'date_after':
      return yes(nn(sql`${v.dateMs} > ${definitionDateMs(test.value)}`));
    case 'date_within_last':
      return yes(nn(sql`${v.dateMs} between ${now - durationMs(test.amount, test.unit)} and ${now}`));
    case 'date_not_within_last':
      return yes(nn(sql`${v.dateMs} < ${now - durationMs(test.amount, test.unit)}`));
    case 'date_within_next':
      return yes(nn(sql`${v.dateMs} between ${now} and ${now + durationMs(test.amount, test.unit)}`));
    case 'anniversary_within_next': {
      const md = d.utcMonthDay(v.dateMs);
      return yes(or(anniversaryRanges(now, test.days).map(([from, to]) => nn(sql`${md} between ${from} and ${to}`))));
    }
    default:
      return assertUnreachable(test);
  }
}

function compareNumber(v: ValueAccess, op: '>' | '>=' | '<' | '<=' | 'between', value: number, to?: number): Bool {
  if (v.numberCompare) return v.numberCompare(op, value, to);
  return op === 'between' ? nn(sql`${v.number} between ${value} and ${to ?? value}`) : nn(sql`${v.number} ${sql.raw(op)} ${value}`);
}

function equals(v: ValueAccess, value: string | number | boolean): Bool {
  if (typeof value === 'boolean') return v.isBoolean(value);
  if (typeof value === 'string' && v.textEquals) return v.textEquals(value);
  return nn(sql`${typeof value === 'string' ? v.text : v.number} = ${value}`);
}

function inList(v: ValueAccess, d: DialectHelpers, values: readonly (string | number | boolean)[]): Bool {
  const texts = values.filter((x): x is string => typeof x === 'string');
  const numbers = values.filter((x): x is number => typeof x === 'number');
  const parts: Bool[] = [];
  if (texts.length > 0) parts.push(v.textIn ? v.textIn(texts) : nn(d.anyText(v.text, texts)));
  if (numbers.length > 0) parts.push(nn(d.anyNumber(v.number, numbers)));
  for (const b of [true, false]) if (values.includes(b)) parts.push(v.isBoolean(b));
  return or(parts);
}

const monthDay = (t: Date) => (t.getUTCMonth() + 1) * 100 + t.getUTCDate();
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/**
 * month*100+day ranges covering the UTC days from today to today + `days`, any year. In a year
 * without 29 February, a 29 February anniversary falls on the 28th: a window ending on 28 Feb of
 * such a year also covers 0229 (one that runs on into March covers it anyway).
 */
export function anniversaryRanges(now: number, days: number): Array<[number, number]> {
  if (days >= 365) return [[101, 1231]];
  const start = new Date(Math.floor(now / DAY) * DAY);
  const end = new Date(start.getTime() + days * DAY);
  const from = monthDay(start);
  let to = monthDay(end);
  if (to === 228 && !isLeap(end.getUTCFullYear())) to = 229;
  if (end.getUTCFullYear() === start.getUTCFullYear()) return [[from, to]];
  return [
    [from, 1231],
    [101, to],
  ];
}
