import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { LRUCache } from 'lru-cache';
import pg from 'pg';
import type { Database } from './database.js';
import { dialectHelpers, type DialectHelpers } from './dialect.js';
import { migrateToLatest } from './migrate.js';
import { registerSqliteFunctions } from './sqlite-functions.js';
import { createLockWaiters, LockWaitingSqliteDialect, yieldToWaiters, type LockWaiters } from './sqlite-lock-wait.js';

/**
 * Where a handle points, so another thread (the ingest worker) can open its own connection to it.
 * SQLite connections to one file share a count of writers waiting for its lock (sqlite-lock-wait.ts).
 */
export type DatabaseSource = { kind: 'sqlite'; path: string; lockWaiters: LockWaiters } | { kind: 'postgres'; url: string };

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: DialectHelpers;
  /** Human-readable location, for start-up messages (never includes a password). */
  location: string;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** postgres://… URL; when absent, SQLite at `sqlitePath`. */
  databaseUrl?: string;
  sqlitePath?: string;
  /** Run migrations before returning (default true). */
  migrate?: boolean;
  /** PostgreSQL pool size. */
  poolSize?: number;
  /**
   * SQLite: how a statement waits while another connection holds the write lock. 'async' (default)
   * retries on a timer and keeps the event loop running; 'blocking' sleeps in busy_timeout, for a
   * worker thread whose loop has nothing else to do meanwhile.
   */
  sqliteLockWait?: 'async' | 'blocking';
  /** SQLite: the waiting-writer count shared with other connections to the file (from its DatabaseSource). */
  sqliteLockWaiters?: LockWaiters;
}

/**
 * The source each open handle came from. Services receive only the Kysely handle from the
 * composition root; the few that open a connection of their own in a worker thread look it up here.
 */
const sources = new WeakMap<Kysely<Database>, DatabaseSource>();
const WAL_AUTOCHECKPOINT = 4000;
/** The better-sqlite3 connection behind each SQLite handle, for the WAL checkpoint controls below. */
const connections = new WeakMap<Kysely<Database>, SQLite.Database>();

/** Where `db` points; null for an in-memory SQLite database, which no other connection can see. */
export function databaseSource(db: Kysely<Database>): DatabaseSource | null {
  return sources.get(db) ?? null;
}

/**
 * For a writer that holds SQLite's lock in long stretches (the ingest processor): resolves once no
 * other connection waits for the lock, or after `maxMs`. At once on PostgreSQL (row locks).
 */
export function yieldToOtherWriters(db: Kysely<Database>, maxMs = 1000): Promise<void> {
  const source = sources.get(db);
  return source?.kind === 'sqlite' ? yieldToWaiters(source.lockWaiters, maxMs) : Promise.resolve();
}

/**
 * SQLite: whether this connection runs WAL checkpoints itself when its commits grow the log past
 * 4,000 pages (the default), or leaves them to another connection that calls `checkpointWal`
 * (the ingest worker, on its own thread). A checkpoint copies the log into the database file:
 * tens of milliseconds inside a commit, which on the main thread stall every request and the
 * journey and delivery engines meanwhile. No effect on PostgreSQL or in-memory SQLite.
 */
export function checkpointsHere(db: Kysely<Database>, here: boolean): void {
  connections.get(db)?.pragma(`wal_autocheckpoint = ${here ? WAL_AUTOCHECKPOINT : 0}`);
}

/** SQLite: copy what the WAL holds into the database file without waiting for any reader or writer. */
export function checkpointWal(db: Kysely<Database>): void {
  const sqlite = connections.get(db);
  // Between two statements of this connection's own open transaction: at its commit instead.
  if (sqlite && !sqlite.inTransaction) sqlite.pragma('wal_checkpoint(PASSIVE)');
}

/** The one dialect switch: open SQLite (default) or PostgreSQL, and migrate. */
export async function openDatabase(options: OpenOptions): Promise<DatabaseHandle> {
  const lockWaiters = options.sqliteLockWaiters ?? createLockWaiters();
  const handle = options.databaseUrl ? openPostgres(options.databaseUrl, options.poolSize ?? 10) : openSqlite(options.sqlitePath, options.sqliteLockWait ?? 'async', lockWaiters);
  if (options.databaseUrl) sources.set(handle.db, { kind: 'postgres', url: options.databaseUrl });
  else if (options.sqlitePath && options.sqlitePath !== ':memory:') sources.set(handle.db, { kind: 'sqlite', path: path.resolve(options.sqlitePath), lockWaiters });
  if (options.migrate !== false) await migrateToLatest(handle.db, handle.dialect);
  return handle;
}

function openSqlite(file: string | undefined, lockWait: 'async' | 'blocking', lockWaiters: LockWaiters): DatabaseHandle {
  const target = file ?? ':memory:';
  if (target !== ':memory:') fs.mkdirSync(path.dirname(target), { recursive: true });
  const sqlite = new SQLite(target);
  // Larger pages: fewer WAL frames per commit for index-heavy event inserts (applies to new files).
  sqlite.pragma('page_size = 8192');
  sqlite.pragma('journal_mode = WAL');
  // FULL: a committed (and so acknowledged) event survives power loss, not only a process crash.
  // Ingest commits are grouped (one fsync per group, in the ingest worker), so this costs little.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma(`busy_timeout = ${lockWait === 'async' ? 0 : 10000}`);
  sqlite.pragma('foreign_keys = ON');
  // 32 MB a connection: with the ingest worker's own connection, the same 64 MB as one connection had.
  sqlite.pragma('cache_size = -32768');
  sqlite.pragma('temp_store = MEMORY');
  sqlite.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT}`);
  registerSqliteFunctions(sqlite);
  const database = withStatementCache(sqlite);
  const dialect = lockWait === 'async' ? new LockWaitingSqliteDialect({ database, sqlite, waiters: lockWaiters }) : new SqliteDialect({ database });
  const db = new Kysely<Database>({ dialect });
  if (target !== ':memory:') connections.set(db, sqlite);
  return {
    db,
    dialect: dialectHelpers('sqlite'),
    location: target,
    close: () => db.destroy(),
  };
}

/**
 * Kysely prepares every query anew; better-sqlite3 statements are reusable, and the ingest path
 * sends the same few statement shapes thousands of times a second. Keep the most recent ones.
 *
 * Kysely opens SQLite transactions with a deferred `begin`. With two connections to one file (the
 * ingest worker has its own), a transaction that reads and then writes would fail with
 * SQLITE_BUSY_SNAPSHOT whenever the other connection committed in between; `begin immediate` takes
 * the write lock up front and waits for it instead (without blocking the thread: sqlite-lock-wait.ts).
 */
function withStatementCache(sqlite: SQLite.Database, size = 256): SQLite.Database {
  const cache = new LRUCache<string, SQLite.Statement>({ max: size });
  const prepare = sqlite.prepare.bind(sqlite);
  return new Proxy(sqlite, {
    get(target, prop, receiver) {
      if (prop !== 'prepare') {
        const value: unknown = Reflect.get(target, prop, receiver);
        // Native methods need the real database as `this`.
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      }
      return (text: string) => {
        const source = text === 'begin' ? 'begin immediate' : text;
        let stmt = cache.get(source);
        if (!stmt) {
          stmt = prepare(source);
          cache.set(source, stmt);
        }
        return stmt;
      };
    },
  });
}

function openPostgres(url: string, poolSize: number): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    // No JIT: it compiles a plan whose estimate is high (an incremental segment check over 500 ids)
    // for ~25 ms, longer than such a query runs; Nudge's queries are index-driven, not analytical.
    options: '-c jit=off',
    types: {
      // BIGINT (times in ms, counts) and NUMERIC (sums) read back as JS numbers, as on SQLite.
      getTypeParser: ((oid: number, format?: string) => {
        if (oid === 20 || oid === 1700) return (v: string) => Number(v);
        return pg.types.getTypeParser(oid, format as 'text');
      }) as typeof pg.types.getTypeParser,
    },
  });
  // An idle pooled connection can be closed by the server (restart, admin termination). pg then
  // emits 'error' on the pool, which would crash the process without a listener; the pool simply
  // opens a new connection for the next query, so the error only needs reporting.
  pool.on('error', (err: Error & { code?: string }) => {
    if (err.code !== '57P01') console.error('[postgres] idle connection lost:', err.message);
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const parsed = new URL(url);
  return {
    db,
    dialect: dialectHelpers('postgres'),
    location: `postgres://${parsed.host}${parsed.pathname}`,
    close: () => db.destroy(),
  };
}
