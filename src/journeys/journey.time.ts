/**
 * Wall-clock arithmetic in IANA time zones with nothing but Intl.DateTimeFormat (no tz database
 * of our own, so the runtime's ICU data is the one source of truth). Times are epoch ms.
 *
 * Local times that do not exist or exist twice (DST changes) follow Temporal's `compatible`
 * disambiguation, the behaviour calendar apps share: a time in a spring-forward gap moves forward by
 * the gap (02:30 on the New York spring change is 03:30 EDT); a time repeated in the autumn is its
 * first occurrence (01:30 EDT, not EST).
 */

import { isTimeZone, zoneFormatter as formatter } from '../platform/time-zone.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

/** A calendar date; month 1–12. */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

export interface ZonedParts extends LocalDate {
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
}

export const WEEKDAY_KEYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** The runtime knows this IANA zone name (platform/time-zone.ts, shared with workspace settings). */
export { isTimeZone };

/** The first candidate that is a known zone name, else UTC. */
export function firstTimeZone(...candidates: readonly unknown[]): string {
  for (const c of candidates) if (typeof c === 'string' && isTimeZone(c)) return c;
  return 'UTC';
}

/** The local calendar date and time of instant `ms` in `timeZone`. */
export function zonedParts(ms: number, timeZone: string): ZonedParts {
  const out = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) {
    if (p.type === 'year' || p.type === 'month' || p.type === 'day' || p.type === 'hour' || p.type === 'minute' || p.type === 'second') {
      out[p.type] = Number(p.value);
    }
  }
  return { ...out, weekday: new Date(Date.UTC(out.year, out.month - 1, out.day)).getUTCDay() };
}

/** UTC offset (local − UTC, ms) in effect at instant `ms`. */
export function offsetAt(ms: number, timeZone: string): number {
  const p = zonedParts(ms, timeZone);
  const wholeSeconds = Math.floor(ms / 1000) * 1000;
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - wholeSeconds;
}

/** The instant at which the local clock in `timeZone` shows `date` `hour`:`minute` (see the DST note above). */
export function zonedTimeToUtc(date: LocalDate, hour: number, minute: number, timeZone: string): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day, hour, minute);
  // The offsets a day either side bracket any transition near this wall time (zones change at most once a day).
  const before = offsetAt(wall - DAY, timeZone);
  const after = offsetAt(wall + DAY, timeZone);
  const valid = [wall - before, wall - after].filter((t) => offsetAt(t, timeZone) === wall - t);
  // Repeated hour: two valid instants, the earlier is the first occurrence.
  if (valid.length > 0) return Math.min(...valid);
  // Gap: read the wall time with the offset before the change, which lands after the gap.
  return wall - before;
}

/** The calendar date `days` after `date`. */
export function addDays(date: LocalDate, days: number): LocalDate {
  const t = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

/** `hh:mm` → [hour, minute] (the schema guarantees the format). */
export function parseTimeOfDay(at: string): [number, number] {
  const [h, m] = at.split(':');
  return [Number(h), Number(m)];
}

/**
 * The first instant strictly after `after` at which the local clock in `timeZone` shows `at`, on
 * one of `weekdays` when given. Strictly after, so a loop through a time-of-day delay always
 * waits a day rather than firing again at the same instant.
 */
export function nextTimeOfDay(after: number, at: string, timeZone: string, weekdays?: readonly string[]): number {
  const [hour, minute] = parseTimeOfDay(at);
  const today = zonedParts(after, timeZone);
  // Today plus seven days covers every weekday; one more covers "today, but the time has passed".
  for (let d = 0; d <= 8; d++) {
    const date = addDays(today, d);
    const weekday = WEEKDAY_KEYS[new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay()];
    if (weekdays && weekdays.length > 0 && (weekday === undefined || !weekdays.includes(weekday))) continue;
    const t = zonedTimeToUtc(date, hour, minute, timeZone);
    if (t > after) return t;
  }
  // Unreachable with at least one weekday; an empty list means any day and returns above.
  return after + DAY;
}

/** `days` calendar days after `ms` at the same local wall-clock time (23 or 25 hours across a DST change). */
export function addLocalDays(ms: number, days: number, timeZone: string): number {
  const p = zonedParts(ms, timeZone);
  const t = zonedTimeToUtc(addDays(p, days), p.hour, p.minute, timeZone);
  // Keep the seconds and milliseconds the minute-resolution conversion dropped.
  return t + (ms - Math.floor(ms / MINUTE) * MINUTE);
}

/** Minutes since local midnight of instant `ms`. */
export function localMinutes(ms: number, timeZone: string): number {
  const p = zonedParts(ms, timeZone);
  return p.hour * 60 + p.minute;
}
