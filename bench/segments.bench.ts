// `npm run bench -- segments`: a synthetic workspace of 100,000 profiles and 1,000,000 events on
// SQLite and PostgreSQL. Full evaluation of ten representative segments through the compiled query
// the engine runs, against a hand-written query for the same set in the same run; the rule
// builder's live count (preview); and live membership latency under 2,000 events/s of ingest.
import { childMode, measureInChild } from './child.js';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { CompiledQuery, sql, type Kysely } from 'kysely';
import { loadConfig } from '../src/config/config.js';
import type { Database } from '../src/db/database.js';
import type { DialectName } from '../src/db/dialect.js';
import { createTestDatabase } from '../src/db/testing.js';
import { compileSegment, type CompileContext } from '../src/segments/segment.compiler.js';
import type { SegmentDefinition } from '../src/segments/segment.schema.js';
import { createNudge } from '../src/server/nudge.js';
import { median, report, type Figure } from './report.js';
import { numbered, SEGMENT_CASES, type SegmentCase } from './segments.cases.js';
import { measureLive, within, type LiveResult } from './segments.live.js';
import { loadPostgres, loadSqlite } from './segments.load.js';

const PROFILES = Number(process.env.BENCH_PROFILES ?? 100_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const LIVE_SECONDS = Number(process.env.BENCH_LIVE_SECONDS ?? 20);
const PG_URL = process.env.NUDGE_TEST_DATABASE_URL ?? process.env.NUDGE_BENCH_DATABASE_URL;
const SEED = 'nudge-segments-bench-1';
const PREVIEW_RUNS = 3;
const DRAIN_LIMIT_MS = 120_000;

interface CaseResult {
  key: string;
  name: string;
  members: number;
  compiledMs: number;
  handMs: number;
  previewMs: number;
  /** Members after the engine's own first evaluation (the recompute job), for comparison; null if it did not finish. */
  engineMembers: number | null;
  /** SQL texts and plans, when the compiled query is slow (ratio > 1.5, or > 1 s on SQLite). */
  slow?: { compiledSql: string; handSql: string; compiledPlan: string; handPlan: string };
}

interface DialectResult {
  dialect: DialectName;
  buildSeconds: number;
  analyzeSeconds: number;
  events: number;
  profiles: number;
  orders: number;
  /** The product's RFM computation (rfm_group and the other RFM computed traits) over the loaded orders. */
  rfmSeconds: number;
  cases: CaseResult[];
  previewMedian: number;
  previewMax: number;
  recomputeSeconds: number | null;
  /** null when the queue phase failed (see `failure`). */
  live: LiveResult | null;
  failure: string | null;
  seconds: number;
}

const log = (msg: string) => process.stderr.write(`[segments] ${msg}\n`);

async function timed<T>(f: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await f();
  return { ms: performance.now() - t0, value };
}

/** EXPLAIN QUERY PLAN (SQLite) or EXPLAIN ANALYZE (PostgreSQL) of a compiled query, as text. */
async function explain(db: Kysely<Database>, d: DialectName, q: { sql: string; parameters: readonly unknown[] }): Promise<string> {
  const prefix = d === 'sqlite' ? 'explain query plan ' : 'explain (analyze, buffers) ';
  const rows = (await db.executeQuery(CompiledQuery.raw(prefix + q.sql, [...q.parameters]))).rows as Record<string, unknown>[];
  return rows.map((r) => (d === 'sqlite' ? `${String(r.id)}/${String(r.parent)} ${String(r.detail)}` : String(r['QUERY PLAN']))).join('\n');
}

const sameSet = (a: readonly string[], b: readonly string[]) => {
  if (a.length !== b.length) return false;
  const s = new Set(a);
  return b.every((x) => s.has(x));
};

/** Compiled vs hand-written: same members (or the benchmark fails), then the median of RUNS runs each, interleaved. */
async function compareCase(db: Kysely<Database>, c: SegmentCase, definition: SegmentDefinition, ctx: CompileContext): Promise<Omit<CaseResult, 'previewMs' | 'engineMembers'>> {
  const { dialect, workspaceId, now } = ctx;
  const where = compileSegment(definition, ctx);
  // Exactly the query the engine runs for a full evaluation (segment.engine.ts, matchingIn).
  const compiled = db.selectFrom('profiles as p').select('p.id').where('p.workspace_id', '=', workspaceId).where('p.merged_into', 'is', null).where(where);
  const hand = numbered(dialect.name, c.hand(dialect.name, workspaceId, now));
  const handQuery = CompiledQuery.raw(hand.text, hand.params);
  const runCompiled = async () => (await compiled.execute()).map((r) => r.id);
  const runHand = async () => ((await db.executeQuery(handQuery)).rows as { id: string }[]).map((r) => r.id);
  const [a, b] = [await runCompiled(), await runHand()];
  if (!sameSet(a, b)) {
    const onlyA = a.filter((x) => !new Set(b).has(x)).slice(0, 5);
    const onlyB = b.filter((x) => !new Set(a).has(x)).slice(0, 5);
    throw new Error(`${dialect.name} ${c.key}: compiled query found ${a.length} profiles, hand-written ${b.length} (only compiled: ${onlyA.join(' ')}; only hand-written: ${onlyB.join(' ')})\n${compiled.compile().sql}\n${hand.text}`);
  }
  const compiledMs: number[] = [];
  const handMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    compiledMs.push((await timed(runCompiled)).ms);
    handMs.push((await timed(runHand)).ms);
  }
  const result = { key: c.key, name: c.name, members: a.length, compiledMs: median(compiledMs), handMs: median(handMs) };
  if (result.compiledMs / result.handMs > 1.5 || (dialect.name === 'sqlite' && result.compiledMs > 1000)) {
    const q = compiled.compile();
    return {
      ...result,
      slow: {
        compiledSql: `${q.sql}\n  -- params: ${JSON.stringify(q.parameters)}`,
        handSql: `${hand.text}\n  -- params: ${JSON.stringify(hand.params)}`,
        compiledPlan: await explain(db, dialect.name, q),
        handPlan: await explain(db, dialect.name, { sql: hand.text, parameters: hand.params }),
      },
    };
  }
  return result;
}

async function measure(dialectName: DialectName): Promise<DialectResult> {
  const t0 = performance.now();
  const tdb = await createTestDatabase(dialectName);
  const config = loadConfig({}, { dataDir: tdb.dataDir, logLevel: 'silent', ...(tdb.databaseUrl ? { databaseUrl: tdb.databaseUrl } : {}) });
  const nudge = await createNudge(config, { instanceKey: randomBytes(32) });
  try {
    const { db } = nudge.database;
    const { workspace } = await nudge.workspaces.create({ name: 'Segments bench', actor: 'bench' });
    const ws = workspace.id;
    const spec = { workspaceId: ws, profiles: PROFILES, events: EVENTS, seed: SEED, now: Date.now() };
    log(`${dialectName}: building ${PROFILES} profiles and ${EVENTS} events`);
    const progress = (n: number) => n % 200_000 < 20_000 && log(`${dialectName}: ${n} events`);
    const loaded = dialectName === 'sqlite' ? await loadSqlite(path.join(tdb.dataDir, 'nudge.db'), spec, progress) : await loadPostgres(tdb.databaseUrl ?? '', spec, progress);
    // RFM scores from the orders through the product's own job code: the computed trait one segment uses.
    const rfm = await timed(() => nudge.rfm.compute(ws));
    const analyze = await timed(() => sql`analyze`.execute(db));
    log(`${dialectName}: built in ${loaded.seconds.toFixed(1)} s, RFM for ${rfm.value.customers} customers in ${(rfm.ms / 1000).toFixed(1)} s, analyzed in ${(analyze.ms / 1000).toFixed(1)} s`);

    // Saved through the product's service (validated, stored); the recompute jobs wait until the queue starts.
    const segments = [];
    for (const c of SEGMENT_CASES) segments.push(await nudge.segments.service.create(ws, { name: c.name, description: `bench: ${c.key}`, definition: { root: c.root } }, 'bench'));

    // Full evaluation while nothing else runs: compiled vs hand-written at one `now`.
    // The compile context the engine builds for a full evaluation (computed-trait catalog, subscription groups, event counts).
    const ctx: CompileContext = await nudge.segments.engine.fullContext(ws, Date.now());
    const compared = [];
    for (const [i, c] of SEGMENT_CASES.entries()) {
      const r = await compareCase(db, c, segments[i]?.definition ?? { root: { kind: 'and', conditions: [] } }, ctx);
      log(`${dialectName}: ${c.key}: ${r.members} members, compiled ${r.compiledMs.toFixed(0)} ms, hand-written ${r.handMs.toFixed(0)} ms`);
      compared.push(r);
    }

    // The rule builder's live count of each draft.
    log(`${dialectName}: previews`);
    const previewMs: number[] = [];
    for (const c of SEGMENT_CASES) {
      const runs: number[] = [];
      for (let i = 0; i < PREVIEW_RUNS; i++) runs.push((await timed(() => nudge.segments.service.preview(ws, { root: c.root }, 10))).ms);
      previewMs.push(median(runs));
      log(`${dialectName}: preview ${c.key}: ${median(runs).toFixed(0)} ms`);
    }

    // Now the queue: the ten recompute jobs (the engine's full evaluation and membership write), then live load.
    // A failure here is reported with the figures above rather than instead of them.
    let recomputeSeconds: number | null = null;
    let engineMembers: number[] = [];
    let live: LiveResult | null = null;
    let failure: string | null = null;
    try {
      const recompute = await timed(async () => {
        nudge.queue.start();
        await within(DRAIN_LIMIT_MS, nudge.queue.drain(), 'the ten segments.recompute jobs');
      });
      recomputeSeconds = recompute.ms / 1000;
      engineMembers = await Promise.all(segments.map(async (s) => (await nudge.segments.service.get(ws, s.id)).memberCount));
      log(`${dialectName}: recompute jobs done in ${recomputeSeconds.toFixed(1)} s; live load for ${LIVE_SECONDS} s`);
      live = await measureLive(nudge, ws, loaded.profiles, { seconds: LIVE_SECONDS, rate: 2000, batch: 100, pingShare: 0.1, seed: `${SEED}-live` });
    } catch (err) {
      failure = err instanceof Error ? err.message : String(err);
      log(`${dialectName}: FAILED: ${failure}`);
    }
    const cases = compared.map((r, i) => ({ ...r, previewMs: previewMs[i] ?? 0, engineMembers: engineMembers[i] ?? null }));
    return {
      dialect: dialectName,
      buildSeconds: loaded.seconds,
      analyzeSeconds: analyze.ms / 1000,
      events: loaded.events,
      profiles: loaded.profiles.length,
      orders: loaded.orders,
      rfmSeconds: rfm.ms / 1000,
      cases,
      previewMedian: median(previewMs),
      previewMax: Math.max(...previewMs),
      recomputeSeconds,
      live,
      failure,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    // Bounded: after a hang (the failure being reported) closing may hang as well; the database goes regardless
    // (dropped WITH (FORCE) on PostgreSQL, its folder removed on SQLite), so a failed run leaves no 1M-event copy.
    await Promise.race([nudge.close(), new Promise((r) => setTimeout(r, 15_000).unref())]);
    await tdb.cleanup();
  }
}

await childMode(measure);

const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));

function printDialect(m: DialectResult): void {
  console.log(`\n${m.dialect}: ${m.profiles} profiles, ${m.events} events, ${m.orders} orders; built in ${fmt(m.buildSeconds)} s, RFM ${fmt(m.rfmSeconds)} s, ANALYZE ${fmt(m.analyzeSeconds)} s, whole dialect ${fmt(m.seconds)} s`);
  const head = ['segment', 'members', 'engine', 'compiled ms', 'hand ms', 'ratio', 'preview ms'];
  const rows = m.cases.map((c) => [c.key, String(c.members), c.engineMembers === null ? '-' : String(c.engineMembers), fmt(c.compiledMs), fmt(c.handMs), (c.compiledMs / c.handMs).toFixed(2), fmt(c.previewMs)]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  console.log(line(head));
  for (const r of rows) console.log(line(r));
  const l = m.live;
  if (m.failure) console.log(`FAILED ${m.dialect}: ${m.failure}`);
  if (l) {
    console.log(
      `live: ${l.acknowledged}/${l.sent} events acknowledged in ${fmt(l.seconds)} s (${fmt(l.rate)} ev/s), ${l.pings} pings, ${l.entered} entries seen, ${l.missed} missed; ` +
        `ack→entered p50 ${fmt(l.p50)} ms, p99 ${fmt(l.p99)} ms, max ${fmt(l.max)} ms; ack→on profile p50 ${fmt(l.storedP50)} ms, p99 ${fmt(l.storedP99)} ms; ` +
        `ingest() p50 ${fmt(l.ackP50)} ms, p99 ${fmt(l.ackP99)} ms; ${l.sweeps} time-window sweep(s) during the load; initial recompute of the 10 segments ${fmt(m.recomputeSeconds ?? 0)} s`,
    );
  }
  for (const c of m.cases.filter((x) => x.slow)) {
    console.log(`\nslow compiled query: ${m.dialect} ${c.key} (${fmt(c.compiledMs)} ms vs hand-written ${fmt(c.handMs)} ms)`);
    console.log(`compiled:\n  ${c.slow?.compiledSql}\nplan:\n${c.slow?.compiledPlan}`);
    console.log(`hand-written:\n  ${c.slow?.handSql}\nplan:\n${c.slow?.handPlan}`);
  }
}

function figuresOf(m: DialectResult): Figure[] {
  const d = m.dialect;
  const figures: Figure[] = [{ name: `${d} data build (${m.profiles} profiles, ${m.events} events)`, value: m.buildSeconds, unit: 's', target: 'info', anchor: 'multi-row inserts through the bare driver' }];
  for (const c of m.cases) {
    figures.push(
      { name: `${d} ${c.key} full evaluation`, value: c.compiledMs, unit: 'ms', target: d === 'sqlite' ? '<= 1000' : 'info', anchor: `median of ${RUNS}, ${c.members} members` },
      { name: `${d} ${c.key} ratio to hand-written`, value: c.compiledMs / c.handMs, unit: 'x', target: '<= 1.5', anchor: `hand-written SQL ${fmt(c.handMs)} ms, same run` },
    );
  }
  const l = m.live;
  figures.push(
    { name: `${d} preview median`, value: m.previewMedian, unit: 'ms', target: '<= 300', anchor: `service.preview, sample 10, median over the 10 segments (each the median of ${PREVIEW_RUNS})` },
    { name: `${d} preview max`, value: m.previewMax, unit: 'ms', target: '<= 300', anchor: 'slowest of the 10 segments' },
  );
  if (!l) return figures;
  figures.push(
    { name: `${d} live load`, value: l.rate, unit: 'events/s', target: '>= 1900', anchor: 'offered 2,000 events/s in 100-event ingest() calls' },
    { name: `${d} live ack→entered p50`, value: l.p50, unit: 'ms', target: 'info', anchor: `${l.entered} entries` },
    { name: `${d} live ack→entered p99`, value: l.p99, unit: 'ms', target: '<= 1000', anchor: `${l.entered} entries, ${l.sweeps} sweep(s) during the load` },
    { name: `${d} live entries missed`, value: l.missed, unit: 'entries', target: '<= 0', anchor: `${l.pings} pings acknowledged` },
  );
  return figures;
}

export default async function segmentsBench(): Promise<void> {
  const t0 = performance.now();
  const wanted = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',');
  const dialects = (PG_URL ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const)).filter((d) => wanted.includes(d));
  if (!PG_URL) console.log('(PostgreSQL skipped: set NUDGE_TEST_DATABASE_URL to include it)');
  console.log(`${PROFILES} profiles, ${EVENTS} events (power-law per profile, last 365 days), ${SEGMENT_CASES.length} segments; median of ${RUNS} runs; live load ${LIVE_SECONDS} s at 2,000 events/s`);
  const results: DialectResult[] = [];
  const failures: string[] = [];
  for (const d of dialects) {
    try {
      results.push(await measureInChild<DialectResult>(import.meta.url, d));
    } catch (err) {
      failures.push(`${d}: ${err instanceof Error ? err.message : String(err)} (its error is printed above)`);
    }
  }
  for (const m of results) printDialect(m);
  for (const m of results) if (m.failure) failures.push(`${m.dialect}: ${m.failure} (no live figures)`);
  for (const f of failures) console.log(`\nFAILED ${f}`);
  if (failures.length) process.exitCode = 1;
  const seconds = (performance.now() - t0) / 1000;
  console.log('');
  report('segments', [...results.flatMap(figuresOf), { name: 'benchmark run time (all dialects, data build included)', value: seconds, unit: 's', target: '<= 600', anchor: '2-core machine' }]);
}
