import { Worker } from 'node:worker_threads';
import type { CompiledQuery, Kysely } from 'kysely';
import { UnexpectedError } from '../platform/errors.js';
import { databaseSource } from './connection.js';
import type { Database } from './database.js';

/** A read that may take long (a segment's full evaluation over every profile). */
export type HeavyReader = <R>(query: CompiledQuery<R>) => Promise<R[]>;

type Request = { id: number; sql: string; parameters: readonly unknown[] };
type Reply = { id: number; rows?: unknown[]; error?: string };

/**
 * Heavy reads off the event loop. better-sqlite3 runs a statement synchronously on the calling
 * thread, so a one-second scan on the main thread holds every HTTP acknowledgement and live update
 * for that second. On a SQLite file this reader runs such queries in a worker thread on its own
 * read-only connection (WAL readers never block the writer, nor it them); the snapshot is the
 * latest commit when the statement starts, as on the main connection. PostgreSQL queries are
 * asynchronous already, and an in-memory SQLite database has no second connection: both run on `db`.
 */
export function createHeavyReader(db: Kysely<Database>): { read: HeavyReader; close(): Promise<void> } {
  const source = databaseSource(db);
  if (source?.kind !== 'sqlite') {
    return { read: async (query) => (await db.executeQuery(query)).rows, close: async () => {} };
  }
  const path = source.path;
  let worker: Worker | null = null;
  let next = 0;
  const pending = new Map<number, { resolve: (rows: unknown[]) => void; reject: (err: Error) => void }>();
  const failAll = (err: Error) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  const start = (): Worker => {
    const w = spawnReader(path);
    w.on('message', (m: Reply) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.error !== undefined) p.reject(new UnexpectedError(`sqlite reader: ${m.error}`));
      else p.resolve(m.rows ?? []);
    });
    w.on('error', (err) => failAll(err));
    w.on('exit', () => {
      // A later read starts a new worker; reads in flight fail (their callers retry as jobs).
      if (worker === w) worker = null;
      failAll(new UnexpectedError('sqlite reader exited'));
    });
    w.unref();
    return w;
  };
  return {
    read<R>(query: CompiledQuery<R>): Promise<R[]> {
      worker ??= start();
      const id = ++next;
      const w = worker;
      return new Promise<R[]>((resolve, reject) => {
        // Rows are the query's own result shape, typed by the caller's compiled query.
        pending.set(id, { resolve: (rows) => resolve(rows as R[]), reject });
        const request: Request = { id, sql: query.sql, parameters: query.parameters };
        w.postMessage(request);
      });
    },
    async close() {
      const w = worker;
      worker = null;
      if (w) await w.terminate();
    },
  };
}

/** The reader's code, evaluated in the worker: a read-only connection with Nudge's SQL functions. */
function spawnReader(path: string): Worker {
  const functions = new URL(import.meta.url.endsWith('.ts') ? './sqlite-functions.ts' : './sqlite-functions.js', import.meta.url).href;
  const body = `
    const { parentPort, workerData } = await import('node:worker_threads');
    const { default: SQLite } = await import('better-sqlite3');
    const { registerSqliteFunctions } = await import(workerData.functions);
    const db = new SQLite(workerData.path, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 10000');
    db.pragma('cache_size = -16384');
    registerSqliteFunctions(db);
    const cache = new Map();
    parentPort.on('message', (m) => {
      try {
        let stmt = cache.get(m.sql);
        if (!stmt) { stmt = db.prepare(m.sql); if (cache.size > 64) cache.clear(); cache.set(m.sql, stmt); }
        parentPort.postMessage({ id: m.id, rows: stmt.all(...m.parameters) });
      } catch (err) {
        parentPort.postMessage({ id: m.id, error: err instanceof Error ? err.message : String(err) });
      }
    });`;
  // Under tsx (sources run as .ts) the worker needs tsx's loader to import the .ts functions file.
  const code = import.meta.url.endsWith('.ts')
    ? `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((api) => { api.register(); return (async () => {${body}})(); });`
    : `(async () => {${body}})();`;
  return new Worker(code, { eval: true, workerData: { path, functions } });
}
