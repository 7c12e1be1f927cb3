import { sql, type RawBuilder } from 'kysely';
import { assertUnreachable } from '../platform/errors.js';
import { ISO_INSTANT_PATTERN, ISO_OFFSET_PATTERN } from './sqlite-functions.js';

/**
 * The SQL pieces the segment compiler needs whose spelling differs between SQLite and PostgreSQL
 * (STYLE §4): typed reads at a path in a JSON column, ISO dates, text search without LIKE, lists,
 * and the stable bucket. Every value and path is a bound parameter; every boolean here is two-valued
 * (never NULL), so `not (…)` around it means what it says; every value read is NULL unless the
 * JSON value has the requested type, and no input can make PostgreSQL raise (casts are guarded).
 * Paths are segment lists with PostgreSQL `#>` rules: an integer segment indexes an array
 * (negative from the end) and names a key in an object.
 */
export type JsonTypeTest = 'string' | 'number' | 'boolean' | 'true' | 'false' | 'array' | 'object' | 'present';

export interface JsonSqlHelpers {
  /** The value at `path` in JSON column `column` has the type; `present`: it exists and is not JSON null. */
  jsonIs(column: string, path: readonly string[], type: JsonTypeTest): RawBuilder<boolean>;
  /** The JSON string at `path`, or NULL if absent or not a string. */
  jsonString(column: string, path: readonly string[]): RawBuilder<string | null>;
  /** The JSON number at `path`, or NULL if absent or not a number (a numeric string is not a number). */
  jsonNumber(column: string, path: readonly string[]): RawBuilder<number | null>;
  /**
   * Two-valued: the value at `path` is the JSON string `value` (exact). The same as
   * `coalesce(jsonString(…) = value, false)`, spelled so the engine can skip the type test where
   * no other JSON type can compare equal.
   */
  jsonStringEquals(column: string, path: readonly string[], value: string): RawBuilder<boolean>;
  /**
   * Two-valued: the value at `path` is a JSON number and `number op value` holds (op: > >= < <=, or
   * between with `to`). The same as `coalesce(jsonNumber(…) op value, false)`.
   */
  jsonNumberCompare(column: string, path: readonly string[], op: '>' | '>=' | '<' | '<=' | 'between', value: number, to?: number): RawBuilder<boolean>;
  /** Two-valued: the value at `path` is a JSON string equal to one of `values` (`anyText` over jsonString). */
  jsonStringIn(column: string, path: readonly string[], values: readonly string[]): RawBuilder<boolean>;
  /**
   * The number stored under a top-level `key` of a column this code base fills with numbers only
   * (`profiles.trait_dates`), or NULL when absent.
   */
  storedNumber(column: string, key: string): RawBuilder<number | null>;
  /** The value at `path` is an array with a string element equal to `value`, ignoring case. */
  jsonArrayHasText(column: string, path: readonly string[], value: string): RawBuilder<boolean>;
  /** Epoch ms of a text expression holding a strict ISO date/date-time (UTC unless it has an offset), else NULL. */
  isoToMs(text: RawBuilder<unknown>): RawBuilder<number | null>;
  /** 1-based position of `needle` in `haystack` (0 when absent): substring search with no wildcards. */
  textPosition(haystack: RawBuilder<unknown>, needle: RawBuilder<unknown>): RawBuilder<number>;
  /** month * 100 + day (UTC) of an epoch-ms expression, NULL outside years 1–9999. */
  utcMonthDay(ms: RawBuilder<unknown>): RawBuilder<number | null>;
  /** Stable bucket 0–99 of an id: md5(id || salt), first 8 hex digits as unsigned 32-bit, mod 100 (bucketOf in JS). */
  bucket(id: RawBuilder<unknown>, salt: string): RawBuilder<number>;
  /** `expr` equals one of `values` (one bound parameter however long the list); NULL when expr is NULL. */
  anyText(expr: RawBuilder<unknown>, values: readonly string[]): RawBuilder<boolean>;
  anyNumber(expr: RawBuilder<unknown>, values: readonly number[]): RawBuilder<boolean>;
  /**
   * The same value, but a term on it does not pick an index. Without ANALYZE statistics SQLite
   * prefers (workspace_id, name, timestamp) for a sub-query correlated on profile_id, scanning every
   * event of that name per profile; unary + is SQLite's documented way to steer it to
   * (profile_id, timestamp). PostgreSQL plans from statistics: unchanged.
   */
  unindexed(expr: RawBuilder<unknown>): RawBuilder<unknown>;
}

// Epoch-ms bounds of years 1 and 9999, where both dialects' date functions are defined.
const MIN_MS = -62135596800000;
const MAX_MS = 253402300799999;

/** A native SQLite JSON path for label-only paths; integer-looking or odd segments need nudge_json_at. */
function sqlitePath(path: readonly string[]): string | null {
  if (!path.every((s) => /^[\p{L}\p{N}_$@-]+$/u.test(s) && !/^-?\d+$/.test(s))) return null;
  return '$' + path.map((s) => `."${s}"`).join('');
}

/** [document, path] arguments for SQLite's json_type/json_extract. */
function sqliteLocate(column: string, path: readonly string[]): [RawBuilder<unknown>, string] {
  const native = sqlitePath(path);
  if (native !== null) return [sql`${sql.ref(column)}`, native];
  return [sql`nudge_json_at(${sql.ref(column)}, ${JSON.stringify(path)})`, '$'];
}

const SQLITE_TYPES: Record<JsonTypeTest, readonly string[]> = {
  string: ['text'],
  number: ['integer', 'real'],
  boolean: ['true', 'false'],
  true: ['true'],
  false: ['false'],
  array: ['array'],
  object: ['object'],
  present: ['text', 'integer', 'real', 'true', 'false', 'array', 'object'],
};

export const sqliteJsonHelpers: JsonSqlHelpers = {
  jsonIs: (column, path, type) => {
    const [doc, p] = sqliteLocate(column, path);
    const types = SQLITE_TYPES[type].map((t) => sql.lit(t));
    return sql<boolean>`(coalesce(json_type(${doc}, ${p}), 'missing') in (${sql.join(types)}))`;
  },
  jsonString: (column, path) => {
    const [doc, p] = sqliteLocate(column, path);
    return sql<string | null>`(case when json_type(${doc}, ${p}) = 'text' then json_extract(${doc}, ${p}) end)`;
  },
  jsonNumber: (column, path) => {
    const [doc, p] = sqliteLocate(column, path);
    return sql<number | null>`(case when json_type(${doc}, ${p}) in ('integer', 'real') then json_extract(${doc}, ${p}) end)`;
  },
  // json_extract yields TEXT only for JSON strings and for arrays/objects (as JSON text, which starts
  // with `[` or `{`); numbers and booleans come back as numbers, and a number never equals TEXT
  // without affinity. So for any other value the type test is redundant, and it costs a second lookup.
  jsonStringEquals: (column, path, value) => {
    const [doc, p] = sqliteLocate(column, path);
    if (/^[[{]/.test(value)) return sql<boolean>`coalesce(json_type(${doc}, ${p}) = 'text' and json_extract(${doc}, ${p}) = ${value}, false)`;
    return sql<boolean>`coalesce(json_extract(${doc}, ${p}) = ${value}, false)`;
  },
  jsonNumberCompare: (column, path, op, value, to) => {
    const n = sqliteJsonHelpers.jsonNumber(column, path);
    return op === 'between' ? sql<boolean>`coalesce(${n} between ${value} and ${to ?? value}, false)` : sql<boolean>`coalesce(${n} ${sql.raw(op)} ${value}, false)`;
  },
  jsonStringIn: (column, path, values) => {
    const [doc, p] = sqliteLocate(column, path);
    const list = sql`(select value from json_each(${JSON.stringify(values)}))`;
    if (values.some((v) => /^[[{]/.test(v))) return sql<boolean>`coalesce(json_type(${doc}, ${p}) = 'text' and json_extract(${doc}, ${p}) in ${list}, false)`;
    return sql<boolean>`coalesce(json_extract(${doc}, ${p}) in ${list}, false)`;
  },
  storedNumber: (column, key) => {
    const [doc, p] = sqliteLocate(column, [key]);
    return sql<number | null>`json_extract(${doc}, ${p})`;
  },
  jsonArrayHasText: (column, path, value) => {
    const [doc, p] = sqliteLocate(column, path);
    return sql<boolean>`(case when json_type(${doc}, ${p}) = 'array' then exists (select 1 from json_each(${doc}, ${p}) j where j.type = 'text' and lower(j.value) = lower(cast(${value} as text))) else 0 end)`;
  },
  isoToMs: (text) => sql<number | null>`nudge_iso_ms(${text})`,
  textPosition: (haystack, needle) => sql<number>`instr(${haystack}, ${needle})`,
  utcMonthDay: (ms) =>
    sql<number | null>`(case when ${ms} between ${sql.lit(MIN_MS)} and ${sql.lit(MAX_MS)} then cast(strftime('%m%d', ${ms} / 1000.0, 'unixepoch') as integer) end)`,
  bucket: (id, salt) => sql<number>`nudge_bucket(${id}, cast(${salt} as text))`,
  anyText: (expr, values) => sql<boolean>`(${expr} in (select value from json_each(${JSON.stringify(values)})))`,
  anyNumber: (expr, values) => sql<boolean>`(${expr} in (select value from json_each(${JSON.stringify(values)})))`,
  unindexed: (expr) => sql`+${expr}`,
};

/**
 * `column #> path` with the path bound as one text[] parameter. A one-segment path is `column -> key`:
 * the columns read here (traits, event properties) always hold an object, where the two agree, and
 * `->` skips building the path array for every row.
 */
function pgAt(column: string, path: readonly string[]): RawBuilder<unknown> {
  if (path.length === 1) return sql`(${sql.ref(column)} -> cast(${path[0]} as text))`;
  return sql`(${sql.ref(column)} #> ${[...path]}::text[])`;
}

/** The text of a JSON string at `path` (`->>` for one segment, as pgAt). */
function pgText(column: string, path: readonly string[]): RawBuilder<string | null> {
  if (path.length === 1) return sql<string | null>`(${sql.ref(column)} ->> cast(${path[0]} as text))`;
  return sql<string | null>`(${sql.ref(column)} #>> ${[...path]}::text[])`;
}

const PG_TYPES: Record<Exclude<JsonTypeTest, 'true' | 'false' | 'present'>, string> = {
  string: 'string',
  number: 'number',
  boolean: 'boolean',
  array: 'array',
  object: 'object',
};

export const postgresJsonHelpers: JsonSqlHelpers = {
  jsonIs: (column, path, type) => {
    const at = pgAt(column, path);
    if (type === 'true' || type === 'false') return sql<boolean>`coalesce(${at} = ${sql.lit(type)}::jsonb, false)`;
    if (type === 'present') return sql<boolean>`(coalesce(jsonb_typeof(${at}), 'null') <> 'null')`;
    return sql<boolean>`(coalesce(jsonb_typeof(${at}), 'missing') = ${sql.lit(PG_TYPES[type])})`;
  },
  jsonString: (column, path) => sql<string | null>`(case when jsonb_typeof(${pgAt(column, path)}) = 'string' then ${pgText(column, path)} end)`,
  // The text first, the type test only for rows whose text matched (AND stops at the first false):
  // measured cheaper than the CASE of jsonString, and than jsonb equality with to_jsonb(value).
  jsonStringEquals: (column, path, value) => sql<boolean>`coalesce(${pgText(column, path)} = ${value} and jsonb_typeof(${pgAt(column, path)}) = 'string', false)`,
  jsonStringIn: (column, path, values) =>
    sql<boolean>`coalesce(${pgText(column, path)} = any(${[...values]}::text[]) and jsonb_typeof(${pgAt(column, path)}) = 'string', false)`,
  // jsonb's own ordering, no cast: numbers compare as numbers, and every other type sorts wholly
  // below (null, strings) or above (booleans, arrays, objects) all numbers. So "between two numbers"
  // is already "a number in range"; "above" needs a ceiling under the smallest boolean, and
  // "below" (no number is the smallest) tests the type, only where the comparison held.
  jsonNumberCompare: (column, path, op, value, to) => {
    const at = pgAt(column, path);
    const j = (n: number) => sql`cast(${JSON.stringify(n)} as jsonb)`;
    switch (op) {
      case 'between':
        return sql<boolean>`coalesce(${at} between ${j(value)} and ${j(to ?? value)}, false)`;
      case '>':
      case '>=':
        return sql<boolean>`coalesce(${at} ${sql.raw(op)} ${j(value)} and ${at} < cast('false' as jsonb), false)`;
      case '<':
      case '<=':
        return sql<boolean>`coalesce(${at} ${sql.raw(op)} ${j(value)} and jsonb_typeof(${at}) = 'number', false)`;
      default:
        return assertUnreachable(op);
    }
  },
  // Only finite numbers are ever stored there, so the cast cannot raise; float8 holds every one exactly.
  storedNumber: (column, key) => sql<number | null>`(${pgText(column, [key])})::float8`,
  // numeric, not double precision: a jsonb number such as 1e400 is a valid numeric but overflows a
  // double, and the cast would raise. The type guard keeps the cast off everything else.
  jsonNumber: (column, path) => {
    return sql<number | null>`(case when jsonb_typeof(${pgAt(column, path)}) = 'number' then (${pgText(column, path)})::numeric end)`;
  },
  jsonArrayHasText: (column, path, value) => {
    const at = pgAt(column, path);
    return sql<boolean>`(case when jsonb_typeof(${at}) = 'array' then exists (select 1 from jsonb_array_elements(${at}) j(v) where jsonb_typeof(j.v) = 'string' and lower(j.v #>> '{}') = lower(cast(${value} as text))) else false end)`;
  },
  // The pattern admits only strings both casts accept, so the cast inside the CASE cannot raise.
  // numeric like jsonNumber, so coalesce(jsonNumber, isoToMs) never converts a huge number to double.
  isoToMs: (text) =>
    sql<number | null>`(case when ${text} ~ ${sql.lit(ISO_INSTANT_PATTERN)} then floor(extract(epoch from (case when ${text} ~ ${sql.lit(ISO_OFFSET_PATTERN)} then cast(${text} as timestamptz) else cast(${text} as timestamp) at time zone 'UTC' end)) * 1000) end)`,
  textPosition: (haystack, needle) => sql<number>`strpos(${haystack}, ${needle})`,
  utcMonthDay: (ms) =>
    // Day arithmetic on a date, not to_timestamp … at time zone: the same UTC day, a fraction of the cost.
    sql<number | null>`(case when ${ms} between ${sql.lit(MIN_MS)} and ${sql.lit(MAX_MS)} then cast(to_char(date '1970-01-01' + cast(floor(cast(${ms} as double precision) / 86400000) as integer), 'MMDD') as integer) end)`,
  // bit(32) → bigint reads the 32 bits as an unsigned value (bigint has room), so no sign fix-up is needed.
  bucket: (id, salt) => sql<number>`(('x' || substr(md5(${id} || cast(${salt} as text)), 1, 8))::bit(32)::bigint % 100)`,
  anyText: (expr, values) => sql<boolean>`(${expr} = any(${[...values]}::text[]))`,
  anyNumber: (expr, values) => sql<boolean>`(${expr} = any(${[...values]}::numeric[]))`,
  unindexed: (expr) => expr,
};
