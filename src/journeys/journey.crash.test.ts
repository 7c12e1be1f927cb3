import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../config/config.js';
import { createTestDatabase, testDialects, type TestDatabase } from '../db/testing.js';
import { apiAs, rawHeader, setupShop, smtpSettings, startTestSmtp, TEST_PUBLIC_URL, type TestSmtp } from '../messaging/messaging.testing.js';
import { buildApp } from '../server/app.js';
import { createNudge } from '../server/nudge.js';
import { runChild } from '../testing/child.testing.js';
import { e, n } from './journey.fixture.js';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'journey.crash-child.ts');
const HOUR = 3_600_000;
/** Customers with an email beyond setupShop's three. */
const EXTRA = Array.from({ length: 9 }, (_, i) => `c${i}`);


for (const dialect of testDialects()) {
  describe(`a journey and a broadcast across a SIGKILL (${dialect})`, () => {
    let smtp: TestSmtp;
    let tdb: TestDatabase;
    const key = randomBytes(32);
    let base: string[];
    let customers = 0;

    before(async () => {
      smtp = await startTestSmtp();
      tdb = await createTestDatabase(dialect);
      const config = loadConfig({}, { dataDir: tdb.dataDir, logLevel: 'silent', publicUrl: TEST_PUBLIC_URL, ...(tdb.databaseUrl ? { databaseUrl: tdb.databaseUrl } : {}) });
      const nudge = await createNudge(config, { instanceKey: key });
      const { workspace, secretKey } = await nudge.workspaces.create({ name: 'Crash shop', actor: 'test' });
      const app = await buildApp(nudge, { webDir: null });
      const t = { nudge, app, workspace: { id: workspace.id, writeKey: '', secretKey }, admin: { id: '', email: '', password: '' }, cleanup: async () => {} };
      const shop = await setupShop(t, smtp);
      const api = apiAs(t);
      // One SMTP connection: every kill at a transaction boundary then has one well-defined message in
      // flight. (With several, a kill can also land inside another message's end-of-data marker commit,
      // the one moment delivery.service.ts cannot tell whether the provider has the message.)
      assert.equal((await api('PUT', '/api/v1/channel-settings/email', { ...smtpSettings(smtp), maxConnections: 1 })).status, 200);
      await nudge.ingest.ingest(workspace.id, EXTRA.map((u) => ({ type: 'identify', userId: u, traits: { email: `${u}@example.com`, name: u.toUpperCase() } })));
      await nudge.ingest.flush();
      const segment = await api('POST', '/api/v1/segments', { name: 'Has email', definition: { root: { kind: 'trait', key: 'email', op: 'exists' } } });
      assert.equal(segment.status, 201, JSON.stringify(segment.body));
      await nudge.queue.drain(); // the segment's first evaluation, before the broadcast snapshots its members
      const journey = await api('POST', '/api/v1/journeys', {
        name: 'Welcome series',
        definition: {
          entry: { kind: 'event', event: { name: 'signed_up' }, startNodeId: 'welcome' },
          nodes: [n.send('welcome', shop.templateId), n.delay('wait', { kind: 'duration', duration: { amount: 1, unit: 'hours' } }), n.send('follow_up', shop.templateId), n.exit('done')],
          edges: [e('welcome', 'wait'), e('wait', 'follow_up'), e('follow_up', 'done')],
        },
      });
      assert.equal(journey.status, 201, JSON.stringify(journey.body));
      const journeyId = (journey.body as { id: string }).id;
      assert.equal((await api('POST', `/api/v1/journeys/${journeyId}/publish`)).status, 200);
      const broadcast = await api('POST', '/api/v1/broadcasts', { name: 'Launch', segmentId: (segment.body as { id: string }).id, templateId: shop.templateId, throttlePerMinute: 10_000 });
      assert.equal(broadcast.status, 201, JSON.stringify(broadcast.body));
      assert.equal((await api('POST', `/api/v1/broadcasts/${(broadcast.body as { id: string }).id}/send`)).status, 200);
      // The triggers: their journeys.enter jobs wait in the database for the child to run them.
      const users = ['ann', 'bob', 'cat', ...EXTRA];
      customers = users.length;
      await nudge.ingest.ingest(workspace.id, users.map((u) => ({ type: 'track', userId: u, event: 'signed_up', messageId: `signup-${u}` })));
      await nudge.ingest.flush();
      await nudge.segments.live.flush();
      await nudge.journeys.idle();
      await app.close();
      await nudge.close();
      base = [tdb.dataDir, key.toString('hex'), tdb.databaseUrl ?? ''];
    });
    after(async () => {
      await smtp.close();
      await tdb.cleanup();
    });

    test('every customer finishes the journey and every message reaches the SMTP server exactly once', async () => {
      // Two journey emails and one broadcast email per customer.
      const expected = customers * 3;
      let started = 0;
      // Killed as the seventh SMTP transaction opens; journey and broadcast sends run side by side, so
      // others are cut off at whatever point they had reached.
      const first = await runChild(CHILD, [...base, '0', String(expected)], (kill) => {
        smtp.onMailFrom = () => {
          if (++started === 7) kill();
        };
      });
      assert.equal(first.signal, 'SIGKILL', first.err);
      assert.ok(smtp.received.length < 7, `${smtp.received.length} messages arrived before the kill`);
      smtp.onMailFrom = () => {};
      // Restarted two hours later: the delay of everyone who entered before the kill is over; anyone
      // whose entry only ran now waits an hour more, which the third start (four hours on) reaches.
      const second = await runChild(CHILD, [...base, String(2 * HOUR), '0'], () => {});
      assert.equal(second.code, 0, second.err);
      const third = await runChild(CHILD, [...base, String(4 * HOUR), String(expected)], () => {});
      assert.equal(third.code, 0, third.err);
      const ids = smtp.received.map((m) => rawHeader(m.raw, 'X-Nudge-Message-Id'));
      assert.equal(new Set(ids).size, smtp.received.length, `a message arrived twice: ${ids.join(', ')}`);
      assert.equal(smtp.received.length, expected);
      // And every customer ended where the graph says: through the follow-up to the exit.
      const config = loadConfig({}, { dataDir: tdb.dataDir, logLevel: 'silent', ...(tdb.databaseUrl ? { databaseUrl: tdb.databaseUrl } : {}) });
      const nudge = await createNudge(config, { instanceKey: key });
      const ended = await nudge.database.db.selectFrom('journey_entries').select(['status', 'node_id']).execute();
      await nudge.close();
      assert.deepEqual(ended.map((r) => `${r.status}@${r.node_id}`), Array.from({ length: customers }, () => 'completed@done'));
      for (const u of ['ann', 'bob', 'cat', ...EXTRA]) {
        const address = `${u}@example.com`;
        assert.equal(smtp.received.filter((m) => m.to.includes(address)).length, 3, address);
      }
    });
  });
}
