import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql, type Kysely } from 'kysely';
import type { Database } from './database.js';
import { createTableStats } from './table-stats.js';
import { createTestDatabase, openTestDatabase, testDialects } from './testing.js';

const WS = 'ws_stats';

/** What the planner believes of journey_effects: ANALYZE sets it in the catalog before it returns (-1: never analyzed). */
async function believedRows(db: Kysely<Database>): Promise<number> {
  const r = await sql<{ n: number }>`select reltuples::float8 as n from pg_class where relname = 'journey_effects'`.execute(db);
  return Number(r.rows[0]?.n);
}

async function addEffects(db: Kysely<Database>, from: number, count: number): Promise<void> {
  const rows = Array.from({ length: count }, (_, i) => ({ workspace_id: WS, id: `eff_${from + i}`, entry_id: 'ent_1', kind: 'send', effect: '{}', status: 'done', result: null, created_at: 0, updated_at: 0 }));
  await db.insertInto('journey_effects').values(rows).execute();
}

/** Until the background ANALYZE has run (its promise is not exposed), or 5 s. */
async function settled(db: Kysely<Database>, expected: number): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const n = await believedRows(db);
    if (n === expected) return n;
    await new Promise((r) => setTimeout(r, 50));
  }
  return believedRows(db);
}

if (testDialects().includes('postgres')) {
  test('PostgreSQL: a fast-growing table is analyzed once 5,000 rows were added, then each time it has doubled', async () => {
    const t = await createTestDatabase('postgres');
    const handle = await openTestDatabase(t);
    const { db } = handle;
    try {
      await db.insertInto('workspaces').values({ id: WS, name: 'Stats', slug: 'stats', is_demo: 0, currency: 'CNY', created_at: 0 }).execute();
      const stats = createTableStats(db, handle.dialect, (err) => assert.fail(String(err)));
      assert.equal(await believedRows(db), -1, 'never analyzed');

      await addEffects(db, 0, 3);
      stats.added('journey_effects', 4_999);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(await believedRows(db), -1, 'below 5,000 rows added: no ANALYZE');
      stats.added('journey_effects', 45_001);
      assert.equal(await settled(db, 3), 3, 'past 5,000 rows added: analyzed (the table holds 3)');

      // 50,000 counted so far: the next ANALYZE waits for 50,000 more (the table doubled), not a fifth.
      await addEffects(db, 3, 2);
      stats.added('journey_effects', 10_000);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(await believedRows(db), 3, 'grown by a fifth: the statistics stand');
      stats.added('journey_effects', 39_999);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(await believedRows(db), 3, 'not yet doubled');
      stats.added('journey_effects', 1);
      assert.equal(await settled(db, 5), 5, 'doubled: analyzed again');
    } finally {
      await handle.close();
      await t.cleanup();
    }
  });
}

test('SQLite: told of growth, nothing is run (it keeps no statistics unless asked)', async () => {
  const t = await createTestDatabase('sqlite');
  const handle = await openTestDatabase(t);
  try {
    const stats = createTableStats(handle.db, handle.dialect, (err) => assert.fail(String(err)));
    stats.added('journey_effects', 1_000_000);
    await new Promise((r) => setTimeout(r, 50));
    const r = await sql<{ n: number }>`select count(*) as n from sqlite_master where name = 'sqlite_stat1'`.execute(handle.db);
    assert.equal(Number(r.rows[0]?.n), 0, 'no ANALYZE ran');
  } finally {
    await handle.close();
    await t.cleanup();
  }
});
