// `npm run bench -- ingest`: Segment /v1/batch over loopback into SQLite and PostgreSQL, against
// inserting the same rows through the raw driver in the same run.
import { childMode, measureInChild } from './child.js';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { loadConfig } from '../src/config/config.js';
import type { DialectName } from '../src/db/dialect.js';
import { createTestDatabase } from '../src/db/testing.js';
import { buildApp } from '../src/server/app.js';
import { createNudge } from '../src/server/nudge.js';
import { report, type Figure } from './report.js';
import { batchTemplate } from './segment-payloads.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const PG_URL = process.env.NUDGE_TEST_DATABASE_URL ?? process.env.NUDGE_BENCH_DATABASE_URL;

interface LoadResult {
  ok: number;
  non2xx: number;
  errors: number;
  durationMs: number;
  p50: number;
  p99: number;
}

function runLoad(url: string, writeKey: string, runId: string): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'ingest.load.ts'), url, writeKey, String(SECONDS), String(CONNECTIONS), runId], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop() ?? '{}') as LoadResult) : reject(new Error(`load generator exited ${code}`))));
  });
}

/** The same event rows, inserted with the bare driver: prepared statement, one transaction per 100. */
function rawRows(batches: number): unknown[][] {
  const rows: unknown[][] = [];
  for (let b = 0; b < batches; b++) {
    const parsed = JSON.parse(batchTemplate(1000 + (b % 64), 100, 50_000).replaceAll('__M__', `raw-${b}`)) as { batch: Record<string, unknown>[] };
    for (const e of parsed.batch) {
      rows.push(['ws', String(e.messageId), String(e.type), (e.event ?? e.name ?? null) as string | null, `prf_${String(e.userId ?? e.anonymousId)}`, (e.userId ?? null) as string | null, (e.anonymousId ?? null) as string | null, JSON.stringify(e.properties ?? e.traits ?? {}), JSON.stringify(e.context ?? {}), Date.now(), Date.now(), null]);
    }
  }
  return rows;
}

async function rawSqlite(dataDir: string, rows: unknown[][]): Promise<number> {
  const db = new Database(path.join(dataDir, 'nudge.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  const stmt = db.prepare('insert into events (workspace_id, message_id, type, name, profile_id, user_id, anonymous_id, properties, context, timestamp, received_at, sent_at) values (?,?,?,?,?,?,?,?,?,?,?,?)');
  const tx = db.transaction((chunk: unknown[][]) => {
    for (const r of chunk) stmt.run(...r);
  });
  const t0 = performance.now();
  for (let i = 0; i < rows.length; i += 100) tx(rows.slice(i, i + 100));
  const secs = (performance.now() - t0) / 1000;
  db.close();
  return rows.length / secs;
}

async function rawPostgres(url: string, rows: unknown[][]): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, max: CONNECTIONS });
  const chunks: unknown[][][] = [];
  for (let i = 0; i < rows.length; i += 100) chunks.push(rows.slice(i, i + 100));
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (next < chunks.length) {
        const chunk = chunks[next++] ?? [];
        const values = chunk.map((_, r) => `(${Array.from({ length: 12 }, (_, c) => `$${r * 12 + c + 1}`).join(',')})`).join(',');
        await pool.query(`insert into events (workspace_id, message_id, type, name, profile_id, user_id, anonymous_id, properties, context, timestamp, received_at, sent_at) values ${values}`, chunk.flat());
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  await pool.end();
  return rows.length / secs;
}

interface Measurement {
  http: LoadResult;
  eventsPerSec: number;
  stored: number;
  rawPerSec: number;
  peakRssMb: number;
  processedPerSec: number;
  backlogAtEnd: number;
  drainSecs: number;
}

async function measure(dialect: DialectName): Promise<Measurement> {
  const tdb = await createTestDatabase(dialect);
  const config = loadConfig({}, { dataDir: tdb.dataDir, logLevel: 'silent', ...(tdb.databaseUrl ? { databaseUrl: tdb.databaseUrl } : {}) });
  const nudge = await createNudge(config, { instanceKey: randomBytes(32) });
  const { workspace, writeKey } = await nudge.workspaces.create({ name: 'Bench', actor: 'bench' });
  const app = await buildApp(nudge);
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  const t0 = performance.now();
  const http = await runLoad(url, writeKey, randomBytes(4).toString('hex'));
  const backlogAtEnd = await nudge.ingest.backlog();
  // Then wait until every acknowledged event is on its profile: the sustained rate counts that too.
  await nudge.ingest.flush();
  const totalSecs = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  const stored = await nudge.eventStore.count(nudge.database.db, workspace.id);
  await app.close();
  await nudge.close();
  const eventsPerSec = (http.ok * 100) / (http.durationMs / 1000);
  const rows = rawRows(Math.min(2000, Math.max(200, Math.round(stored / 100))));
  const rawPerSec = dialect === 'sqlite' ? await rawSqlite(tdb.dataDir, rows) : await rawPostgres(tdb.databaseUrl ?? '', rows);
  await tdb.cleanup();
  return { http, eventsPerSec, stored, rawPerSec, peakRssMb: peak / 1024 / 1024, processedPerSec: stored / totalSecs, backlogAtEnd, drainSecs: totalSecs - http.durationMs / 1000 };
}

// Each server in a fresh process (bench/child.ts), so peak RSS is that server's own.
await childMode(measure);

export default async function ingestBench(): Promise<void> {
  const dialects: DialectName[] = PG_URL ? ['sqlite', 'postgres'] : ['sqlite'];
  if (!PG_URL) console.log('(PostgreSQL skipped: set NUDGE_TEST_DATABASE_URL to include it)');
  const figures: Figure[] = [];
  console.log(`POST /v1/batch, 100 events a batch, ${CONNECTIONS} connections, ${SECONDS} s per dialect (2-core machine, load generator in its own process, each server in a fresh process)\n`);
  for (const d of dialects) {
    const m = await measureInChild<Awaited<ReturnType<typeof measure>>>(import.meta.url, d);
    // Requests in flight when the clock stops are committed but not counted: stored may exceed acknowledged, never the reverse.
    if (m.stored < m.http.ok * 100) throw new Error(`${d}: acknowledged ${m.http.ok * 100} events but stored ${m.stored}`);
    console.log(
      `${d}: ${m.http.ok} batches acknowledged (${m.http.non2xx} non-2xx, ${m.http.errors} errors), ${m.stored} events stored; ${Math.round(m.eventsPerSec)} ev/s acknowledged over HTTP; ` +
        `${m.backlogAtEnd} still in the inbox when the load stopped, drained in ${m.drainSecs.toFixed(1)} s, so ${Math.round(m.processedPerSec)} ev/s all the way onto profiles; ` +
        `raw driver ${Math.round(m.rawPerSec)} rows/s, p50 ${m.http.p50} ms, p99 ${m.http.p99} ms, peak RSS ${Math.round(m.peakRssMb)} MB`,
    );
    figures.push(
      { name: `${d} events/s via HTTP`, value: m.eventsPerSec, unit: 'events/s', target: d === 'sqlite' ? '>= 30000' : '>= 2700', anchor: 'RudderStack ~2,700 events/s on 8 cores with PostgreSQL (published)' },
      { name: `${d} events/s onto profiles (sustained)`, value: m.processedPerSec, unit: 'events/s', target: '>= 2700', anchor: 'identity resolution + profile + event store, load and drain time together' },
      { name: `${d} ratio to raw-driver insert`, value: m.eventsPerSec / m.rawPerSec, unit: 'x', target: '>= 0.25', anchor: `raw driver ${Math.round(m.rawPerSec)} rows/s in the same run` },
      { name: `${d} p50 request latency`, value: m.http.p50, unit: 'ms', target: '<= 100', anchor: '100-event batch' },
      { name: `${d} p99 request latency`, value: m.http.p99, unit: 'ms', target: '<= 500', anchor: '100-event batch' },
      { name: `${d} peak server RSS`, value: m.peakRssMb, unit: 'MB', target: '<= 500', anchor: 'issue: peak memory under 500 MB' },
    );
  }
  console.log('');
  report('ingest', figures);
}
