import { createHash } from 'node:crypto';
import type SQLite from 'better-sqlite3';

/**
 * SQL functions SQLite lacks and the segment compiler needs, registered on every connection.
 * Each mirrors a PostgreSQL expression in dialect-json.ts exactly, so a segment has the same
 * members on both dialects.
 */

/**
 * A strict ISO 8601 date or UTC/offset date-time: only real calendar days (leap years included),
 * years 1000–9999, at most microseconds, offsets up to ±15:59 (PostgreSQL's limit). The same
 * pattern guards PostgreSQL's cast, so a string either parses on both dialects or on neither, and a
 * bad trait value can never make PostgreSQL raise. POSIX-compatible (no \d), as PostgreSQL reads it.
 */
export const ISO_INSTANT_PATTERN =
  '^(' +
  '[1-9][0-9]{3}-(0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])' +
  '|[1-9][0-9]{3}-(0[469]|11)-(0[1-9]|[12][0-9]|30)' +
  '|[1-9][0-9]{3}-02-(0[1-9]|1[0-9]|2[0-8])' +
  '|([1-9][0-9](0[48]|[2468][048]|[13579][26])|([13579][26]|[2468][048])00)-02-29' +
  ')' +
  '([T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]{1,6})?)?(Z|[+-](0[0-9]|1[0-5]):[0-5][0-9])?)?$';

/** Ends with an explicit offset (otherwise the instant is read as UTC). */
export const ISO_OFFSET_PATTERN = '(Z|[+-][0-9]{2}:[0-9]{2})$';

const isoValid = new RegExp(ISO_INSTANT_PATTERN);
const isoParts = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|([+-])(\d{2}):(\d{2}))?)?$/;

/** Epoch ms of a strict ISO instant (truncated to the millisecond, as PostgreSQL's floor), or null. */
export function isoInstantMs(text: string): number | null {
  if (!isoValid.test(text)) return null;
  const m = isoParts.exec(text);
  if (!m) return null;
  const n = (i: number) => Number(m[i] ?? 0);
  const ms = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  // Date.UTC maps years 0–99 to 19xx; the pattern only admits 1000–9999, so that never applies.
  const utc = Date.UTC(n(1), n(2) - 1, n(3), n(4), n(5), n(6), ms);
  const offset = m[9] ? (m[9] === '-' ? -1 : 1) * (n(10) * 60 + n(11)) * 60_000 : 0;
  return utc - offset;
}

/** Stable bucket 0–99: the first 8 hex digits of md5(id || salt) as an unsigned 32-bit integer, mod 100. */
export function bucketOf(id: string, salt: string): number {
  return parseInt(createHash('md5').update(id + salt).digest('hex').slice(0, 8), 16) % 100;
}

/**
 * The JSON text at `path` (segments) in a JSON document, or null when absent, with PostgreSQL's
 * `#>` rules: in an array a segment is an integer index (negative from the end), in an object a key.
 * SQLite's own paths cannot say "index or key", so paths with integer-looking segments use this.
 */
export function jsonAt(doc: string, path: readonly string[]): string | null {
  let value: unknown;
  try {
    value = JSON.parse(doc);
  } catch {
    return null;
  }
  for (const segment of path) {
    if (Array.isArray(value)) {
      if (!/^-?\d+$/.test(segment)) return null;
      let i = Number(segment);
      if (i < 0) i += value.length;
      if (i < 0 || i >= value.length) return null;
      value = value[i];
    } else if (value !== null && typeof value === 'object' && Object.hasOwn(value, segment)) {
      value = (value as Record<string, unknown>)[segment]; // a non-null, non-array object parsed from JSON
    } else {
      return null;
    }
  }
  return JSON.stringify(value);
}

/** Register Nudge's SQL functions on a SQLite connection. */
export function registerSqliteFunctions(sqlite: SQLite.Database): void {
  sqlite.function('nudge_bucket', { deterministic: true }, (id: unknown, salt: unknown) =>
    typeof id === 'string' && typeof salt === 'string' ? bucketOf(id, salt) : null,
  );
  sqlite.function('nudge_iso_ms', { deterministic: true }, (text: unknown) => (typeof text === 'string' ? isoInstantMs(text) : null));
  sqlite.function('nudge_json_at', { deterministic: true }, (doc: unknown, path: unknown) => {
    if (typeof doc !== 'string' || typeof path !== 'string') return null;
    const segments: unknown = JSON.parse(path);
    if (!Array.isArray(segments) || !segments.every((s): s is string => typeof s === 'string')) return null;
    return jsonAt(doc, segments);
  });
}
