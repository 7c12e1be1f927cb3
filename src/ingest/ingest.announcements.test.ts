import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDialects } from '../db/testing.js';
import { manualClock } from '../platform/clock.js';
import { createTestNudge, type TestNudge } from '../testing/nudge.testing.js';

// A batch whose durable listeners did not finish (the process died between the commit that stored
// its events and the journey trigger's enqueue) keeps its ingest_announcements row; recovery reads
// the events back and announces them again, and the customer enters the journey exactly once.
for (const dialect of testDialects()) {
  describe(`ingest announcements (${dialect})`, () => {
    const START = Date.parse('2026-06-01T10:00:00Z');
    const clock = manualClock(START);
    let t: TestNudge;
    let journeyId = '';
    before(async () => {
      t = await createTestNudge(dialect, { clock });
      const journey = await t.nudge.journeys.service.create(
        t.workspace.id,
        {
          name: 'Welcome',
          definition: {
            entry: { kind: 'event', event: { name: 'Signed Up' }, startNodeId: 'wait' },
            nodes: [
              { id: 'wait', type: 'delay', position: { x: 0, y: 0 }, config: { kind: 'duration', duration: { amount: 1, unit: 'days' } } },
              { id: 'done', type: 'exit', position: { x: 0, y: 100 }, config: {} },
            ],
            edges: [{ id: 'e1', source: 'wait', target: 'done' }],
            settings: {},
          },
        },
        'test',
      );
      journeyId = journey.id;
    });
    after(async () => t.cleanup());

    const settle = async () => {
      await t.nudge.ingest.flush();
      await t.nudge.journeys.idle();
      await t.nudge.queue.drain();
    };
    const entries = async () => (await t.nudge.database.db.selectFrom('journey_entries').select(['profile_id', 'trigger_key']).where('workspace_id', '=', t.workspace.id).execute()).length;
    const rows = async () => (await t.nudge.database.db.selectFrom('ingest_announcements').select('id').execute()).length;
    // Finished batches' rows are deleted together after half a second (one statement for all): allow three seconds.
    const rowsDeleted = async () => {
      for (let i = 0; i < 300 && (await rows()) > 0; i++) await new Promise((r) => setTimeout(r, 10));
    };

    test('a batch is announced, then its row is gone', async () => {
      await t.nudge.journeys.service.publish(t.workspace.id, journeyId, 'test');
      await t.nudge.ingest.ingest(t.workspace.id, [{ type: 'track', userId: 'ann', event: 'Signed Up', messageId: 'signup-ann' }]);
      await settle();
      assert.equal(await entries(), 1);
      await rowsDeleted();
      assert.equal(await rows(), 0, 'announced to every durable listener: nothing left to recover');
    });

    test('a batch a crash left unannounced is announced again once it is past the grace period, and only once', async () => {
      // The state a crash leaves: the event stored, its announcement row written with it, no job enqueued.
      await t.nudge.journeys.service.setStatus(t.workspace.id, journeyId, 'paused', 'test');
      await t.nudge.ingest.ingest(t.workspace.id, [{ type: 'track', userId: 'bob', event: 'Signed Up', messageId: 'signup-bob' }]);
      await settle();
      assert.equal(await entries(), 1, 'paused: bob does not enter now');
      await t.nudge.database.db.insertInto('ingest_announcements').values({ workspace_id: t.workspace.id, message_ids: JSON.stringify(['signup-bob']), created_at: clock.now() }).execute();
      await t.nudge.journeys.service.setStatus(t.workspace.id, journeyId, 'active', 'test');

      assert.equal(await t.nudge.ingest.recoverAnnouncements(), 0, 'a row younger than the grace period may still be in hand elsewhere');
      clock.advance(61_000);
      assert.equal(await t.nudge.ingest.recoverAnnouncements(), 1);
      await settle();
      assert.equal(await entries(), 2, 'bob entered from the recovered announcement');
      await rowsDeleted();
      assert.equal(await rows(), 0);
      assert.equal(await t.nudge.ingest.recoverAnnouncements(), 0, 'nothing left');

      // Announced twice (a row restored by hand): the entry is keyed by its trigger, so still one.
      await t.nudge.database.db.insertInto('ingest_announcements').values({ workspace_id: t.workspace.id, message_ids: JSON.stringify(['signup-bob', 'signup-ann']), created_at: clock.now() - 120_000 }).execute();
      assert.equal(await t.nudge.ingest.recoverAnnouncements(), 1);
      await settle();
      assert.equal(await entries(), 2, 'a repeat enters nobody twice');
    });
  });
}
