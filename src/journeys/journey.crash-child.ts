// A Nudge process for journey.crash.test.ts: runs the queue (a published journey and a broadcast
// whose jobs the test left pending) until every message is settled, printing what it sees. The test
// SIGKILLs the first run in the middle of an SMTP transaction; the second run starts `offsetMs`
// later on its clock (so the journey's one-hour delay is over) and resolves what the first left.
import { sql } from 'kysely';
import { loadConfig } from '../config/config.js';
import { createNudge } from '../server/nudge.js';

const [dataDir = '', keyHex = '', databaseUrl = '', offsetText = '0', expectedText = '0'] = process.argv.slice(2);
const offset = Number(offsetText);
const config = loadConfig({}, { dataDir, logLevel: 'silent', publicUrl: 'https://nudge.test', ...(databaseUrl ? { databaseUrl } : {}) });
const nudge = await createNudge(config, {
  instanceKey: Buffer.from(keyHex, 'hex'),
  clock: { now: () => Date.now() + offset },
  // A short lease, so the second run takes over what the killed one held without waiting 15 s.
  messaging: { delivery: { leaseMs: 300 } },
});
const { db } = nudge.database;
nudge.queue.start();
const deadline = Date.now() + 90_000;
let idle = 0;
for (;;) {
  const rows = await db.selectFrom('messages').select(['status', sql<number>`count(*)`.as('n')]).groupBy('status').execute();
  const by = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  const open = await db.selectFrom('journey_entries').select(sql<number>`count(*)`.as('n')).where('status', 'in', ['active', 'waiting']).executeTakeFirstOrThrow();
  if ((by.sent ?? 0) >= Number(expectedText) && Number(open.n) === 0 && !by.queued && !by.sending) {
    process.stdout.write(`${JSON.stringify(by)}\n`);
    break;
  }
  // `settle` (expected 0): stop once nothing is due on this clock: customers who entered in this run
  // wait out their delay, which only a later restart (a later clock) reaches.
  if (expectedText === '0' && !by.queued && !by.sending) {
    const due = await db.selectFrom('jobs').select(sql<number>`count(*)`.as('n')).where((eb) => eb.or([eb.and([eb('status', '=', 'pending'), eb('run_at', '<=', nudge.clock.now())]), eb('status', '=', 'running')])).executeTakeFirstOrThrow();
    if (Number(due.n) === 0 && ++idle >= 5) {
      process.stdout.write(`${JSON.stringify(by)}\n`);
      break;
    }
  } else idle = 0;
  if (Date.now() > deadline) {
    process.stderr.write(`timed out: messages ${JSON.stringify(by)}, open entries ${open.n}\n`);
    process.exit(1);
  }
  await new Promise((r) => setTimeout(r, 200));
}
await nudge.close();
process.exit(0);
