import { assertUnreachable } from '../platform/errors.js';
import { dateMs, eventMatches, readPath } from './journey.match.js';
import type { JourneyEntry, JourneySettings, ScheduleEntry } from './journey.schema.js';
import type { JourneyEvent } from './journey.state.js';
import { addDays, parseTimeOfDay, zonedParts, zonedTimeToUtc, type LocalDate } from './journey.time.js';

/** Who may enter and when a scheduled entry fires: the decisions the engine takes before `start`. */

const DAY = 86_400_000;

/** An earlier entry of the same customer into the same journey (any version). */
export interface PreviousEntry {
  enteredAt: number;
  /** null while the entry is still running. */
  endedAt: number | null;
}

export type EntryDecision =
  | { allowed: true }
  | { allowed: false; reason: 'already_active' | 'reentry_never' }
  | { allowed: false; reason: 'reentry_too_soon'; allowedFrom: number };

/**
 * Whether the customer may enter now. One entry at a time under every policy (a second entry
 * while one runs would send the same messages twice); `after` counts from the latest entry's start.
 */
export function reentryDecision(settings: Pick<JourneySettings, 'reentry'>, previous: readonly PreviousEntry[], now: number): EntryDecision {
  if (previous.length === 0) return { allowed: true };
  if (previous.some((p) => p.endedAt === null)) return { allowed: false, reason: 'already_active' };
  const policy = settings.reentry;
  switch (policy.policy) {
    case 'never':
      return { allowed: false, reason: 'reentry_never' };
    case 'always':
      return { allowed: true };
    case 'after': {
      const latest = Math.max(...previous.map((p) => p.enteredAt));
      const allowedFrom = latest + policy.afterDays * DAY;
      return now >= allowedFrom ? { allowed: true } : { allowed: false, reason: 'reentry_too_soon', allowedFrom };
    }
    default:
      return assertUnreachable(policy);
  }
}

/** reentryDecision as a yes/no. */
export function mayEnter(settings: Pick<JourneySettings, 'reentry'>, previous: readonly PreviousEntry[], now: number): boolean {
  return reentryDecision(settings, previous, now).allowed;
}

/** An event trigger's match (other entry kinds are started by segment transitions or the scheduler). */
export function entryMatchesEvent(entry: JourneyEntry, event: JourneyEvent, now: number): boolean {
  return entry.kind === 'event' && eventMatches(entry.event, event, now);
}

/**
 * The calendar date a date trait stands for. A date alone (`1990-05-17`) is that calendar date
 * wherever the customer is (a birthday does not move with time zones); a date-time or epoch ms is
 * the local date in the customer's zone.
 */
export function traitDate(value: unknown, timeZone: string): LocalDate | null {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    if (dateMs(value) === null) return null;
    const [year, month, day] = value.split('-').map(Number);
    return { year: year ?? 0, month: month ?? 0, day: day ?? 0 };
  }
  const ms = dateMs(value);
  return ms === null ? null : zonedParts(ms, timeZone);
}

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/**
 * The first instant at or after `from` at which a scheduled entry fires for a customer with these
 * traits, or null (no valid date; a one-off date already past). The scheduler asks with `from` = its
 * previous sweep and starts entries whose instant is ≤ now.
 */
export function scheduledOccurrence(entry: ScheduleEntry, traits: Readonly<Record<string, unknown>>, timeZone: string, from: number): number | null {
  const date = traitDate(readPath(traits, entry.trait), timeZone);
  if (!date) return null;
  const [hour, minute] = parseTimeOfDay(entry.at);
  const at = (d: LocalDate): number => zonedTimeToUtc(d, hour, minute, timeZone);
  switch (entry.when.kind) {
    case 'days_after': {
      const t = at(addDays(date, entry.when.days));
      return t >= from ? t : null;
    }
    case 'anniversary': {
      const thisYear = zonedParts(from, timeZone).year;
      for (const year of [thisYear - 1, thisYear, thisYear + 1]) {
        // 29 February is celebrated on the 28th in other years.
        const day = date.month === 2 && date.day === 29 && !isLeap(year) ? 28 : date.day;
        const t = at({ year, month: date.month, day });
        if (t >= from) return t;
      }
      return null;
    }
    default:
      return assertUnreachable(entry.when);
  }
}
