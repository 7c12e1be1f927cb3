import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { loadTestConfig } from '../config/config.js';
import type { DatabaseHandle } from '../db/connection.js';
import { createTestDatabase, openTestDatabase, testDialects } from '../db/testing.js';
import { createBullmqQueue, type BullmqQueue } from './bullmq.queue.js';
import { queueContract } from './queue.contract.js';
import { createSqlQueue } from './sql.queue.js';

// The embedded engine on each dialect; each instance gets its own connection (pool), as a separate process would.
for (const dialect of testDialects()) {
  queueContract(`sql engine (${dialect})`, async () => {
    const tdb = await createTestDatabase(dialect);
    const handles: DatabaseHandle[] = [];
    return {
      async create(options) {
        const handle = await openTestDatabase(tdb);
        handles.push(handle);
        return createSqlQueue({ db: handle.db, dialect: handle.dialect, ...options });
      },
      async cleanup() {
        await Promise.all(handles.map((h) => h.close()));
        await tdb.cleanup();
      },
    };
  });
}

// The BullMQ engine when a Redis is given (NUDGE_TEST_REDIS_URL), as PostgreSQL runs when NUDGE_TEST_DATABASE_URL is set.
// Each instance has its own connections, as another process would; a prefix per run keeps runs apart.
const { redisUrl } = loadTestConfig();
if (redisUrl) {
  queueContract('bullmq engine (redis)', async () => {
    const prefix = `nudge-test-${randomBytes(6).toString('hex')}`;
    const instances: BullmqQueue[] = [];
    return {
      lockTime: 'wall',
      async create(options) {
        const q = createBullmqQueue({ connectionUrl: redisUrl, prefix, ...options });
        instances.push(q);
        return q;
      },
      async cleanup() {
        await Promise.all(instances.map((q) => q.close()));
        const redis = new Redis(redisUrl);
        let cursor = '0';
        do {
          const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
          if (found.length > 0) await redis.unlink(...found);
          cursor = next;
        } while (cursor !== '0');
        await redis.quit();
      },
    };
  });
}
