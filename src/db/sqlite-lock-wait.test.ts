import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import SQLite from 'better-sqlite3';
import { databaseSource, openDatabase, yieldToOtherWriters } from './connection.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a write that finds SQLite locked by another connection waits without freezing the event loop', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nudge-lock-'));
  const file = path.join(dir, 'nudge.db');
  const handle = await openDatabase({ sqlitePath: file });
  // Another connection (as the ingest worker has) holds the write lock.
  const other = new SQLite(file);
  try {
    other.exec('begin immediate');
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    let done = false;
    const write = handle.db
      .transaction()
      .execute((trx) => trx.insertInto('settings').values({ key: 'k', value: 'v' }).execute())
      .then(() => (done = true));
    await sleep(200);
    clearInterval(timer);
    assert.ok(ticks >= 15, `the event loop ran meanwhile (${ticks} ticks)`);
    assert.equal(done, false, 'the write waits for the lock');
    const source = databaseSource(handle.db);
    assert.equal(source?.kind === 'sqlite' ? Atomics.load(source.lockWaiters, 0) : -1, 1, 'the waiting writer is visible to other threads');

    // The lock holder yields to waiting writers between its transactions.
    other.exec('commit');
    await yieldToOtherWriters(handle.db, 2000);
    await write;
    assert.equal(done, true);
    assert.equal((await handle.db.selectFrom('settings').select('value').where('key', '=', 'k').executeTakeFirst())?.value, 'v');
    assert.equal(source?.kind === 'sqlite' ? Atomics.load(source.lockWaiters, 0) : -1, 0);
  } finally {
    other.close();
    await handle.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
