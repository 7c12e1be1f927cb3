// Bulk loaders for the segments benchmark's synthetic workspace: multi-row inserts through the bare
// driver (better-sqlite3 / pg), not through HTTP or ingest, so building 1M events takes seconds.
import Database from 'better-sqlite3';
import pg from 'pg';
import { traitDates } from '../src/profiles/trait-dates.js';
import { eventContext, generateWorkspace, type Chunk, type WorkspaceSpec } from './segments.data.js';

export interface LoadedWorkspace {
  /** [profileId, userId] of every profile, in generation order. */
  profiles: [string, string][];
  events: number;
  orders: number;
  seconds: number;
}

/** Where the loader writes: one call per generated chunk, then `end`. */
interface Sink {
  write(chunk: Chunk): Promise<void>;
  end(): Promise<void>;
}

async function load(spec: WorkspaceSpec, sink: Sink, onProgress: (events: number) => void): Promise<LoadedWorkspace> {
  const t0 = performance.now();
  const profiles: [string, string][] = [];
  let events = 0;
  let orders = 0;
  for (const chunk of generateWorkspace(spec)) {
    await sink.write(chunk);
    for (const p of chunk.profiles) profiles.push([p[0], p[1]]);
    events += chunk.events.length;
    orders += chunk.orders.length;
    onProgress(events);
  }
  await sink.end();
  return { profiles, events, orders, seconds: (performance.now() - t0) / 1000 };
}

/** Rows per multi-row INSERT on SQLite (columns × rows stays below the 32,766 bound parameters). */
const SQLITE_ROWS = 200;

/** Load into the SQLite file the Nudge under test has open (a second connection; WAL lets both in). */
export async function loadSqlite(file: string, spec: WorkspaceSpec, onProgress: (events: number) => void = () => {}): Promise<LoadedWorkspace> {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.pragma('busy_timeout = 10000');
  // A large page cache: the event indexes are written in random key order.
  db.pragma('cache_size = -524288');
  const ws = spec.workspaceId;
  /** A multi-row insert, prepared once per row count and reused. */
  const inserter = (head: string, tuple: string) => {
    const cache = new Map<number, Database.Statement>();
    return (rows: unknown[][]) => {
      for (let i = 0; i < rows.length; i += SQLITE_ROWS) {
        const part = rows.slice(i, i + SQLITE_ROWS);
        let stmt = cache.get(part.length);
        if (!stmt) cache.set(part.length, (stmt = db.prepare(`${head} values ${Array.from({ length: part.length }, () => tuple).join(',')}`)));
        stmt.run(part.flat());
      }
    };
  };
  const profiles = inserter(
    'insert into profiles (id, workspace_id, user_id, email, phone, traits, trait_times, trait_dates, first_seen_at, last_seen_at, event_count, merged_into, created_at, updated_at)',
    '(?,?,?,?,null,?,?,?,?,?,?,null,?,?)',
  );
  const identities = inserter('insert into identities (workspace_id, kind, value, profile_id, first_seen_at)', '(?,?,?,?,?)');
  const events = inserter(
    'insert into events (workspace_id, message_id, type, name, profile_id, user_id, anonymous_id, properties, context, timestamp, received_at, sent_at)',
    '(?,?,?,?,?,?,null,?,?,?,?,null)',
  );
  const orders = inserter('insert into orders (workspace_id, order_id, profile_id, total, currency, placed_at, source)', "(?,?,?,?,?,?,'event')");
  const write = db.transaction((c: Chunk) => {
    profiles(c.profiles.map(([id, userId, email, traits, times, first, last, count]) => [id, ws, userId, email, traits, times, datesOf(traits), first, last, count, first, last]));
    identities(c.identities.flatMap(([id, userId, email, first]) => [[ws, 'user_id', userId, id, first], [ws, 'email', email, id, first]]));
    events(c.events.map(([m, type, name, pid, uid, props, ts]) => [ws, m, type, name, pid, uid, props, eventContext, ts, ts]));
    orders(c.orders.map(([orderId, pid, total, currency, at]) => [ws, orderId, pid, total, currency, at]));
  });
  return load(
    spec,
    {
      write: async (c) => void write(c),
      end: async () => {
        db.pragma('wal_checkpoint(TRUNCATE)');
        db.close();
      },
    },
    onProgress,
  );
}

/** `profiles.trait_dates` as the product's profile repository writes it. */
const datesOf = (traits: string): string => JSON.stringify(traitDates(JSON.parse(traits) as Record<string, unknown>)); // generated JSON objects

/** Load into PostgreSQL: one `insert … select from unnest(arrays)` per table and chunk, two connections in parallel. */
export async function loadPostgres(url: string, spec: WorkspaceSpec, onProgress: (events: number) => void = () => {}): Promise<LoadedWorkspace> {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const ws = spec.workspaceId;
  const col = <T>(rows: readonly T[][], i: number) => rows.map((r) => r[i]);
  const writeChunk = async (c: Chunk) => {
    const client = await pool.connect();
    try {
      await client.query('begin');
      const p = c.profiles;
      await client.query(
        `insert into profiles (id, workspace_id, user_id, email, phone, traits, trait_times, trait_dates, first_seen_at, last_seen_at, event_count, merged_into, created_at, updated_at)
         select id, $1, uid, email, null, traits::jsonb, times::jsonb, dates::jsonb, fs, ls, n, null, fs, ls
         from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::bigint[], $9::int[], $10::text[]) as x(id, uid, email, traits, times, fs, ls, n, dates)`,
        [ws, col(p, 0), col(p, 1), col(p, 2), col(p, 3), col(p, 4), col(p, 5), col(p, 6), col(p, 7), p.map((r) => datesOf(r[3]))],
      );
      const ids = c.identities;
      const kinds = [...ids.map(() => 'user_id'), ...ids.map(() => 'email')];
      await client.query(
        `insert into identities (workspace_id, kind, value, profile_id, first_seen_at) select $1, k, v, p, f from unnest($2::text[], $3::text[], $4::text[], $5::bigint[]) as x(k, v, p, f)`,
        [ws, kinds, [...col(ids, 1), ...col(ids, 2)], [...col(ids, 0), ...col(ids, 0)], [...col(ids, 3), ...col(ids, 3)]],
      );
      const e = c.events;
      for (let i = 0; i < e.length; i += 20_000) {
        const part = e.slice(i, i + 20_000);
        await client.query(
          `insert into events (workspace_id, message_id, type, name, profile_id, user_id, anonymous_id, properties, context, timestamp, received_at, sent_at)
           select $1, m, t, n, p, u, null, pr::jsonb, $2::jsonb, ts, ts, null
           from unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[]) as x(m, t, n, p, u, pr, ts)`,
          [ws, eventContext, col(part, 0), col(part, 1), col(part, 2), col(part, 3), col(part, 4), col(part, 5), col(part, 6)],
        );
      }
      const o = c.orders;
      await client.query(
        `insert into orders (workspace_id, order_id, profile_id, total, currency, placed_at, source) select $1, id, p, t, cur, at, 'event' from unnest($2::text[], $3::text[], $4::double precision[], $5::text[], $6::bigint[]) as x(id, p, t, cur, at)`,
        [ws, col(o, 0), col(o, 1), col(o, 2), col(o, 3), col(o, 4)],
      );
      await client.query('commit');
    } catch (err) {
      await client.query('rollback');
      throw err;
    } finally {
      client.release();
    }
  };
  // Two chunks in flight: generation (JS) overlaps the server's insert work.
  const inFlight = new Set<Promise<void>>();
  let failure: unknown = null;
  return load(
    spec,
    {
      write: async (c) => {
        if (failure) throw failure;
        const p = writeChunk(c).catch((err: unknown) => void (failure = err));
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
        if (inFlight.size >= 2) await Promise.race(inFlight);
      },
      end: async () => {
        await Promise.all(inFlight);
        await pool.end();
        if (failure) throw failure;
      },
    },
    onProgress,
  );
}
