// Bulk loader for the journeys benchmark: N customers with an email, a name and a locale, written
// with the bare driver (better-sqlite3 / pg) like segments.load.ts, so 100,000 take seconds.
import Database from 'better-sqlite3';
import pg from 'pg';
import { traitDates } from '../src/profiles/trait-dates.js';

export interface Customer {
  id: string;
  userId: string;
  email: string;
  traits: string;
  traitDates: string;
}

/** Customer i: profile `prf_bench…i`, userId `c<i>`, `c<i>@example.com`; one in five reads Chinese. */
export function customers(n: number): Customer[] {
  return Array.from({ length: n }, (_, i) => {
    const traits = { name: `Customer ${i}`, email: `c${i}@example.com`, locale: i % 5 === 0 ? 'zh-CN' : 'en', plan: i % 3 === 0 ? 'pro' : 'free' };
    return { id: `prf_bench${String(i).padStart(9, '0')}`, userId: `c${i}`, email: traits.email, traits: JSON.stringify(traits), traitDates: JSON.stringify(traitDates(traits)) };
  });
}

const CHUNK = 1000;

export async function loadCustomersSqlite(file: string, workspaceId: string, list: readonly Customer[], now: number): Promise<void> {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 10000');
  const profile = db.prepare(
    `insert into profiles (id, workspace_id, user_id, email, phone, traits, trait_times, trait_dates, first_seen_at, last_seen_at, event_count, merged_into, created_at, updated_at)
     values (?, ?, ?, ?, null, ?, '{}', ?, ?, ?, 0, null, ?, ?)`,
  );
  const identity = db.prepare('insert into identities (workspace_id, kind, value, profile_id, first_seen_at) values (?, ?, ?, ?, ?)');
  const write = db.transaction((part: readonly Customer[]) => {
    for (const c of part) {
      profile.run(c.id, workspaceId, c.userId, c.email, c.traits, c.traitDates, now, now, now, now);
      identity.run(workspaceId, 'user_id', c.userId, c.id, now);
      identity.run(workspaceId, 'email', c.email, c.id, now);
    }
  });
  for (let i = 0; i < list.length; i += CHUNK) write(list.slice(i, i + CHUNK));
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

export async function loadCustomersPostgres(url: string, workspaceId: string, list: readonly Customer[], now: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (let i = 0; i < list.length; i += 10 * CHUNK) {
      const part = list.slice(i, i + 10 * CHUNK);
      await client.query(
        `insert into profiles (id, workspace_id, user_id, email, phone, traits, trait_times, trait_dates, first_seen_at, last_seen_at, event_count, merged_into, created_at, updated_at)
         select id, $1, uid, email, null, traits::jsonb, '{}'::jsonb, dates::jsonb, $2, $2, 0, null, $2, $2 from unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) as x(id, uid, email, traits, dates)`,
        [workspaceId, now, part.map((c) => c.id), part.map((c) => c.userId), part.map((c) => c.email), part.map((c) => c.traits), part.map((c) => c.traitDates)],
      );
      await client.query(
        `insert into identities (workspace_id, kind, value, profile_id, first_seen_at) select $1, k, v, p, $2 from unnest($3::text[], $4::text[], $5::text[]) as x(k, v, p)`,
        [workspaceId, now, [...part.map(() => 'user_id'), ...part.map(() => 'email')], [...part.map((c) => c.userId), ...part.map((c) => c.email)], [...part.map((c) => c.id), ...part.map((c) => c.id)]],
      );
    }
    await client.query('analyze profiles');
    await client.query('analyze identities');
  } finally {
    await client.end();
  }
}
