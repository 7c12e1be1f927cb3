import type { Kysely, Transaction } from 'kysely';
import type { Database } from './database.js';
import { OperationalError } from '../platform/errors.js';
import { say } from '../platform/language.js';

/** Errors worth retrying the whole transaction for: PostgreSQL deadlock/serialisation, SQLite busy. */
const RETRYABLE = new Set(['40P01', '40001', 'SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT']);

/** Run `fn` in a transaction, retrying a few times when the database reports a transient conflict. */
export async function withTransaction<T>(db: Kysely<Database>, fn: (trx: Transaction<Database>) => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(fn);
    } catch (err) {
      const code = (err as { code?: unknown } | null)?.code;
      if (typeof code !== 'string' || !RETRYABLE.has(code)) throw err;
      if (attempt >= attempts) throw new OperationalError('DB_CONFLICT', say('The database stayed busy; try again', '数据库繁忙，请重试'), { cause: err });
      await new Promise((r) => setTimeout(r, 5 * 2 ** attempt + Math.random() * 10));
    }
  }
}
