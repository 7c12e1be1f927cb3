import type { DatabaseHandle } from '../db/connection.js';
import { createTestDatabase, openTestDatabase, testDialects } from '../db/testing.js';
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
