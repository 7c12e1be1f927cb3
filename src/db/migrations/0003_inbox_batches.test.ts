import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { Migrator, sql, type Kysely } from 'kysely';
import { createSqlEventStore } from '../../events/event.store.js';
import { openDatabase } from '../connection.js';
import { migrateToLatest } from '../migrate.js';
import { createTestDatabase, testDialects } from '../testing.js';
import { foundation } from './0001_foundation.js';
import { importRowsSkipped } from './0002_import_rows_skipped.js';

for (const dialect of testDialects()) {
  test(`upgrading moves events waiting in the per-event inbox into inbox batches, in order (${dialect})`, async () => {
    const tdb = await createTestDatabase(dialect);
    const handle = await openDatabase({ ...(tdb.databaseUrl ? { databaseUrl: tdb.databaseUrl } : { sqlitePath: path.join(tdb.dataDir, 'nudge.db') }), migrate: false });
    try {
      // The schema as it was before 0003, with three events acknowledged but not yet processed.
      const old = handle.db as unknown as Kysely<unknown>; // the old table is not in the typed schema
      const before = new Migrator({
        db: old,
        provider: { getMigrations: async () => ({ '0001_foundation': foundation(handle.dialect), '0002_import_rows_skipped': importRowsSkipped(handle.dialect) }) },
      });
      const { error } = await before.migrateToLatest();
      assert.equal(error, undefined);
      const row = (ws: string, m: string, props: string) =>
        sql`insert into event_inbox (workspace_id, message_id, type, name, user_id, anonymous_id, properties, context, timestamp, received_at, sent_at)
            values (${ws}, ${m}, 'track', 'Viewed', 'u1', null, ${props}, '{"ip":"10.0.0.1"}', 1000, 2000, null)`.execute(old);
      await row('ws_a', 'm1', '{"n":1}');
      await row('ws_a', 'm2', '{"n":2}');
      await row('ws_b', 'm3', '{"n":3}');

      await migrateToLatest(handle.db, handle.dialect);

      const tables = (await handle.db.introspection.getTables()).map((t) => t.name);
      assert.ok(!tables.includes('event_inbox'), 'the per-event inbox is gone');
      const store = createSqlEventStore(handle.dialect);
      assert.equal(await store.stagedCount(handle.db), 3);
      const taken = await handle.db.transaction().execute((trx) => store.takeStaged(trx, 100));
      assert.equal(taken.ids.length, 2, 'one batch per run of one workspace');
      assert.deepEqual(
        taken.events.map((e) => [e.workspaceId, e.messageId, e.propertiesJson, e.contextJson, e.timestamp, e.receivedAt, e.sentAt, e.userId, e.anonymousId]),
        [
          ['ws_a', 'm1', '{"n":1}', '{"ip":"10.0.0.1"}', 1000, 2000, null, 'u1', null],
          ['ws_a', 'm2', '{"n":2}', '{"ip":"10.0.0.1"}', 1000, 2000, null, 'u1', null],
          ['ws_b', 'm3', '{"n":3}', '{"ip":"10.0.0.1"}', 1000, 2000, null, 'u1', null],
        ],
      );
    } finally {
      await handle.close();
      await tdb.cleanup();
    }
  });
}
