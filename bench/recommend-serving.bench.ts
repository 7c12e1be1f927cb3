// `npm run bench -- recommend-serving`: the demo shop (5,000 customers, 300 products, a year of
// events) seeded on SQLite, a model trained and promoted, then top-10 recommendations with the
// default business rules for random customers, measured two ways: the service call (the in-memory
// model, rules, reasons) and the full HTTP route through Fastify (auth, validation, serialisation).
// Target: p99 ≤ 10 ms on the HTTP route. Anchor: the serving budget; the service-level
// figure shows what the rules and scoring cost on their own.
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../src/config/config.js';
import { createTestDatabase } from '../src/db/testing.js';
import { seedDemoWorkspace } from '../src/demo/demo.service.js';
import { buildApp } from '../src/server/app.js';
import { createNudge } from '../src/server/nudge.js';
import { median, report, type Figure } from './report.js';

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 5_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 5_000);
const WARMUP = 500;

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
};

export default async function main(): Promise<void> {
  const tdb = await createTestDatabase('sqlite');
  const config = loadConfig({}, { dataDir: tdb.dataDir, logLevel: 'silent' });
  const nudge = await createNudge(config, { instanceKey: randomBytes(32) });
  try {
    const t0 = performance.now();
    const demo = await seedDemoWorkspace(nudge, { customers: CUSTOMERS });
    const seedSeconds = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    const trained = await nudge.recommendations.trainNow(demo.workspaceId);
    const trainSeconds = (performance.now() - t1) / 1000;
    const app = await buildApp(nudge, { webDir: null });
    const svc = nudge.recommendations.service;
    await svc.warm(demo.workspaceId);
    const users = Array.from({ length: CUSTOMERS }, (_, i) => `u-${String(i + 1).padStart(5, '0')}`);
    // A tenth of the requests are for ids the shop has never seen (they get popular items).
    const pick = (i: number) => (i % 10 === 9 ? `visitor-${i}` : users[(i * 7919) % users.length]!);

    const direct: number[] = [];
    for (let i = 0; i < WARMUP + REQUESTS; i++) {
      const s = performance.now();
      await svc.recommend(demo.workspaceId, pick(i), { n: 10 });
      if (i >= WARMUP) direct.push(performance.now() - s);
    }
    const headers = { authorization: `Bearer ${demo.secretKey}` };
    const http: number[] = [];
    for (let i = 0; i < WARMUP + REQUESTS; i++) {
      const s = performance.now();
      const res = await app.inject({ method: 'GET', url: `/v1/recommendations/${encodeURIComponent(pick(i))}?n=10`, headers });
      if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}: ${res.body}`);
      if (i >= WARMUP) http.push(performance.now() - s);
    }
    const figures: Figure[] = [
      { name: 'HTTP top-10 p99', value: quantile(http, 0.99), unit: 'ms', target: '<= 10', anchor: 'issue budget (p99 ≤ 10 ms on the demo shop)' },
      { name: 'HTTP top-10 p50', value: median(http), unit: 'ms', target: '<= 3', anchor: 'same run' },
      { name: 'service top-10 p99', value: quantile(direct, 0.99), unit: 'ms', target: '<= 5', anchor: 'in-memory model, rules, reasons' },
      { name: 'service top-10 p50', value: median(direct), unit: 'ms', target: '<= 1', anchor: 'same run' },
      { name: 'training (all algorithms)', value: trainSeconds, unit: 's', target: '<= 60', anchor: 'demo "populated in under a minute"' },
    ];
    report('recommend-serving', figures, { customers: CUSTOMERS, requests: REQUESTS, seedSeconds, promoted: trained.promotedId, models: trained.models });
    await app.close();
  } finally {
    await nudge.close();
    await tdb.cleanup();
  }
}
