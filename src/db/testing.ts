import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadTestConfig } from '../config/config.js';
import { openDatabase, type DatabaseHandle } from './connection.js';
import type { DialectName } from './dialect.js';

export interface TestDatabase {
  name: DialectName;
  /** Connection settings for createNudge: a postgres URL or a SQLite data folder. */
  databaseUrl?: string;
  dataDir: string;
  cleanup(): Promise<void>;
}

/** The dialects a storage test runs on: SQLite always; PostgreSQL when NUDGE_TEST_DATABASE_URL is set. */
export function testDialects(): DialectName[] {
  return loadTestConfig().postgresUrl ? ['sqlite', 'postgres'] : ['sqlite'];
}

/** A fresh, empty database of the given dialect: a temp SQLite folder, or a new PostgreSQL database. */
export async function createTestDatabase(name: DialectName): Promise<TestDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nudge-test-'));
  const removeDir = () => fs.rmSync(dataDir, { recursive: true, force: true });
  if (name === 'sqlite') return { name, dataDir, cleanup: async () => removeDir() };
  const adminUrl = loadTestConfig().postgresUrl;
  if (!adminUrl) throw new Error('NUDGE_TEST_DATABASE_URL is not set');
  const dbName = `nudge_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  return {
    name,
    databaseUrl: url.toString(),
    dataDir,
    cleanup: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${dbName} with (force)`);
      await c.end();
      removeDir();
    },
  };
}

/** Open a migrated handle on a test database. */
export async function openTestDatabase(t: TestDatabase): Promise<DatabaseHandle> {
  return openDatabase(t.databaseUrl ? { databaseUrl: t.databaseUrl } : { sqlitePath: path.join(t.dataDir, 'nudge.db') });
}
