import { createHash } from 'node:crypto';
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { Database } from './database.js';
import { postgresJsonHelpers, sqliteJsonHelpers, type JsonSqlHelpers } from './dialect-json.js';

export type DialectName = 'sqlite' | 'postgres';

/**
 * Everything that differs between SQLite and PostgreSQL, in one place (STYLE §4).
 * Repositories ask this object; they never branch on the dialect themselves.
 * JSON-path, date, text-search, list and bucket helpers (segments) live in dialect-json.ts.
 */
export interface DialectHelpers extends JsonSqlHelpers {
  readonly name: DialectName;
  /** SELECT … FOR UPDATE SKIP LOCKED is available (several workers share a queue table). */
  readonly supportsRowLocks: boolean;
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
   * With a `scope`, a transaction that would hold more than MAX_KEY_LOCKS key locks in it takes
   * one exclusive lock on the whole scope instead: PostgreSQL's lock table is small (64 ×
   * max_connections by default) and a big import in one transaction would otherwise fail with
   * "out of shared memory". A scope stands in for one kind of key of one workspace (its event
   * message ids, its identities, its customers' send slots), and every locker of those keys must
   * name it: then a big ingest round that takes its message-id scope whole holds up other ingest
   * rounds only, not the deliveries of the same workspace (measured: PostgreSQL journeys spent
   * 156 s of lock waits on one shared workspace scope).
   */
  lockKeys(trx: Transaction<Database>, keys: readonly string[], scope?: string): Promise<void>;
}

const sqliteHelpers: DialectHelpers = {
  ...sqliteJsonHelpers,
  name: 'sqlite',
  supportsRowLocks: false,
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

/** Key locks one transaction may hold in a scope before it locks the whole scope instead. */
export const MAX_KEY_LOCKS = 1000;

/**
 * Scope locks a transaction holds. Key lockers take the scope's lock shared (before their key
 * locks, always in that order); an escalated transaction takes it exclusive, so it excludes every
 * key locker of the scope without a lock per key.
 */
const scopeLocks = new WeakMap<Transaction<Database>, { keys: number; shared: Set<string>; exclusive: Set<string> }>();

const postgresHelpers: DialectHelpers = {
  ...postgresJsonHelpers,
  name: 'postgres',
  supportsRowLocks: true,
  jsonType: 'jsonb',
  greatest: (a, b) => sql<number>`greatest(${a}, ${b})`,
  least: (a, b) => sql<number>`least(${a}, ${b})`,
  jsonText: (column, key) => sql<string | null>`(${sql.ref(column)} ->> ${key})`,
  ilike: (column, pattern) => sql<boolean>`${sql.ref(column)}::text ilike ${pattern}`,
  utcDay: (column) => sql<string>`to_char(to_timestamp(${sql.ref(column)} / 1000.0) at time zone 'UTC', 'YYYY-MM-DD')`,
  lockKeys: async (trx, keys, scope) => {
    if (keys.length === 0) return;
    const sorted = [...new Set(keys.map(lockKey))].sort();
    if (scope !== undefined) {
      let held = scopeLocks.get(trx);
      if (!held) scopeLocks.set(trx, (held = { keys: 0, shared: new Set(), exclusive: new Set() }));
      if (held.exclusive.has(scope)) return;
      const scopeKey = lockKey(`scope\u0000${scope}`);
      if (held.keys + sorted.length > MAX_KEY_LOCKS) {
        await sql`select pg_advisory_xact_lock(${scopeKey}::bigint)`.execute(trx);
        held.exclusive.add(scope);
        return;
      }
      if (!held.shared.has(scope)) {
        await sql`select pg_advisory_xact_lock_shared(${scopeKey}::bigint)`.execute(trx);
        held.shared.add(scope);
      }
      held.keys += sorted.length;
    }
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
