// `npm run bench -- import [--profiles N] [--orders N]`: CSV import of 1,000,000 profile rows
// (valid_rows) and 300,000 order rows (all_or_nothing: spooled, then one transaction) into a fresh
// SQLite database through the import service, with peak RSS sampled every 100 ms. The anchor for
// speed is csv-parse reading the same file with no database in the same run.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { loadConfig } from '../src/config/config.js';
import { createTestDatabase } from '../src/db/testing.js';
import { readCsv } from '../src/imports/import.csv.js';
import type { ImportJob, ImportKind, ImportMode } from '../src/imports/import.schema.js';
import { createNudge, type Nudge } from '../src/server/nudge.js';
import { report, type Figure } from './report.js';

const CITIES = ['上海', '北京', 'Shenzhen', 'Hangzhou', '成都', 'London', 'Singapore', '广州'];
const PLANS = ['free', 'pro', 'gold'];
const FIRST = ['Mei', 'Wei', 'Li', 'Anna', 'Tom', '娜', '伟', 'Jing'];
const LAST = ['Lin', 'Wang', 'Zhang', 'Smith', 'Chen', '李', '王', 'Liu'];

/** Write lines to a file with backpressure, so generating a large file takes no memory either. */
async function writeLines(file: string, header: string, count: number, line: (i: number) => string): Promise<number> {
  const out = fs.createWriteStream(file);
  let buf = `${header}\n`;
  for (let i = 0; i < count; i++) {
    buf += `${line(i)}\n`;
    if (buf.length > 256 * 1024) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
  return fs.statSync(file).size;
}

const profileLine = (i: number): string =>
  [
    `u${i}`,
    `customer${i}@example.com`,
    i % 3 === 0 ? `+86138${String(i % 100_000_000).padStart(8, '0')}` : '',
    FIRST[i % FIRST.length],
    LAST[(i >> 3) % LAST.length],
    CITIES[i % CITIES.length],
    PLANS[i % PLANS.length],
    18 + (i % 60),
    i % 7 === 0 ? 'true' : 'false',
    `2025-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
  ].join(',');

/** Orders of 1–5 lines (3 on average); customers are the imported profiles, plus a few new emails. */
function orderLines(rows: number, customers: number): (i: number) => string {
  let order = 0;
  let lineInOrder = 0;
  let linesOfOrder = 1;
  return () => {
    if (lineInOrder >= linesOfOrder) {
      order++;
      lineInOrder = 0;
      linesOfOrder = 1 + ((order * 7) % 5);
    }
    lineInOrder++;
    const customer = (order * 7919) % customers;
    const who = order % 10 === 0 ? `,new${order}@example.com` : `u${customer},`;
    const day = String(1 + (order % 28)).padStart(2, '0');
    return `o${order},${who},2025-06-${day}T10:00:00Z,CNY,sku-${(order + lineInOrder) % 500},${1 + (lineInOrder % 3)},${(9.9 + (order % 200)).toFixed(2)}`;
  };
}

async function parseOnly(file: string): Promise<number> {
  const t0 = performance.now();
  let rows = 0;
  for await (const rec of readCsv(fs.createReadStream(file))) if (rec.row > 0) rows++;
  return rows / ((performance.now() - t0) / 1000);
}

async function timedImport(nudge: Nudge, workspaceId: string, kind: ImportKind, mode: ImportMode, file: string): Promise<{ job: ImportJob; seconds: number; peakMb: number; baseMb: number }> {
  global.gc?.();
  const baseMb = process.memoryUsage().rss / 1024 / 1024;
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  const t0 = performance.now();
  const job = await nudge.imports.run(workspaceId, { kind, mode, fileName: path.basename(file), totalBytes: fs.statSync(file).size }, fs.createReadStream(file), 'bench');
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  if (job.status !== 'completed' || job.rowsFailed > 0) throw new Error(`${kind} import did not complete cleanly: ${JSON.stringify({ ...job, errors: job.errors.slice(0, 3) })}`);
  return { job, seconds, peakMb: peak / 1024 / 1024, baseMb };
}

const flag = (args: string[], name: string, fallback: number): number => {
  const i = args.indexOf(name);
  const v = i >= 0 ? Number(args[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
};

export default async function importBench(args: string[]): Promise<void> {
  const profileRows = flag(args, '--profiles', 1_000_000);
  const orderRows = flag(args, '--orders', 300_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nudge-import-bench-'));
  const tdb = await createTestDatabase('sqlite');
  try {
    const profilesFile = path.join(dir, 'profiles.csv');
    const ordersFile = path.join(dir, 'orders.csv');
    const pBytes = await writeLines(profilesFile, 'user_id,email,phone,first_name,last_name,city,plan,age,vip,signup_date', profileRows, profileLine);
    const oBytes = await writeLines(ordersFile, 'order_id,user_id,email,placed_at,currency,product_id,quantity,price', orderRows, orderLines(orderRows, profileRows));
    console.log(`Generated ${profileRows.toLocaleString('en-US')} profile rows (${(pBytes / 1e6).toFixed(1)} MB) and ${orderRows.toLocaleString('en-US')} order rows (${(oBytes / 1e6).toFixed(1)} MB); SQLite, ${os.cpus().length} cores\n`);

    const parseRate = await parseOnly(profilesFile);
    const config = loadConfig({}, { dataDir: tdb.dataDir, logLevel: 'silent' });
    const nudge = await createNudge(config, { instanceKey: randomBytes(32) });
    try {
      const { workspace } = await nudge.workspaces.create({ name: 'Import bench', actor: 'bench' });
      const p = await timedImport(nudge, workspace.id, 'profiles', 'valid_rows', profilesFile);
      const profiles = await nudge.profiles.count(workspace.id);
      console.log(`profiles (valid_rows): ${p.job.rowsImported} rows in ${p.seconds.toFixed(1)} s → ${profiles} profiles; RSS ${Math.round(p.baseMb)} MB before, ${Math.round(p.peakMb)} MB peak`);
      const o = await timedImport(nudge, workspace.id, 'orders', 'all_or_nothing', ordersFile);
      console.log(`orders (all_or_nothing): ${o.job.rowsImported} rows in ${o.seconds.toFixed(1)} s; RSS ${Math.round(o.baseMb)} MB before, ${Math.round(o.peakMb)} MB peak`);
      console.log(`csv-parse alone (same profiles file, no database): ${Math.round(parseRate)} rows/s\n`);
      const figures: Figure[] = [
        { name: 'profiles rows/s (valid_rows)', value: p.job.rowsImported / p.seconds, unit: 'rows/s', target: '>= 10000', anchor: `csv-parse alone ${Math.round(parseRate)} rows/s in the same run` },
        { name: 'profiles peak RSS', value: p.peakMb, unit: 'MB', target: '<= 1024', anchor: `issue: 1M rows must not need 1 GB (${Math.round(pBytes / 1e6)} MB file)` },
        { name: 'orders rows/s (all_or_nothing)', value: o.job.rowsImported / o.seconds, unit: 'rows/s', target: '>= 10000', anchor: 'spooled, then one transaction' },
        { name: 'orders peak RSS', value: o.peakMb, unit: 'MB', target: '<= 1024', anchor: `issue: 1M rows must not need 1 GB (${Math.round(oBytes / 1e6)} MB file)` },
      ];
      report('import', figures, { profileRows, orderRows, profileSeconds: Math.round(p.seconds * 10) / 10, orderSeconds: Math.round(o.seconds * 10) / 10 });
    } finally {
      await nudge.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    await tdb.cleanup();
  }
}
