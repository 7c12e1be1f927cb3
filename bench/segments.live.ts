// Live membership under load: a steady stream of events through `ingest()`, a share of them
// "Live Ping" events for profiles not yet in the "pinged in the last hour" segment; latency is from
// each ping's acknowledgement (ingest resolved) to its profile's `entered` transition.
import { createRng } from '../src/ml/rng.js';
import type { Nudge } from '../src/server/nudge.js';

export interface LiveOptions {
  seconds: number;
  /** Events per second offered. */
  rate: number;
  /** Events per ingest call (one call every batch / rate seconds). */
  batch: number;
  /** Share of events that are pings for a new profile. */
  pingShare: number;
  seed: string;
}

export interface LiveResult {
  seconds: number;
  sent: number;
  acknowledged: number;
  /** Acknowledged events per second over the load window. */
  rate: number;
  pings: number;
  entered: number;
  missed: number;
  p50: number;
  p99: number;
  max: number;
  ackP50: number;
  ackP99: number;
  /** Part of the latency spent before the ping is on its profile (ingest processing, `onCommitted`). */
  storedP50: number;
  storedP99: number;
  /** Time-window sweeps that finished during the load window (each re-evaluates every time-dependent segment in full). */
  sweeps: number;
}

const OTHER_EVENTS = ['Product Viewed', 'Page', 'Email Opened', 'Added to Cart'] as const;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const DRAIN_LIMIT_MS = 120_000;

/** `p`, or a loud failure once it has taken `ms` (a hung job would otherwise hang the benchmark). */
export async function within<T>(ms: number, p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms)));
  try {
    return await Promise.race([p, limit]);
  } finally {
    clearTimeout(timer);
  }
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

/** Run the load against `workspaceId` and measure ack → entered latency. `profiles` are [profileId, userId]. */
export async function measureLive(nudge: Nudge, workspaceId: string, profiles: readonly [string, string][], options: LiveOptions): Promise<LiveResult> {
  const rng = createRng(options.seed);
  const segment = await nudge.segments.service.create(
    workspaceId,
    { name: 'Pinged in the last hour', description: 'bench: live updates', definition: { root: { kind: 'event', event: { name: 'Live Ping' }, window: { kind: 'last', amount: 1, unit: 'hours' } } } },
    'bench',
  );
  await within(DRAIN_LIMIT_MS, nudge.queue.drain(), "the live segment's recompute job");

  const entered = new Map<string, number>();
  nudge.segments.engine.onTransition((list) => {
    const at = performance.now();
    for (const t of list) if (t.segmentId === segment.id && t.kind === 'entered' && !entered.has(t.profileId)) entered.set(t.profileId, at);
  });
  const stored = new Map<string, number>();
  nudge.ingest.onCommitted((batch) => {
    const at = performance.now();
    for (const e of batch.events) if (e.name === 'Live Ping' && !stored.has(e.profileId)) stored.set(e.profileId, at);
  });
  const acked = new Map<string, number>();
  const ackLatency: number[] = [];
  // Pings go to profiles in a seeded random order, each profile once: every ping is an entry.
  const order = rng.shuffle(Array.from({ length: profiles.length }, (_, i) => i));
  let nextPing = 0;
  let sent = 0;
  let acknowledged = 0;
  let seq = 0;
  const inFlight = new Set<Promise<void>>();
  const interval = (options.batch / options.rate) * 1000;
  const ticks = Math.round((options.seconds * 1000) / interval);

  const started = performance.now();
  const wallStart = Date.now();
  for (let k = 0; k < ticks; k++) {
    // Drift-free schedule: batch k leaves at start + k·interval, whether or not earlier ones are acknowledged.
    const wait = started + k * interval - performance.now();
    if (wait > 0) await sleep(wait);
    const events: unknown[] = [];
    const pinged: string[] = [];
    const timestamp = new Date().toISOString();
    for (let j = 0; j < options.batch; j++) {
      const messageId = `live-${seq++}`;
      if (rng.next() < options.pingShare && nextPing < order.length) {
        const [profileId, userId] = profiles[order[nextPing++] ?? 0] ?? ['', ''];
        pinged.push(profileId);
        events.push({ type: 'track', userId, event: 'Live Ping', properties: { seq }, timestamp, messageId });
      } else {
        const [, userId] = profiles[rng.int(0, profiles.length)] ?? ['', ''];
        const name = rng.pick(OTHER_EVENTS);
        events.push(
          name === 'Page'
            ? { type: 'page', userId, name: 'Home', properties: { path: '/' }, timestamp, messageId }
            : { type: 'track', userId, event: name, properties: { product_id: `sku-${rng.int(1, 500)}`, category: 'Tea', price: 120 }, timestamp, messageId },
        );
      }
    }
    sent += events.length;
    const sentAt = performance.now();
    const p = nudge.ingest.ingest(workspaceId, events).then((r) => {
      const at = performance.now();
      acknowledged += r.accepted;
      ackLatency.push(at - sentAt);
      for (const id of pinged) acked.set(id, at);
    });
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  }
  await Promise.all(inFlight);
  const loadSeconds = (performance.now() - started) / 1000;
  const wallEnd = Date.now();

  // Let everything acknowledged reach profiles and segments, then give stragglers up to 30 s.
  await within(DRAIN_LIMIT_MS, nudge.ingest.flush(), 'ingest flush after the load');
  await nudge.segments.live.flush();
  await within(DRAIN_LIMIT_MS, nudge.queue.drain(), 'segment jobs after the load');
  for (const deadline = performance.now() + 30_000; entered.size < acked.size && performance.now() < deadline; ) await sleep(100);

  const latencies: number[] = [];
  const storing: number[] = [];
  let missed = 0;
  for (const [id, at] of acked) {
    const e = entered.get(id);
    if (e === undefined) missed++;
    else latencies.push(Math.max(0, e - at));
    const s = stored.get(id);
    if (s !== undefined) storing.push(Math.max(0, s - at));
  }
  latencies.sort((a, b) => a - b);
  storing.sort((a, b) => a - b);
  ackLatency.sort((a, b) => a - b);
  const sweeps = await nudge.database.db
    .selectFrom('jobs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('queue', '=', 'segments.sweep')
    .where('status', '=', 'done')
    .where('updated_at', '>=', wallStart)
    .where('updated_at', '<=', wallEnd)
    .executeTakeFirstOrThrow();
  return {
    seconds: loadSeconds,
    sent,
    acknowledged,
    rate: acknowledged / loadSeconds,
    pings: acked.size,
    entered: latencies.length,
    missed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1] ?? 0,
    ackP50: percentile(ackLatency, 50),
    ackP99: percentile(ackLatency, 99),
    storedP50: percentile(storing, 50),
    storedP99: percentile(storing, 99),
    sweeps: Number(sweeps.n),
  };
}
