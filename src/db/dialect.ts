import { createHash } from 'node:crypto';
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { Database } from './database.js';

export type DialectName = 'sqlite' | 'postgres';

/**
 * Everything that differs between SQLite and PostgreSQL, in one place (STYLE §4).
 * Repositories ask this object; they never branch on the dialect themselves.
 */
export interface DialectHelpers {
  readonly name: DialectName;
  /** Column type for a JSON document in migrations. */
  readonly jsonType: 'text' | 'jsonb';
  /** Larger of two numeric SQL expressions. */
  greatest(a: RawBuilder<unknown>, b: RawBuilder<unknown>): RawBuilder<number>;
  /** Smaller of two numeric SQL expressions. */
  least(a: RawBuilder<unknown>, b: RawBuilder<unknown>): RawBuilder<number>;
  /** Text value at a top-level key of a JSON column (e.g. a trait). The key is bound, never concatenated. */
  jsonText(column: string, key: string): RawBuilder<string | null>;
  /** Case-insensitive LIKE over a text or JSON column (JSON is matched on its text). */
  ilike(column: string, pattern: string): RawBuilder<boolean>;
  /** UTC day (YYYY-MM-DD) of a millisecond timestamp column. */
  utcDay(column: string): RawBuilder<string>;
  /**
   * Serialise writers that touch the same keys, until the transaction ends.
   * SQLite already serialises all writers; PostgreSQL takes transaction-scoped advisory locks
   * in sorted order, so concurrent ingest of the same identity cannot create two profiles.
   */
  lockKeys(trx: Transaction<Database>, keys: readonly string[]): Promise<void>;
}

const sqliteHelpers: DialectHelpers = {
  name: 'sqlite',
  jsonType: 'text',
  greatest: (a, b) => sql<number>`max(${a}, ${b})`,
  least: (a, b) => sql<number>`min(${a}, ${b})`,
  jsonText: (column, key) => sql<string | null>`json_extract(${sql.ref(column)}, ${'$."' + key.replace(/"/g, '') + '"'})`,
  ilike: (column, pattern) => sql<boolean>`${sql.ref(column)} like ${pattern}`,
  utcDay: (column) => sql<string>`strftime('%Y-%m-%d', ${sql.ref(column)} / 1000, 'unixepoch')`,
  lockKeys: async () => {},
};

/** 63-bit advisory lock key from a string. */
function lockKey(key: string): string {
  return createHash('sha256').update(key).digest().readBigInt64BE(0).toString();
}

const postgresHelpers: DialectHelpers = {
  name: 'postgres',
  jsonType: 'jsonb',
  greatest: (a, b) => sql<number>`greatest(${a}, ${b})`,
  least: (a, b) => sql<number>`least(${a}, ${b})`,
  jsonText: (column, key) => sql<string | null>`(${sql.ref(column)} ->> ${key})`,
  ilike: (column, pattern) => sql<boolean>`${sql.ref(column)}::text ilike ${pattern}`,
  utcDay: (column) => sql<string>`to_char(to_timestamp(${sql.ref(column)} / 1000.0) at time zone 'UTC', 'YYYY-MM-DD')`,
  lockKeys: async (trx, keys) => {
    if (keys.length === 0) return;
    const sorted = [...new Set(keys.map(lockKey))].sort();
    await sql`select pg_advisory_xact_lock(k) from unnest(${sorted}::bigint[]) as k order by k`.execute(trx);
  },
};

export function dialectHelpers(name: DialectName): DialectHelpers {
  return name === 'sqlite' ? sqliteHelpers : postgresHelpers;
}

export type Db = Kysely<Database>;
/** A handle that is either the database or an open transaction. */
export type DbOrTrx = Kysely<Database> | Transaction<Database>;

/** Parse a JSON column as read back from either dialect. */
export function readJson<T = Record<string, unknown>>(value: unknown, fallback: T): T {
  if (value === null || value === undefined) return fallback;
  if (typeof value === 'string') {
    try {
      // JSON columns are written only by this code base; the caller validates shape where it matters.
      return JSON.parse(value) as T;
    } catch {
      return fallback;
    }
  }
  // PostgreSQL's jsonb arrives already parsed.
  return value as T;
}
