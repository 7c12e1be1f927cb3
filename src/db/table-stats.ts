import { sql, type Kysely } from 'kysely';
import type { Database } from './database.js';
import type { DialectHelpers } from './dialect.js';

/**
 * PostgreSQL plans queries by table statistics that autovacuum refreshes about once a minute at
 * best. A table that grows from nothing to 100,000 rows within one broadcast is planned all along
 * as if it were nearly empty: a batch's lookup by 500 keys becomes a scan of all of the
 * workspace's rows, slower with every batch (measured: 24 ms for the frequency-cap count of 500
 * customers at 30,000 messages, against 1 ms once analyzed). Writers that add many rows say so
 * here; once a table has doubled since it was last analyzed (and grown by at least MIN_ROWS), it
 * is analyzed in the background, one table at a time. Doubling is enough: plans go wrong when the
 * statistics are off by orders of magnitude, and an ANALYZE of `messages` costs the server about
 * 0.3 s. Analyzing at every fifth of growth ran it 12 times over one 100,000-message broadcast
 * (3.4 s of the server's time, a tenth of all its statements); doubling, 5 times (1.0 s). SQLite
 * keeps no statistics unless ANALYZE is run by hand and then plans by its indexes, so there is
 * nothing to do there.
 */
export interface TableStats {
  added(table: StatsTable, rows: number): void;
}

/** Tables that bulk writers grow quickly, and the columns their lookups filter on (analyzing only those is cheap; a rendered payload is not sampled). */
const COLUMNS = {
  messages: ['workspace_id', 'id', 'profile_id', 'idempotency_key', 'status', 'channel', 'kind', 'created_at', 'next_attempt_at'],
  journey_entries: ['workspace_id', 'id', 'profile_id', 'journey_id', 'status', 'wake_at'],
  journey_effects: ['workspace_id', 'id', 'status', 'created_at'],
  // Ingest's duplicate check by message id, planned as a scan of the workspace's events while they were few.
  events: ['workspace_id', 'message_id', 'profile_id', 'name', 'timestamp'],
} as const;
export type StatsTable = keyof typeof COLUMNS;

const MIN_ROWS = 5_000;
const GROWTH = 1;

export function createTableStats(db: Kysely<Database>, dialect: Pick<DialectHelpers, 'name'>, onError: (err: unknown) => void): TableStats {
  const state = new Map<StatsTable, { since: number; counted: number; running: boolean }>();
  return {
    added(table, rows) {
      if (dialect.name !== 'postgres' || rows <= 0) return;
      let s = state.get(table);
      if (!s) state.set(table, (s = { since: 0, counted: 0, running: false }));
      s.since += rows;
      if (s.running || s.since < Math.max(MIN_ROWS, s.counted * GROWTH)) return;
      const t = s;
      t.running = true;
      const grown = t.since;
      sql`analyze ${sql.table(table)} (${sql.join(COLUMNS[table].map((c) => sql.ref(c)))})`
        .execute(db)
        .then(() => {
          t.counted += grown;
          t.since -= grown;
        })
        .catch(onError)
        .finally(() => (t.running = false));
    },
  };
}
