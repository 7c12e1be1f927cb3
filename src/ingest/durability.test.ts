import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../config/config.js';
import { createNudge } from '../server/nudge.js';
import { REPO_ROOT } from '../server/web.js';
import { basicAuth } from '../testing/nudge.testing.js';

/** Start `nudge start` in its own process on a data folder; resolves with its URL. */
function startServer(dataDir: string, port: number): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src/cli/main.ts'), 'start', '--no-demo', '--port', String(port)], {
      env: { ...process.env, NUDGE_DATA_DIR: dataDir, NUDGE_DATABASE_URL: '', NUDGE_LOG_LEVEL: 'silent', NUDGE_DASHBOARD: 'off' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 60_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /write key:\s+(\S+)/.exec(out);
      if (out.includes('API docs') && m) {
        clearTimeout(timer);
        resolve({ child, url: `http://127.0.0.1:${port}` });
      }
    });
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
}

test('an acknowledged event survives SIGKILL of the server and is stored exactly once', { timeout: 180_000 }, async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nudge-crash-'));
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  try {
    const first = await startServer(dataDir, port);
    const keyFile = await (async () => {
      const nudge = await createNudge(loadConfig({}, { dataDir, logLevel: 'silent' }), { instanceKey: randomBytes(32) });
      const ws = (await nudge.workspaces.list())[0];
      const keys = ws ? await nudge.workspaces.listKeys(ws.id) : [];
      await nudge.close();
      return { workspaceId: ws?.id ?? '', writeKey: keys.find((k) => k.kind === 'write')?.key ?? '' };
    })();
    const acknowledged = new Set<string>();
    let sent = 0;
    // Four concurrent senders; the server is killed while they are mid-flight.
    const sender = async (lane: number) => {
      for (let b = 0; ; b++) {
        const batch = Array.from({ length: 50 }, (_, i) => ({ type: 'track', userId: `u${(b * 50 + i) % 300}`, event: 'Crash Test', messageId: `l${lane}-b${b}-e${i}`, properties: { b, i } }));
        sent += batch.length;
        try {
          const res = await fetch(`${first.url}/v1/batch`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: basicAuth(keyFile.writeKey) }, body: JSON.stringify({ batch }) });
          if (res.status !== 200) return;
          for (const e of batch) acknowledged.add(e.messageId);
        } catch {
          return; // connection refused or reset: the server is gone
        }
      }
    };
    const senders = [0, 1, 2, 3].map(sender);
    await new Promise((r) => setTimeout(r, 1500));
    first.child.kill('SIGKILL');
    await Promise.all(senders);
    assert.ok(acknowledged.size > 0, 'some batches were acknowledged before the kill');

    // Restart: the inbox is processed, every acknowledged event is there once.
    const second = await startServer(dataDir, port + 1);
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));
    const nudge = await createNudge(loadConfig({}, { dataDir, logLevel: 'silent' }), { instanceKey: randomBytes(32) });
    try {
      await nudge.ingest.flush();
      const rows = await nudge.database.db.selectFrom('events').select('message_id').where('workspace_id', '=', keyFile.workspaceId).execute();
      const stored = new Set(rows.map((r) => r.message_id));
      assert.equal(stored.size, rows.length, 'no event is stored twice');
      const lost = [...acknowledged].filter((m) => !stored.has(m));
      assert.deepEqual(lost, [], `${lost.length} of ${acknowledged.size} acknowledged events lost (sent ${sent})`);
    } finally {
      await nudge.close();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
