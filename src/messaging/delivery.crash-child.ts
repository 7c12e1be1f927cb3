// A Nudge process for delivery.crash.test.ts: sends `count` messages one after another, as a
// journey would, and is SIGKILLed by the test in the middle of an SMTP transaction. Run again, it
// sends the same idempotency keys and resolves what the killed process left behind.
import { loadConfig } from '../config/config.js';
import { createNudge } from '../server/nudge.js';

const [dataDir = '', keyHex = '', workspaceId = '', templateId = '', countText = '0', databaseUrl = ''] = process.argv.slice(2);
const config = loadConfig({}, { dataDir, logLevel: 'silent', publicUrl: 'https://nudge.test', ...(databaseUrl ? { databaseUrl } : {}) });
const nudge = await createNudge(config, { instanceKey: Buffer.from(keyHex, 'hex'), messaging: { delivery: { leaseMs: 300 } } });
const users = ['ann', 'bob', 'cat'];
for (let i = 0; i < Number(countText); i++) {
  const request = { workspaceId, profileId: users[i % users.length] ?? 'ann', templateId, idempotencyKey: `crash:${i}`, source: { kind: 'journey' as const, id: 'crash', nodeId: `n${i}` } };
  let result = await nudge.messaging.delivery.send(request);
  // Held by the killed process: its lease runs out shortly, then the repeated request resolves it.
  while (result.status === 'sending') {
    await new Promise((r) => setTimeout(r, 100));
    result = await nudge.messaging.delivery.send(request);
  }
  process.stdout.write(`${i} ${result.status}\n`);
}
await nudge.close();
