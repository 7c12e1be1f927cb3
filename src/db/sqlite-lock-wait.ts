import type SQLite from 'better-sqlite3';
import { SqliteDialect, type DatabaseConnection, type Driver, type QueryResult, type SqliteDialectConfig, type TransactionSettings } from 'kysely';

/**
 * How many connections to one SQLite file are waiting for its write lock right now, shared across
 * threads (a SharedArrayBuffer): a long-running writer on another thread (the ingest worker)
 * yields between its transactions while it is above zero.
 */
export type LockWaiters = Int32Array;

export const createLockWaiters = (): LockWaiters => new Int32Array(new SharedArrayBuffer(4));

/** Give up waiting for the lock after this long (as busy_timeout would). */
const LOCK_WAIT_MS = 10_000;
/** Polling interval while waiting, doubling from 1 ms up to this. */
const MAX_POLL_MS = 4;

const isBusy = (err: unknown): boolean => (err as { code?: unknown } | null)?.code === 'SQLITE_BUSY';

/**
 * SQLite through Kysely, where a statement that finds the database locked by another connection
 * waits for it without blocking the thread: better-sqlite3 is synchronous, so busy_timeout would
 * sleep inside the call and freeze the event loop for as long as the other connection's
 * transaction lasts. Use with `busy_timeout = 0`: a busy statement fails at once and is retried
 * after a short timer. Only statements outside a transaction are retried (including the `begin`
 * that opens one); a transaction opened with `begin immediate` holds the lock and is never busy.
 */
export class LockWaitingSqliteDialect extends SqliteDialect {
  readonly #sqlite: SQLite.Database;
  readonly #waiters: LockWaiters;

  constructor(config: SqliteDialectConfig & { sqlite: SQLite.Database; waiters: LockWaiters }) {
    super(config);
    this.#sqlite = config.sqlite;
    this.#waiters = config.waiters;
  }

  override createDriver(): Driver {
    return new LockWaitingDriver(super.createDriver(), this.#sqlite, this.#waiters);
  }
}

class LockWaitingDriver implements Driver {
  readonly #inner: Driver;
  readonly #sqlite: SQLite.Database;
  readonly #waiters: LockWaiters;
  readonly #wrapped = new WeakMap<DatabaseConnection, DatabaseConnection>();

  constructor(inner: Driver, sqlite: SQLite.Database, waiters: LockWaiters) {
    this.#inner = inner;
    this.#sqlite = sqlite;
    this.#waiters = waiters;
  }

  init(): Promise<void> {
    return this.#inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await this.#inner.acquireConnection();
    let wrapped = this.#wrapped.get(connection);
    if (!wrapped) this.#wrapped.set(connection, (wrapped = this.#wrap(connection)));
    return wrapped;
  }

  // The inner driver runs begin/commit/savepoints through the connection it is given: the wrapper.
  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.#inner.beginTransaction(connection, settings);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.#inner.commitTransaction(connection);
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.#inner.rollbackTransaction(connection);
  }

  savepoint(...args: Parameters<NonNullable<Driver['savepoint']>>): Promise<void> {
    return this.#delegate('savepoint')(...args);
  }

  rollbackToSavepoint(...args: Parameters<NonNullable<Driver['rollbackToSavepoint']>>): Promise<void> {
    return this.#delegate('rollbackToSavepoint')(...args);
  }

  releaseSavepoint(...args: Parameters<NonNullable<Driver['releaseSavepoint']>>): Promise<void> {
    return this.#delegate('releaseSavepoint')(...args);
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.#inner.releaseConnection(connection);
  }

  destroy(): Promise<void> {
    return this.#inner.destroy();
  }

  #delegate(name: 'savepoint' | 'rollbackToSavepoint' | 'releaseSavepoint') {
    const fn = this.#inner[name];
    if (!fn) throw new Error(`SQLite driver lacks ${name}`);
    return fn.bind(this.#inner);
  }

  #wrap(inner: DatabaseConnection): DatabaseConnection {
    const sqlite = this.#sqlite;
    const waiters = this.#waiters;
    return {
      async executeQuery<R>(query: Parameters<DatabaseConnection['executeQuery']>[0]): Promise<QueryResult<R>> {
        let since = 0;
        try {
          for (let poll = 1; ; poll = Math.min(poll * 2, MAX_POLL_MS)) {
            try {
              return await inner.executeQuery<R>(query);
            } catch (err) {
              if (!isBusy(err) || sqlite.inTransaction) throw err;
              if (since === 0) {
                since = performance.now();
                Atomics.add(waiters, 0, 1);
              } else if (performance.now() - since > LOCK_WAIT_MS) {
                throw err;
              }
              await new Promise((resolve) => setTimeout(resolve, poll));
            }
          }
        } finally {
          if (since !== 0) Atomics.sub(waiters, 0, 1);
        }
      },
      streamQuery: (query, chunkSize) => inner.streamQuery(query, chunkSize),
    };
  }
}

/**
 * Resolves once no connection is waiting for the lock (at most after `maxMs`, so the caller is not
 * starved either). A writer holding the lock for long stretches calls it between transactions.
 */
export async function yieldToWaiters(waiters: LockWaiters, maxMs: number): Promise<void> {
  const until = performance.now() + maxMs;
  while (Atomics.load(waiters, 0) > 0 && performance.now() < until) await new Promise((resolve) => setTimeout(resolve, 1));
}
