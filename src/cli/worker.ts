import type { Config } from '../config/config.js';
import { createNudge } from '../server/nudge.js';

/**
 * `nudge worker`: the queue and its schedules, no HTTP. On PostgreSQL any number of workers
 * share the jobs table (FOR UPDATE SKIP LOCKED); a worker that dies leaves its job to be retried
 * by another once the job's lock expires.
 */
export async function workerCommand(config: Config): Promise<void> {
  const nudge = await createNudge(config);
  if (!nudge.database.dialect.supportsRowLocks) {
    console.warn('Note: on SQLite, `nudge start` already runs the workers; extra worker processes only share its single writer.');
  }
  nudge.queue.start();
  console.log(`Nudge worker running on ${nudge.database.dialect.name} (${nudge.database.location}); Ctrl-C to stop`);
  const shutdown = async () => {
    // Running jobs get the queue's grace period; whatever is left is retried elsewhere after its lock expires.
    await nudge.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}
