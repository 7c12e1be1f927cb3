import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type CompiledQuery, type Kysely, type KyselyPlugin, type RootOperationNode } from 'kysely';
import type { Database } from '../db/database.js';
import { createTestDatabase, openTestDatabase, testDialects } from '../db/testing.js';
import { insertMessages, recordOutcomes, updateFencedManyLocked, type OutcomeColumns } from './message.bulk.js';
import { newMessageRow } from './message.rows.js';

const WS = 'ws_bulk';
const IN_FLIGHT = 400;

const template = { id: 'tpl_1', channel: 'email' as const, kind: 'marketing' as const, version: 1, subscription_group_id: null };

/** `count` messages of WS from `from` on, in `status` with one attempt (claimed ones, as sendMany leaves them). */
async function addMessages(db: Kysely<Database>, from: number, count: number, status: string): Promise<string[]> {
  const rows = Array.from({ length: count }, (_, k) => {
    const i = from + k;
    const row = newMessageRow({ workspaceId: WS, id: `msg_${String(i).padStart(6, '0')}`, idempotencyKey: `key-${i}`, profileId: `prof_${i}`, template, source: { kind: 'broadcast', id: 'b1' }, toAddress: `c${i}@example.com`, maxAttempts: 5, request: { event: null, journey: null, renderProfileId: null }, now: 1_000 });
    return { ...row, status, attempts: 1, lease_until: status === 'sending' ? 60_000 : null };
  });
  for (let i = 0; i < rows.length; i += 200) await insertMessages(db, rows.slice(i, i + 200));
  return rows.map((r) => r.id);
}

const sent = (id: string): OutcomeColumns => ({ status: 'sent', reason: null, last_error: null, provider_message_id: `prov-${id}`, provider_response: null, sent_at: 2_000, next_attempt_at: null, lease_until: null, updated_at: 2_000 });

/** Every update statement run on `db` through the returned handle, compiled (to explain it afterwards). */
function capturing(db: Kysely<Database>): { db: Kysely<Database>; updates: CompiledQuery[] } {
  const updates: CompiledQuery[] = [];
  const plugin: KyselyPlugin = {
    transformQuery: (args) => {
      const compiled = db.getExecutor().compileQuery(args.node as RootOperationNode, args.queryId);
      if (/^\s*(with .*\s)?update\s/is.test(compiled.sql)) updates.push(compiled);
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  return { db: db.withPlugin(plugin), updates };
}

for (const dialect of testDialects()) {
  describe(`bulk message writes are fenced on status and attempt (${dialect})`, () => {
    test('an outcome or a marker changes only the rows still in the fenced state', async () => {
      const t = await createTestDatabase(dialect);
      const handle = await openTestDatabase(t);
      const { db } = handle;
      try {
        await db.insertInto('workspaces').values({ id: WS, name: 'Bulk', slug: 'bulk', is_demo: 0, currency: 'CNY', created_at: 0 }).execute();
        const ids = await addMessages(db, 0, 10, 'sending');
        // Taken over meanwhile: one is queued again, one is on its second attempt.
        await db.updateTable('messages').set({ status: 'queued' }).where('id', '=', ids[0] ?? '').execute();
        await db.updateTable('messages').set({ attempts: 2 }).where('id', '=', ids[1] ?? '').execute();

        const changed = await recordOutcomes(db, handle.dialect, WS, ids.map((id) => ({ id, attempts: 1, set: sent(id) })));
        assert.deepEqual([...changed].sort(), ids.slice(2));
        const rows = await db.selectFrom('messages').select(['id', 'status', 'provider_message_id']).where('workspace_id', '=', WS).orderBy('id').execute();
        assert.deepEqual(
          rows.map((r) => r.status),
          ['queued', 'sending', ...Array<string>(8).fill('sent')],
        );
        assert.equal(rows[5]?.provider_message_id, `prov-${ids[5]}`);

        const marked = await updateFencedManyLocked(db, handle.dialect, WS, ids, { status: 'sending', attempts: 2 }, { committed_at: 3_000 });
        assert.deepEqual([...marked], [ids[1]], 'only the row sending on its second attempt');
      } finally {
        await handle.close();
        await t.cleanup();
      }
    });
  });
}

describe('SQLite finds the rows of a bulk message update by id, however many messages are in flight', () => {
  test('the outcome update and the fenced update search the primary key, not the status index', async () => {
    const t = await createTestDatabase('sqlite');
    const handle = await openTestDatabase(t);
    try {
      const { db } = handle;
      await db.insertInto('workspaces').values({ id: WS, name: 'Bulk', slug: 'bulk', is_demo: 0, currency: 'CNY', created_at: 0 }).execute();
      // Many in flight and many sent: a plan by (workspace, status) would read all of the former.
      await addMessages(db, 0, 2_000, 'sent');
      const ids = await addMessages(db, 2_000, IN_FLIGHT, 'sending');
      const watched = capturing(db);
      await recordOutcomes(watched.db, handle.dialect, WS, ids.slice(0, 300).map((id) => ({ id, attempts: 1, set: sent(id) })));
      await updateFencedManyLocked(watched.db, handle.dialect, WS, ids.slice(300), { status: 'sending', attempts: 1 }, { committed_at: 3_000 });
      assert.equal(watched.updates.length, 2, 'one outcome statement, one fenced update');
      for (const q of watched.updates) {
        // The statement as it ran, with its own parameters.
        const plan = await db.executeQuery<{ detail: string }>({ ...q, sql: `explain query plan ${q.sql}` });
        const steps = plan.rows.map((r) => r.detail).join(' | ');
        assert.match(steps, /SEARCH messages USING INDEX sqlite_autoindex_messages_1 \(workspace_id=\? AND id=\?\)/, steps);
        assert.doesNotMatch(steps, /messages_status/, steps);
      }
      const left = await db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'sending').executeTakeFirstOrThrow();
      assert.equal(Number(left.n), IN_FLIGHT - 300);
    } finally {
      await handle.close();
      await t.cleanup();
    }
  });
});
