import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../config/config.js';
import { createTestDatabase, testDialects, type TestDatabase } from '../db/testing.js';
import { buildApp } from '../server/app.js';
import { createNudge } from '../server/nudge.js';
import { runChild } from '../testing/child.testing.js';
import { rawHeader, setupShop, startTestSmtp, TEST_PUBLIC_URL, type TestSmtp } from './messaging.testing.js';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'delivery.crash-child.ts');

for (const dialect of testDialects()) {
  describe(`delivery across a SIGKILL in the middle of an SMTP transaction (${dialect})`, () => {
    let smtp: TestSmtp;
    let tdb: TestDatabase;
    const key = randomBytes(32);
    let args: string[];

    before(async () => {
      smtp = await startTestSmtp();
      tdb = await createTestDatabase(dialect);
      const config = loadConfig({}, { dataDir: tdb.dataDir, logLevel: 'silent', publicUrl: TEST_PUBLIC_URL, ...(tdb.databaseUrl ? { databaseUrl: tdb.databaseUrl } : {}) });
      const nudge = await createNudge(config, { instanceKey: key });
      const { workspace, secretKey } = await nudge.workspaces.create({ name: 'Crash shop', actor: 'test' });
      const app = await buildApp(nudge, { webDir: null });
      const shop = await setupShop({ nudge, app, workspace: { id: workspace.id, writeKey: '', secretKey }, admin: { id: '', email: '', password: '' }, cleanup: async () => {} }, smtp);
      await app.close();
      await nudge.close();
      args = [tdb.dataDir, key.toString('hex'), workspace.id, shop.templateId, '6', tdb.databaseUrl ?? ''];
    });
    after(async () => {
      await smtp.close();
      await tdb.cleanup();
    });

    test('every message reaches the SMTP server exactly once after the process is killed and restarted', async () => {
      let started = 0;
      const first = await runChild(CHILD, args, (kill) => {
        smtp.onDataStart = () => {
          if (++started === 3) kill();
        };
      });
      assert.equal(first.signal, 'SIGKILL', first.err);
      assert.equal(smtp.received.length, 2, 'the third message was cut off before its end of data');
      smtp.onDataStart = () => {};
      const second = await runChild(CHILD, args, () => {});
      assert.equal(second.code, 0, second.err);
      assert.deepEqual(second.out.trim().split('\n'), ['0 sent', '1 sent', '2 sent', '3 sent', '4 sent', '5 sent']);
      const ids = smtp.received.map((m) => rawHeader(m.raw, 'X-Nudge-Message-Id'));
      assert.equal(smtp.received.length, 6, `received: ${ids.join(', ')}`);
      assert.equal(new Set(ids).size, 6);
    });
  });
}
