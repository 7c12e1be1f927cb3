import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openDatabase } from '../db/connection.js';
import { testDialects } from '../db/testing.js';
import { createSqlEventStore } from '../events/event.store.js';
import { systemClock } from '../platform/clock.js';
import { basicAuth, createTestNudge, type TestNudge } from '../testing/nudge.testing.js';
import { createIngestService, type CommittedBatch } from './ingest.service.js';

for (const dialect of testDialects()) {
  describe(`Ingest pipeline (${dialect})`, () => {
    let t: TestNudge;
    before(async () => {
      t = await createTestNudge(dialect);
    });
    after(async () => t.cleanup());

    test('listeners receive each processed batch here, with its events and their profiles', async () => {
      const seen: CommittedBatch[] = [];
      t.nudge.ingest.onCommitted((b) => seen.push(b));
      const batch = [
        { type: 'identify', userId: 'pl-1', traits: { email: 'pl1@example.com' }, messageId: 'pl-a' },
        { type: 'track', userId: 'pl-1', event: 'Product Viewed', properties: { product_id: 'p1', price: 9.5 }, messageId: 'pl-b' },
        { type: 'page', anonymousId: 'pl-anon', name: 'Home', messageId: 'pl-c' },
      ];
      const started = Date.now();
      const res = await t.app.inject({ method: 'POST', url: '/v1/batch', payload: { batch }, headers: { authorization: basicAuth(t.workspace.writeKey) } });
      assert.equal(res.statusCode, 200, res.body);
      // Without flush: the processor gets there by itself, within moments.
      while (seen.flatMap((b) => b.events).length < 3 && Date.now() - started < 5000) await new Promise((r) => setTimeout(r, 20));
      const events = seen.flatMap((b) => b.events);
      assert.deepEqual(events.map((e) => e.messageId).sort(), ['pl-a', 'pl-b', 'pl-c']);
      assert.ok(Date.now() - started < 2000, 'processed within moments');
      for (const b of seen) {
        assert.equal(b.workspaceId, t.workspace.id);
        assert.equal(b.profileIds.length, b.events.length);
      }
      const viewed = events.find((e) => e.messageId === 'pl-b');
      assert.deepEqual(JSON.parse(viewed?.propertiesJson ?? '{}'), { product_id: 'p1', price: 9.5 });
      const profile = await t.nudge.profiles.get(t.workspace.id, 'pl-1');
      assert.equal(viewed?.profileId, profile.id);
    });

    test('the backlog counts accepted events until they are processed', async () => {
      const batch = Array.from({ length: 5 }, (_, i) => ({ type: 'track', userId: `bl-${i}`, event: 'E', messageId: `bl-${i}` }));
      await t.nudge.ingest.ingest(t.workspace.id, batch, { pathPrefix: 'batch' });
      assert.ok((await t.nudge.ingest.backlog()) <= 5);
      await t.nudge.ingest.flush();
      assert.equal(await t.nudge.ingest.backlog(), 0);
    });
  });
}

test('in-memory SQLite (no second connection possible) stages and processes in this thread', async () => {
  const handle = await openDatabase({});
  const eventStore = createSqlEventStore(handle.dialect);
  const ingest = createIngestService({ db: handle.db, dialect: handle.dialect, eventStore, clock: systemClock });
  try {
    await handle.db.insertInto('workspaces').values({ id: 'ws_mem', name: 'Mem', slug: 'mem', is_demo: 0, currency: 'CNY', created_at: Date.now() }).execute();
    const seen: string[] = [];
    ingest.onCommitted((b) => seen.push(...b.events.map((e) => e.messageId)));
    const result = await ingest.ingest('ws_mem', [{ type: 'track', userId: 'm1', event: 'E', messageId: 'mem-1' }, { type: 'track', userId: 'm1', event: 'E', messageId: 'mem-1' }], { pathPrefix: 'batch' });
    assert.deepEqual(result, { accepted: 2 });
    await ingest.flush();
    assert.equal(await eventStore.count(handle.db, 'ws_mem'), 1, 'a repeated messageId is stored once');
    assert.deepEqual(seen, ['mem-1']);
  } finally {
    await ingest.stop();
    await handle.close();
  }
});
