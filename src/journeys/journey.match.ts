import { assertUnreachable } from '../platform/errors.js';
import { anniversaryRanges, durationMs } from '../segments/segment.compile-values.js';
import type { EventMatch, PropertyFilter, ValueTest } from '../segments/segment.schema.js';
import type { JourneyEvent } from './journey.state.js';

/**
 * Event property filters evaluated in memory, for the events a running journey receives (entry,
 * wait_for_event, goal, exit) and for context conditions. The semantics are the segment
 * compiler's (segment.compile-values.ts), so a filter means the same in a segment and a journey:
 * strict types, exact equals, case-insensitive contains / starts_with, an absent value fails every
 * positive test and passes its negation, dates are epoch ms or strict ISO 8601 (no offset = UTC).
 */

/** The event has the match's name and passes all its property filters. */
export function eventMatches(match: EventMatch, event: JourneyEvent, now: number): boolean {
  return event.name === match.name && filtersMatch(match.where, event.properties, now);
}

/** Every filter holds on `doc` (an empty list holds). */
export function filtersMatch(filters: readonly PropertyFilter[], doc: unknown, now: number): boolean {
  return filters.every((f) => valueTestHolds(f, readPath(doc, f.path), now));
}

/** The value at a dotted path: object keys, or integer indexes into arrays (negative from the end, as PostgreSQL's `#>`). */
export function readPath(doc: unknown, path: string): unknown {
  let value: unknown = doc;
  for (const segment of path.split('.')) {
    if (Array.isArray(value)) {
      if (!/^-?\d+$/.test(segment)) return undefined;
      let i = Number(segment);
      if (i < 0) i += value.length;
      value = value[i];
    } else if (isRecord(value) && Object.hasOwn(value, segment)) {
      value = value[segment];
    } else {
      return undefined;
    }
  }
  return value;
}

export function valueTestHolds(test: ValueTest, value: unknown, now: number): boolean {
  switch (test.op) {
    case 'equals':
      return equals(value, test.value);
    case 'not_equals':
      return !equals(value, test.value);
    case 'contains':
      return contains(value, test.value);
    case 'not_contains':
      return !contains(value, test.value);
    case 'starts_with':
      return typeof value === 'string' && value.toLowerCase().startsWith(test.value.toLowerCase());
    case 'in':
      return test.values.some((v) => equals(value, v));
    case 'not_in':
      return !test.values.some((v) => equals(value, v));
    case 'exists':
      return value !== undefined && value !== null;
    case 'not_exists':
      return value === undefined || value === null;
    case 'gt':
      return typeof value === 'number' && value > test.value;
    case 'gte':
      return typeof value === 'number' && value >= test.value;
    case 'lt':
      return typeof value === 'number' && value < test.value;
    case 'lte':
      return typeof value === 'number' && value <= test.value;
    case 'between':
      return typeof value === 'number' && value >= test.from && value <= test.to;
    case 'date_before':
      return compareDate(value, (ms) => ms < Date.parse(test.value));
    case 'date_after':
      return compareDate(value, (ms) => ms > Date.parse(test.value));
    case 'date_within_last':
      return compareDate(value, (ms) => ms >= now - durationMs(test.amount, test.unit) && ms <= now);
    case 'date_not_within_last':
      return compareDate(value, (ms) => ms < now - durationMs(test.amount, test.unit));
    case 'date_within_next':
      return compareDate(value, (ms) => ms >= now && ms <= now + durationMs(test.amount, test.unit));
    case 'anniversary_within_next':
      return compareDate(value, (ms) => {
        const d = new Date(ms);
        const md = (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
        return anniversaryRanges(now, test.days).some(([from, to]) => md >= from && md <= to);
      });
    default:
      return assertUnreachable(test);
  }
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function equals(value: unknown, expected: string | number | boolean): boolean {
  return typeof value === typeof expected && value === expected;
}

/** Substring of a string, or a string element of an array, ignoring case. */
function contains(value: unknown, needle: string): boolean {
  const n = needle.toLowerCase();
  if (typeof value === 'string') return value.toLowerCase().includes(n);
  if (Array.isArray(value)) return value.some((v) => typeof v === 'string' && v.toLowerCase() === n);
  return false;
}

function compareDate(value: unknown, test: (ms: number) => boolean): boolean {
  const ms = dateMs(value);
  return ms !== null && test(ms);
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|([+-])(\d{2}):(\d{2}))?)?$/;

/**
 * Epoch ms of a JSON number or a strict ISO 8601 string, else null. The same rules as the SQL
 * `nudge_iso_ms` (years 1000–9999, real calendar days, offsets up to ±15:59), re-stated here so
 * this module stays free of Node-only imports (the dashboard can run journey previews).
 */
export function dateMs(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string') return null;
  const m = ISO.exec(value);
  if (!m) return null;
  const n = (i: number): number => Number(m[i] ?? 0);
  const [year, month, day, hour, minute, second] = [n(1), n(2), n(3), n(4), n(5), n(6)];
  if (year < 1000 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  if (n(10) > 15 || n(11) > 59) return null;
  const ms = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  // Date.UTC rolls 30 February over into March: a real calendar day survives the round trip.
  if (new Date(utc).getUTCDate() !== day) return null;
  const offset = m[9] ? (m[9] === '-' ? -1 : 1) * (n(10) * 60 + n(11)) * 60_000 : 0;
  return utc - offset;
}
