// `npm run bench -- journeys`: sending throughput on SQLite and PostgreSQL. A workspace of 100,000
// customers with email; (a) a broadcast to every one of them through delivery.sendMany with the
// null transport (the engine's own cost: outbox, render, consent, recording, profile events);
// (b) 20,000 of them into a real SMTP server on loopback (smtp-server, its own process); (c) a
// published 3-step journey (send, delay, send) from each customer's trigger event to its end, on
// the queue engine of the dialect (embedded SQL queue; BullMQ on Redis beside PostgreSQL). Peak RSS
// is sampled throughout; memory growth is measured after full collections. Each dialect runs in a
// fresh child process.
import { childMode, measureInChild } from './child.js';
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config/config.js';
import type { DialectName } from '../src/db/dialect.js';
import { createTestDatabase } from '../src/db/testing.js';
import type { MessageChannel } from '../src/messaging/channels/channel.js';
import { NullChannel } from '../src/messaging/channels/null.channel.js';
import type { DeliveryRequest } from '../src/messaging/message.schema.js';
import { sql } from 'kysely';
import { createNudge, type Nudge } from '../src/server/nudge.js';
import { customers, loadCustomersPostgres, loadCustomersSqlite, type Customer } from './journeys.load.js';
import { report, type Figure } from './report.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const PROFILES = Number(process.env.BENCH_PROFILES ?? 100_000);
const SMTP_MESSAGES = Math.min(PROFILES, Number(process.env.BENCH_SMTP_MESSAGES ?? 20_000));
/** Requests per sendMany call (what a broadcast tick hands delivery). */
const CALL = Number(process.env.BENCH_CALL ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const BATCH = Number(process.env.BENCH_BATCH ?? 500);
const SMTP_CONNECTIONS = Number(process.env.BENCH_SMTP_CONNECTIONS ?? 32);
const MARK_LINGER_MS = Number(process.env.BENCH_MARK_LINGER_MS ?? 2);
/** Customers who go through the journey (two sends and a delay each). */
const JOURNEY_PROFILES = Math.min(PROFILES, Number(process.env.BENCH_JOURNEY_PROFILES ?? PROFILES));
const PG_URL = process.env.NUDGE_TEST_DATABASE_URL ?? process.env.NUDGE_BENCH_DATABASE_URL;
/** The scaled shape's queue engine (BullMQ on Redis) for the PostgreSQL run, when one is configured. */
const QUEUE_URL = process.env.NUDGE_QUEUE_URL ?? process.env.NUDGE_TEST_REDIS_URL;
/** Phases to run (default all): `BENCH_PHASES=journey` profiles the journey alone. Skipped phases report 0. */
const SERVICE_RUNS = Math.max(1, Number(process.env.BENCH_SERVICE_RUNS ?? 3));
const PHASES = new Set((process.env.BENCH_PHASES ?? 'broadcast,smtp,service,journey').split(','));
const SKIPPED: Phase = { messages: 0, seconds: 0, rate: 0, sent: 0, callP50: 0, rssEarly: 0, rssEnd: 0, heapEarly: 0, heapEnd: 0, rssHalf: 0, rssHalfEnd: 0, memorySamples: 0, mainBusyMs: 0 };

interface Phase {
  messages: number;
  seconds: number;
  rate: number;
  sent: number;
  /** Median seconds of one sendMany call. */
  callP50: number;
  /** RSS and the retained heap (MB, after a full GC) at a fifth of the phase and at its end, on a line fitted through the samples from a fifth on: flat memory keeps them close. */
  rssEarly: number;
  rssEnd: number;
  heapEarly: number;
  heapEnd: number;
  /** RSS (MB, after a full GC) half-way through and at the end, on a line fitted through the second half's samples: what a warmed-up process adds. */
  rssHalf: number;
  rssHalfEnd: number;
  /** Samples (after a full GC, one every tenth) the first-fifth-to-end line is fitted through. */
  memorySamples: number;
  /** Milliseconds the main thread's event loop was busy, per message (the part threads cannot share). */
  mainBusyMs: number;
}

interface DialectResult {
  dialect: DialectName;
  loadSeconds: number;
  broadcast: Phase;
  /** Time for ingest to put the broadcast's message.sent events on profiles, after sendMany returned. */
  ingestDrainSeconds: number;
  smtp: Phase & { received: number; repeated: number };
  journey: JourneyPhase;
  service: ServicePhase;
  peakRssMb: number;
}

interface ServicePhase {
  messages: number;
  sent: number;
  seconds: number;
  rate: number;
  /** Time for the segment of every customer to be computed, before the broadcast (not counted). */
  segmentSeconds: number;
  mainBusyMs: number;
  /** Every run's messages/s (the phase reports the median run). */
  runs: number[];
}

interface JourneyPhase {
  entries: number;
  messages: number;
  sent: number;
  seconds: number;
  rate: number;
  mainBusyMs: number;
}

const log = (msg: string) => process.stderr.write(`[journeys] ${msg}\n`);
const rssMb = () => process.memoryUsage.rss() / 2 ** 20;
/**
 * Memory after a full collection (the child runs with --expose-gc): what the process retains, not
 * garbage V8 has not collected yet. Without it RSS "grows" by whatever the old generation is
 * allowed to reach before its next major GC (about 250 MB over a PostgreSQL broadcast, all garbage).
 */
function settledMemory(): { rss: number; heap: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  if (process.env.BENCH_MEMORY_DEBUG) log(`memory: rss ${(m.rss / 2 ** 20).toFixed(0)} heapTotal ${(m.heapTotal / 2 ** 20).toFixed(0)} heapUsed ${(m.heapUsed / 2 ** 20).toFixed(0)} external ${(m.external / 2 ** 20).toFixed(0)} arrayBuffers ${(m.arrayBuffers / 2 ** 20).toFixed(0)}`);
  return { rss: m.rss / 2 ** 20, heap: m.heapUsed / 2 ** 20 };
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? 0;

/** Deliver one message to each customer through sendMany, CALL requests a call; with `sampleMemory`, memory after a full GC at every tenth. */
async function broadcast(nudge: Nudge, ws: string, templateId: string, list: readonly Customer[], id: string, sampleMemory = false): Promise<Phase> {
  const calls: number[] = [];
  let sent = 0;
  // After a full GC at every tenth of the broadcast: one sample swings by tens of MB with what
  // the allocator happens to hold, so growth is read off a line fitted through several.
  const samples: { at: number; rss: number; heap: number }[] = [];
  const elu0 = performance.eventLoopUtilization();
  const t0 = performance.now();
  for (let i = 0; i < list.length; i += CALL) {
    const requests: DeliveryRequest[] = list.slice(i, i + CALL).map((c) => ({ workspaceId: ws, profileId: c.id, templateId, idempotencyKey: `broadcast:${id}:${c.id}`, source: { kind: 'broadcast', id } }));
    const c0 = performance.now();
    const results = await nudge.messaging.delivery.sendMany(requests);
    calls.push((performance.now() - c0) / 1000);
    sent += results.filter((r) => r.status === 'sent').length;
    const done = Math.min(list.length, i + CALL);
    if (sampleMemory && Math.floor((done * 10) / list.length) > Math.floor((i * 10) / list.length) && done < list.length) samples.push({ at: done / list.length, ...settledMemory() });
    if ((i / CALL) % 20 === 0) log(`${id}: ${i + requests.length} of ${list.length}, ${((i + requests.length) / ((performance.now() - t0) / 1000)).toFixed(0)}/s, rss ${rssMb().toFixed(0)} MB`);
  }
  const seconds = (performance.now() - t0) / 1000;
  const mainBusyMs = performance.eventLoopUtilization(elu0).active / list.length;
  samples.push({ at: 1, ...settledMemory() });
  const late = samples.filter((x) => x.at >= 0.2 - 1e-9);
  const secondHalf = samples.filter((x) => x.at >= 0.5 - 1e-9);
  const rss = fitted(late.map((x) => [x.at, x.rss]));
  const heap = fitted(late.map((x) => [x.at, x.heap]));
  const rss2 = fitted(secondHalf.map((x) => [x.at, x.rss]));
  return { messages: list.length, seconds, rate: list.length / seconds, sent, callP50: median(calls), rssEarly: rss(0.2), rssEnd: rss(1), heapEarly: heap(0.2), heapEnd: heap(1), rssHalf: rss2(0.5), rssHalfEnd: rss2(1), memorySamples: late.length, mainBusyMs };
}

/** The least-squares line through (x, y) points, as a function of x (the mean when x does not vary). */
function fitted(points: readonly (readonly [number, number])[]): (x: number) => number {
  const n = points.length;
  if (n === 0) return () => 0;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  const sxx = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  const slope = sxx === 0 ? 0 : points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0) / sxx;
  return (x) => my + slope * (x - mx);
}

/**
 * A broadcast the way the dashboard sends one: to a segment of every customer, through the
 * broadcast service (the segment's snapshot into recipients, then tick jobs that hand due
 * recipients to sendMany and record their outcomes), from `send` to the broadcast's status `sent`.
 */
async function serviceBroadcast(nudge: Nudge, ws: string, templateId: string, expected: number): Promise<ServicePhase> {
  const segment = await nudge.segments.service.create(ws, { name: 'Everyone with an email', description: '', definition: { root: { kind: 'trait', key: 'email', op: 'exists' } } }, 'bench');
  const s0 = performance.now();
  nudge.queue.start();
  for (;;) {
    const seg = await nudge.segments.service.get(ws, segment.id);
    if (seg.memberCount >= expected) break;
    if (performance.now() - s0 > 600_000) throw new Error(`segment stopped at ${seg.memberCount} of ${expected} members`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const segmentSeconds = (performance.now() - s0) / 1000;
  log(`service broadcast: segment of ${expected} computed in ${segmentSeconds.toFixed(1)} s`);
  // The machine is noisy: the same broadcast, sent SERVICE_RUNS times (new broadcasts, so everyone
  // gets each), is reported by its median run; all runs' rates are in the anchor.
  const runs: ServiceRun[] = [];
  for (let k = 0; k < SERVICE_RUNS; k++) {
    runs.push(await serviceRun(nudge, ws, segment.id, templateId, k));
    log(`service broadcast run ${k + 1}: ${runs[k]?.rate.toFixed(0)} messages/s`);
    await nudge.ingest.flush();
  }
  const median = [...runs].sort((a, b) => a.rate - b.rate)[runs.length >> 1] ?? runs[0];
  if (!median) throw new Error('no service broadcast run');
  return { ...median, segmentSeconds, runs: runs.map((r) => r.rate) };
}

type ServiceRun = Omit<ServicePhase, 'segmentSeconds' | 'runs'>;

async function serviceRun(nudge: Nudge, ws: string, segmentId: string, templateId: string, k: number): Promise<ServiceRun> {
  const created = await nudge.journeys.broadcasts.create(ws, { name: `Bench newsletter ${k + 1}`, segmentId, templateId }, 'bench');
  const elu0 = performance.eventLoopUtilization();
  const t0 = performance.now();
  await nudge.journeys.broadcasts.send(ws, created.id, 'bench');
  const { db } = nudge.database;
  for (let polls = 0; ; polls++) {
    // The status alone every 200 ms; the view (which counts the recipients) every 5 s and at the end.
    const { status } = await db.selectFrom('broadcasts').select('status').where('workspace_id', '=', ws).where('id', '=', created.id).executeTakeFirstOrThrow();
    if (status === 'sent' || status === 'cancelled') {
      const seconds = (performance.now() - t0) / 1000;
      const b = await nudge.journeys.broadcasts.get(ws, created.id);
      return { messages: b.counts.recipients, sent: b.counts.sent, seconds, rate: b.counts.sent / seconds, mainBusyMs: performance.eventLoopUtilization(elu0).active / Math.max(1, b.counts.recipients) };
    }
    if (polls % 25 === 0) {
      const b = await nudge.journeys.broadcasts.get(ws, created.id);
      log(`service broadcast: ${b.counts.sent} of ${b.counts.recipients} sent, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    }
    if (performance.now() - t0 > 1_800_000) throw new Error('service broadcast timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * A published 3-step journey (event → send → 1-minute delay → send → exit) for `list`: each
 * customer gets the trigger event through ingest, the engine enters them, sends, waits, sends again.
 * The clock is moved on by the delay once every entry waits, so the figure is the engine's work, not
 * the minute. Messages/s counts both sends, from the first event to the last entry finished.
 */
async function journeyPhase(nudge: Nudge, ws: string, templateId: string, list: readonly Customer[], offset: { ms: number }): Promise<JourneyPhase> {
  const journey = await nudge.journeys.service.create(
    ws,
    {
      name: 'Bench welcome',
      definition: {
        entry: { kind: 'event', event: { name: 'bench_started' }, startNodeId: 'first' },
        nodes: [
          { id: 'first', type: 'send', position: { x: 0, y: 0 }, config: { channel: 'email', templateId, awaitResult: false } },
          { id: 'wait', type: 'delay', position: { x: 0, y: 100 }, config: { kind: 'duration', duration: { amount: 1, unit: 'minutes' } } },
          { id: 'second', type: 'send', position: { x: 0, y: 200 }, config: { channel: 'email', templateId, awaitResult: false } },
          { id: 'done', type: 'exit', position: { x: 0, y: 300 }, config: {} },
        ],
        edges: [
          { id: 'e1', source: 'first', target: 'wait' },
          { id: 'e2', source: 'wait', target: 'second' },
          { id: 'e3', source: 'second', target: 'done' },
        ],
        settings: {},
      },
    },
    'bench',
  );
  await nudge.journeys.service.publish(ws, journey.id, 'bench');
  nudge.queue.start();
  const { db } = nudge.database;
  // Sent messages are counted on the (workspace, status) index alone, less those sent before the
  // phase: reading every row's source_kind took 0.2 s of the measured thread per count.
  const sentAll = async () => Number((await db.selectFrom('messages').select(sql<number>`count(*)`.as('n')).where('workspace_id', '=', ws).where('status', '=', 'sent').executeTakeFirstOrThrow()).n);
  const sentBefore = await sentAll();
  const countBy = async (): Promise<{ entries: number; waiting: number; ended: number; sent: number }> => {
    const entries = await db.selectFrom('journey_entries').select(['status', sql<number>`count(*)`.as('n')]).where('workspace_id', '=', ws).groupBy('status').execute();
    const by = Object.fromEntries(entries.map((r) => [r.status, Number(r.n)]));
    const total = Object.values(by).reduce((a, b) => a + b, 0);
    const waiting = by.waiting ?? 0;
    const ended = total - waiting - (by.active ?? 0);
    // Messages are counted only once every entry is past the step that sends them (the poll's own cost stays small).
    const counting = total === list.length && (waiting + ended === list.length);
    const sent = counting ? (await sentAll()) - sentBefore : -1;
    return { entries: total, waiting, ended, sent };
  };
  const gc = { minor: 0, major: 0 };
  const gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as { detail?: { kind?: number } }).detail?.kind;
      if (kind === 1) gc.minor += e.duration;
      else gc.major += e.duration;
    }
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  const elu0 = performance.eventLoopUtilization();
  const t0 = performance.now();
  for (let i = 0; i < list.length; i += 500) {
    const events = list.slice(i, i + 500).map((c) => ({ type: 'track', event: 'bench_started', userId: c.userId, messageId: `bench-start-${c.id}`, timestamp: new Date(nudge.clock.now()).toISOString() }));
    await nudge.ingest.ingest(ws, events);
  }
  const until = async (what: string, done: (c: Awaited<ReturnType<typeof countBy>>) => boolean, promote = false) => {
    for (let polls = 0; ; polls++) {
      const c = await countBy();
      if (done(c)) return c;
      if (polls % 5 === 0) log(`journey: ${what}: ${c.entries} entered, ${c.waiting} waiting, ${c.ended} finished, ${c.sent} sent, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
      if (performance.now() - t0 > 1_800_000) throw new Error(`journey phase timed out (${what})`);
      // Once a second: counting 100,000 entries (and the messages) is work on the thread being measured.
      await new Promise((r) => setTimeout(r, 1000));
      // BullMQ times delays by the wall clock: drain() promotes the timers due on the moved clock (the SQL engine reads the clock itself).
      if (promote) await nudge.queue.drain();
    }
  };
  // On a slow run the first entries' minute passes in real time: they count as waiting here too.
  await until('first send', (c) => c.entries === list.length && c.waiting + c.ended === list.length && c.sent >= list.length);
  const half = performance.eventLoopUtilization(elu0);
  log(`journey: entries and first sends in ${((performance.now() - t0) / 1000).toFixed(1)} s, main thread ${(half.utilization * 100).toFixed(0)}% busy`);
  offset.ms += 61_000;
  const end = await until('second send', (c) => c.ended === list.length && c.sent >= 2 * list.length, true);
  const seconds = (performance.now() - t0) / 1000;
  const second = performance.eventLoopUtilization(performance.eventLoopUtilization(elu0), half);
  log(`journey: timers and second sends in ${((second.idle + second.active) / 1000).toFixed(1)} s, main thread ${(second.utilization * 100).toFixed(0)}% busy`);
  gcObserver.disconnect();
  log(`journey: main thread GC ${(gc.minor / 1000).toFixed(1)} s minor (scavenges), ${(gc.major / 1000).toFixed(1)} s other`);
  const messages = 2 * list.length;
  return { entries: end.entries, messages, sent: end.sent, seconds, rate: messages / seconds, mainBusyMs: performance.eventLoopUtilization(elu0).active / messages };
}

function startSmtpSink(): Promise<{ child: ChildProcess; port: number; ask: <T>(type: string) => Promise<T> }> {
  const child = fork(path.join(here, 'journeys.smtp.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ask = <T>(type: string) =>
    new Promise<T>((resolve) => {
      child.once('message', (m) => resolve(m as T)); // the sink answers each request with one message of that request's shape
      child.send({ type });
    });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve({ child, port: (m as { port: number }).port, ask })); // its first message is { port }
    child.once('exit', (code) => reject(new Error(`SMTP sink exited ${code}`)));
  });
}

async function measure(dialect: DialectName): Promise<DialectResult> {
  const tdb = await createTestDatabase(dialect);
  const queueUrl = dialect === 'postgres' ? QUEUE_URL : undefined;
  const config = loadConfig({}, { dataDir: tdb.dataDir, logLevel: 'silent', publicUrl: 'https://nudge.bench', ...(tdb.databaseUrl ? { databaseUrl: tdb.databaseUrl } : {}), ...(queueUrl ? { queueUrl } : {}) });
  log(`${dialect}: queue engine ${queueUrl ? 'bullmq (redis)' : 'embedded (sql)'}`);
  // The null transport while `channel` is set; the workspace's configured SMTP server once it is null.
  const transport: { channel: MessageChannel<never> | null } = { channel: new NullChannel() };
  // The journey phase moves this clock past its delay instead of waiting a real minute.
  const offset = { ms: 0 };
  const nudge = await createNudge(config, {
    clock: { now: () => Date.now() + offset.ms },
    instanceKey: randomBytes(32),
    messaging: { channelOverride: () => transport.channel, emailThreads: Number(process.env.BENCH_EMAIL_THREADS ?? 2), ...(process.env.BENCH_RENDER_THREADS ? { renderThreads: Number(process.env.BENCH_RENDER_THREADS) } : {}), delivery: { batchConcurrency: CONCURRENCY, batchSize: BATCH, markLingerMs: MARK_LINGER_MS } },
  });
  let peak = rssMb();
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb())), 50);
  const smtp = await startSmtpSink();
  try {
    const { workspace } = await nudge.workspaces.create({ name: 'Journeys bench', actor: 'bench' });
    const ws = workspace.id;
    const list = customers(PROFILES);
    const l0 = performance.now();
    if (dialect === 'sqlite') await loadCustomersSqlite(path.join(tdb.dataDir, 'nudge.db'), ws, list, Date.now());
    else await loadCustomersPostgres(tdb.databaseUrl ?? '', ws, list, Date.now());
    const loadSeconds = (performance.now() - l0) / 1000;
    log(`${dialect}: ${PROFILES} customers loaded in ${loadSeconds.toFixed(1)} s`);

    // A realistic newsletter: opt-out group (subscriptions read), a weekly cap (counted under lock), tracked links.
    const group = await nudge.messaging.consent.createGroup(ws, { name: 'Newsletter', channel: 'email', type: 'opt_out', description: '' }, 'bench');
    if (process.env.BENCH_CAP !== '0') await nudge.messaging.consent.setCap(ws, { channel: 'email', maxMessages: 10, windowDays: 7 }, 'bench');
    const template = await nudge.messaging.templates.create(
      ws,
      {
        name: 'Weekly picks',
        kind: 'marketing',
        subscriptionGroupId: group.id,
        defaultLocale: 'en',
        body: {
          channel: 'email',
          content: {
            en: {
              subject: 'Hello {{ profile.traits.name }}',
              html: '<html><body><p>Hi {{ profile.traits.name }}, this week on the {{ profile.traits.plan }} plan: <a href="https://shop.example/sale?x=1">the sale</a>, <a href="https://shop.example/new">new in</a>.</p><p><a href="{{ message.unsubscribeUrl }}">Unsubscribe</a></p></body></html>',
              text: 'Hi {{ profile.traits.name }}, the sale: https://shop.example/sale',
            },
            zh: {
              subject: '{{ profile.traits.name }}，你好',
              html: '<html><body><p>{{ profile.traits.name }}，<a href="https://shop.example/sale">查看促销</a></p><p><a href="{{ message.unsubscribeUrl }}">退订</a></p></body></html>',
            },
          },
        },
      },
      'bench',
    );

    log(`${dialect}: broadcast to ${PROFILES} through the null transport`);
    const bcpu0 = process.cpuUsage();
    const b = PHASES.has('broadcast') ? await broadcast(nudge, ws, template.id, list, 'bench-null', true) : SKIPPED;
    const bcpu = process.cpuUsage(bcpu0);
    log(`${dialect}: broadcast ${b.seconds.toFixed(1)} s; CPU: sender process ${((bcpu.user + bcpu.system) / 1e6).toFixed(1)} s (all threads); main thread busy ${b.mainBusyMs.toFixed(3)} ms/message`);
    const d0 = performance.now();
    await nudge.ingest.flush();
    const ingestDrainSeconds = (performance.now() - d0) / 1000;
    log(`${dialect}: ${b.rate.toFixed(0)} messages/s; ingest drained ${ingestDrainSeconds.toFixed(1)} s later`);

    await nudge.messaging.settings.put(ws, 'email', { host: '127.0.0.1', port: smtp.port, secure: false, from: 'Bench Shop <news@shop.bench>', maxConnections: SMTP_CONNECTIONS, maxMessages: 10_000 }, 'bench');
    transport.channel = null;
    log(`${dialect}: ${SMTP_MESSAGES} through SMTP on loopback (${SMTP_CONNECTIONS} connections)`);
    const cpu0 = process.cpuUsage();
    const s = PHASES.has('smtp') ? await broadcast(nudge, ws, template.id, list.slice(0, SMTP_MESSAGES), 'bench-smtp') : SKIPPED;
    const cpu = process.cpuUsage(cpu0);
    const count = await smtp.ask<{ received: number; repeated: number; cpuSeconds: number }>('count');
    log(`${dialect}: SMTP phase ${s.seconds.toFixed(1)} s; CPU: sender process ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s (all threads), SMTP server ${count.cpuSeconds.toFixed(1)} s (whole life); main thread busy ${s.mainBusyMs.toFixed(3)} ms/email`);
    log(`${dialect}: ${s.rate.toFixed(0)} emails/s; the server received ${count.received} (${count.repeated} repeated)`);
    await nudge.ingest.flush();

    transport.channel = new NullChannel();
    const scpu0 = process.cpuUsage();
    const svc = PHASES.has('service') ? await serviceBroadcast(nudge, ws, template.id, list.length) : { messages: 0, sent: 0, seconds: 0, rate: 0, segmentSeconds: 0, mainBusyMs: 0, runs: [] };
    const scpu = process.cpuUsage(scpu0);
    log(`${dialect}: service broadcast ${svc.sent} of ${svc.messages} in ${svc.seconds.toFixed(1)} s: ${svc.rate.toFixed(0)} messages/s; CPU: process ${((scpu.user + scpu.system) / 1e6).toFixed(1)} s (all threads, with the segment); main thread busy ${svc.mainBusyMs.toFixed(3)} ms/message`);
    await nudge.ingest.flush();
    const jcpu0 = process.cpuUsage();
    const j = PHASES.has('journey') ? await journeyPhase(nudge, ws, template.id, list.slice(0, JOURNEY_PROFILES), offset) : { entries: 0, messages: 0, sent: 0, seconds: 0, rate: 0, mainBusyMs: 0 };
    const jcpu = process.cpuUsage(jcpu0);
    log(`${dialect}: journey ${j.messages} messages in ${j.seconds.toFixed(1)} s: ${j.rate.toFixed(0)} messages/s (entries ${j.entries}, sent ${j.sent}); CPU: process ${((jcpu.user + jcpu.system) / 1e6).toFixed(1)} s (all threads); main thread busy ${j.mainBusyMs.toFixed(3)} ms/message`);
    return { dialect, loadSeconds, broadcast: b, ingestDrainSeconds, smtp: { ...s, received: count.received, repeated: count.repeated }, journey: j, service: svc, peakRssMb: peak };
  } finally {
    clearInterval(sampler);
    smtp.child.send({ type: 'close' });
    await Promise.race([nudge.close(), new Promise((r) => setTimeout(r, 15_000).unref())]);
    await tdb.cleanup();
  }
}

await childMode(measure);

const MAUTIC = 'Mautic user: 230,000 emails in 8 h on 4 vCPUs (≈ 8/s)';
const LISTMONK = 'listmonk users: about 1,000/min (≈ 17/s)';

function figuresOf(m: DialectResult): Figure[] {
  const d = m.dialect;
  return [
    { name: `${d} broadcast through the broadcast service, null transport`, value: m.service.rate, unit: 'messages/s', target: '>= 5000', anchor: `${MAUTIC}; a segment of ${m.service.messages} customers, ${m.service.sent} sent (snapshot, ticks, sends, outcomes); median of ${m.service.runs.length} runs: ${m.service.runs.map((r) => r.toFixed(0)).join(', ')}` },
    { name: `${d} delivery.sendMany alone (a broadcast's send path), null transport`, value: m.broadcast.rate, unit: 'messages/s', target: 'info', anchor: `${m.broadcast.messages} customers, ${m.broadcast.sent} sent, calls of ${CALL}` },
    { name: `${d} broadcast into SMTP on loopback`, value: m.smtp.rate, unit: 'emails/s', target: '>= 1000', anchor: `${LISTMONK}; ${m.smtp.received} received, ${m.smtp.repeated} repeated, ${SMTP_CONNECTIONS} connections` },
    { name: `${d} 3-step journey (send, delay, send), null transport`, value: m.journey.rate, unit: 'messages/s', target: '>= 5000', anchor: `${m.journey.entries} customers from their trigger event to the journey's end, ${m.journey.sent} sent` },
    { name: `${d} ingest drain after the broadcast`, value: m.ingestDrainSeconds, unit: 's', target: 'info', anchor: `${m.broadcast.sent} message.sent profile events` },
    { name: `${d} RSS growth, first fifth to end of broadcast (after GC)`, value: m.broadcast.rssEnd - m.broadcast.rssEarly, unit: 'MB', target: '<= 100', anchor: `${m.broadcast.rssEarly.toFixed(0)} → ${m.broadcast.rssEnd.toFixed(0)} MB, a line through ${m.broadcast.memorySamples} samples` },
    { name: `${d} RSS growth, second half of the broadcast (after GC)`, value: m.broadcast.rssHalfEnd - m.broadcast.rssHalf, unit: 'MB', target: '<= 50', anchor: `${m.broadcast.rssHalf.toFixed(0)} → ${m.broadcast.rssHalfEnd.toFixed(0)} MB, a line through the second half's samples` },
    { name: `${d} retained heap growth over the broadcast (after GC)`, value: m.broadcast.heapEnd - m.broadcast.heapEarly, unit: 'MB', target: '<= 20', anchor: `main thread heap ${m.broadcast.heapEarly.toFixed(0)} → ${m.broadcast.heapEnd.toFixed(0)} MB, a line through ${m.broadcast.memorySamples} samples` },
    { name: `${d} peak RSS`, value: m.peakRssMb, unit: 'MB', target: 'info', anchor: 'sampled every 50 ms over load, broadcast and SMTP' },
  ];
}

export default async function journeysBench(): Promise<void> {
  const wanted = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',');
  const dialects = (PG_URL ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const)).filter((d) => wanted.includes(d));
  if (!PG_URL) console.log('(PostgreSQL skipped: set NUDGE_TEST_DATABASE_URL to include it)');
  console.log(`${PROFILES} customers; sendMany calls of ${CALL}, batches of ${BATCH}, ${CONCURRENCY} provider calls in flight; SMTP: ${SMTP_MESSAGES} messages, ${SMTP_CONNECTIONS} pooled connections`);
  const results: DialectResult[] = [];
  const failures: string[] = [];
  for (const d of dialects) {
    try {
      results.push(await measureInChild<DialectResult>(import.meta.url, d, ['--expose-gc', ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : [])]));
    } catch (err) {
      failures.push(`${d}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  for (const m of results) console.log(`${m.dialect}: customers loaded in ${m.loadSeconds.toFixed(1)} s; sendMany call p50 ${(m.broadcast.callP50 * 1000).toFixed(0)} ms (null), ${(m.smtp.callP50 * 1000).toFixed(0)} ms (SMTP)`);
  for (const f of failures) console.log(`FAILED ${f}`);
  if (failures.length) process.exitCode = 1;
  console.log('');
  report('journeys', results.flatMap(figuresOf));
}
