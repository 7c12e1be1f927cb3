import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { testDialects } from '../db/testing.js';
import { withTransaction } from '../db/transaction.js';
import { manualClock } from '../platform/clock.js';
import type { OrderRow } from '../profiles/order.repository.js';
import { createTestNudge, type TestNudge } from '../testing/nudge.testing.js';
import { DAY_MS, quintileScores, rfmGroup, scoreCustomers } from './rfm.model.js';
import { RfmGroupId, RfmReport } from './rfm.schema.js';
import { RFM_QUEUE } from './rfm.service.js';

describe('RFM scoring (pure)', () => {
  test('distinct values fall into equal quintiles, 5 for the highest', () => {
    assert.deepEqual(quintileScores([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]), [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]);
    assert.deepEqual(quintileScores([1, 2, 3, 4, 5]), [1, 2, 3, 4, 5]);
  });

  test('ties never split: a tie scores by the customers strictly below it; the top value is always 5', () => {
    // Three tie at the bottom (nobody below: 1); then 3 of 5 below (1 + floor(3)) and the top.
    assert.deepEqual(quintileScores([1, 1, 1, 2, 3]), [1, 1, 1, 4, 5]);
    // Six one-order customers of ten all score 1, however many they are.
    assert.deepEqual(quintileScores([1, 1, 1, 1, 1, 1, 2, 3, 4, 5]), [1, 1, 1, 1, 1, 1, 4, 4, 5, 5]);
    // A tie in the middle takes the quintile of its first member.
    assert.deepEqual(quintileScores([1, 2, 3, 3, 3, 3, 4, 5, 6, 7]), [1, 1, 2, 2, 2, 2, 4, 4, 5, 5]);
    // A tie at the top keeps the top score, whatever its size.
    assert.deepEqual(quintileScores([1, 2, 3, 3, 3, 3, 3, 3, 3, 3]), [1, 1, 5, 5, 5, 5, 5, 5, 5, 5]);
    assert.deepEqual(quintileScores([7, 7, 7, 7]), [3, 3, 3, 3], 'no spread: the middle score');
    assert.deepEqual(quintileScores([42]), [3]);
    assert.deepEqual(quintileScores([]), []);
  });

  test('the R×F map covers all 25 cells with exactly the 11 groups', () => {
    const seen = new Map<string, number>();
    for (let r = 1; r <= 5; r++) for (let f = 1; f <= 5; f++) seen.set(rfmGroup(r, f), (seen.get(rfmGroup(r, f)) ?? 0) + 1);
    assert.deepEqual([...seen.keys()].sort(), [...RfmGroupId.options].sort());
    assert.equal([...seen.values()].reduce((a, b) => a + b, 0), 25);
    const cells: [number, number, string][] = [
      [5, 5, 'champions'], [5, 4, 'champions'], [4, 5, 'loyal'], [3, 4, 'loyal'], [5, 3, 'potential_loyalist'], [4, 2, 'potential_loyalist'],
      [5, 1, 'new'], [4, 1, 'promising'], [3, 3, 'need_attention'], [3, 2, 'about_to_sleep'], [3, 1, 'about_to_sleep'],
      [2, 4, 'at_risk'], [1, 3, 'at_risk'], [2, 5, 'cannot_lose'], [1, 5, 'cannot_lose'], [2, 2, 'hibernating'], [2, 1, 'hibernating'],
      [1, 2, 'lost'], [1, 1, 'lost'],
    ];
    for (const [r, f, group] of cells) assert.equal(rfmGroup(r, f), group, `cell ${r}${f}`);
  });

  test('recency is whole days before now, never negative', () => {
    const now = Date.UTC(2026, 2, 1);
    const [a, b] = scoreCustomers([
      { profileId: 'a', orders: 1, revenue: 10, lastOrderAt: now - 2.5 * DAY_MS },
      { profileId: 'b', orders: 1, revenue: 10, lastOrderAt: now + DAY_MS },
    ], now);
    assert.deepEqual([a?.recencyDays, b?.recencyDays], [2, 0]);
  });
});

const NOW = Date.UTC(2026, 2, 1, 12);

/** Ten customers: days since their last order, how many orders, and the price of each. */
const CUSTOMERS: { user: string; days: number; orders: number; each: number; expect: { score: string; group: string } }[] = [
  { user: 'c1', days: 1, orders: 10, each: 50, expect: { score: '553', group: 'champions' } },
  { user: 'c2', days: 3, orders: 2, each: 1000, expect: { score: '515', group: 'new' } },
  { user: 'c3', days: 10, orders: 4, each: 10, expect: { score: '422', group: 'potential_loyalist' } },
  { user: 'c4', days: 20, orders: 8, each: 100, expect: { score: '444', group: 'loyal' } },
  { user: 'c5', days: 40, orders: 6, each: 20, expect: { score: '333', group: 'need_attention' } },
  { user: 'c6', days: 60, orders: 1, each: 30, expect: { score: '312', group: 'about_to_sleep' } },
  { user: 'c7', days: 100, orders: 5, each: 300, expect: { score: '234', group: 'at_risk' } },
  { user: 'c8', days: 150, orders: 3, each: 5, expect: { score: '221', group: 'hibernating' } },
  { user: 'c9', days: 300, orders: 9, each: 200, expect: { score: '155', group: 'cannot_lose' } },
  { user: 'c10', days: 400, orders: 7, each: 1, expect: { score: '141', group: 'at_risk' } },
];

for (const dialect of testDialects()) {
  describe(`RFM (${dialect})`, () => {
    const clock = manualClock(NOW);
    let t: TestNudge;
    let ws: string;
    const profileIds = new Map<string, string>();
    const secret = () => ({ authorization: `Bearer ${t.workspace.secretKey}` });
    const traitsOf = async (user: string) => t.nudge.computedTraits.forProfile(ws, profileIds.get(user) ?? '');
    let n = 0;
    const order = (user: string, placedAt: number, total: number): OrderRow => ({
      orderId: `o-${++n}`,
      profileId: profileIds.get(user) ?? '',
      total,
      currency: 'CNY',
      placedAt,
      source: 'import',
      lines: [],
    });

    before(async () => {
      t = await createTestNudge(dialect, { clock });
      ws = t.workspace.id;
      const users = ['c0', ...CUSTOMERS.map((c) => c.user)];
      await t.nudge.ingest.ingest(ws, users.map((u) => ({ type: 'identify', userId: u, traits: { name: u }, messageId: `id-${u}` })));
      await t.nudge.ingest.flush();
      for (const u of users) profileIds.set(u, (await t.nudge.profiles.get(ws, u)).id);
      const orders = CUSTOMERS.flatMap((c) => Array.from({ length: c.orders }, (_, k) => order(c.user, NOW - (c.days + 7 * k) * DAY_MS, c.each)));
      await withTransaction(t.nudge.database.db, (trx) => t.nudge.profiles.addOrders(trx, ws, orders));
    });
    after(async () => t.cleanup());

    test('a known set of customers gets exactly the expected scores, groups and figures, as computed traits', async () => {
      const before = await t.app.inject({ method: 'GET', url: '/api/v1/rfm', headers: secret() });
      assert.deepEqual([before.json().computedAt, before.json().customers, before.json().cells.length], [null, 0, 25], 'nothing computed yet');

      const result = await t.nudge.rfm.compute(ws);
      assert.deepEqual(result, { customers: 10, changedProfiles: 10, computedAt: new Date(NOW).toISOString() });
      for (const c of CUSTOMERS) {
        const traits = await traitsOf(c.user);
        const [r, f, m] = c.expect.score.split('').map(Number);
        assert.deepEqual(
          traits,
          { rfm_recency: r, rfm_frequency: f, rfm_monetary: m, rfm_score: c.expect.score, rfm_group: c.expect.group, recency_days: c.days, order_count: c.orders, total_revenue: c.orders * c.each },
          c.user,
        );
      }
      assert.deepEqual(await traitsOf('c0'), {}, 'a profile without orders is not scored');
      const defs = (await t.nudge.computedTraits.definitions(ws)).filter((d) => d.source === 'rfm');
      assert.equal(defs.length, 8);
      assert.deepEqual(defs.find((d) => d.key === 'rfm_group')?.values, [...RfmGroupId.options]);
      const profile = (await t.app.inject({ method: 'GET', url: '/api/v1/profiles/c1', headers: secret() })).json();
      assert.equal(profile.computedTraits.rfm_group, 'champions');
    });

    test('GET /api/v1/rfm: 25 cells and 11 groups with counts, revenue and shares', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/rfm', headers: secret() });
      assert.equal(res.statusCode, 200);
      const report = RfmReport.parse(res.json());
      assert.equal(report.computedAt, new Date(NOW).toISOString());
      assert.deepEqual([report.customers, report.revenue], [10, 6812]);
      assert.deepEqual(report.cells.map((c) => `${c.r}${c.f}`).slice(0, 6), ['51', '52', '53', '54', '55', '41']);
      const cell = (r: number, f: number) => report.cells.find((c) => c.r === r && c.f === f);
      assert.deepEqual(cell(5, 5), { r: 5, f: 5, count: 1, revenue: 500, avgMonetary: 500, group: 'champions' });
      assert.deepEqual(cell(1, 4), { r: 1, f: 4, count: 1, revenue: 7, avgMonetary: 7, group: 'at_risk' });
      assert.deepEqual(cell(1, 1), { r: 1, f: 1, count: 0, revenue: 0, avgMonetary: 0, group: 'lost' });
      assert.equal(report.cells.reduce((a, c) => a + c.count, 0), 10);
      assert.deepEqual(report.groups.map((g) => g.id), [...RfmGroupId.options]);
      const group = (id: string) => report.groups.find((g) => g.id === id);
      assert.deepEqual(group('at_risk'), { id: 'at_risk', label: { en: 'At risk', zh: '流失风险客户' }, count: 2, revenue: 1507, share: 0.2 });
      assert.deepEqual([group('champions')?.count, group('champions')?.revenue, group('lost')?.count], [1, 500, 0]);
    });

    test('as time passes and others keep buying, a champion who stopped becomes one we cannot lose', async () => {
      clock.advance(30 * DAY_MS);
      const now = clock.now();
      const buyers = ['c5', 'c6', 'c7', 'c8', 'c9', 'c10'];
      await withTransaction(t.nudge.database.db, (trx) => t.nudge.profiles.addOrders(trx, ws, buyers.map((u) => order(u, now, CUSTOMERS.find((c) => c.user === u)?.each ?? 0))));
      const jobId = await t.nudge.rfm.recompute(ws);
      await t.nudge.queue.drain();
      const job = await t.nudge.queue.get(jobId);
      assert.deepEqual([job?.status, job?.progress], ['done', 1]);
      const c1 = await traitsOf('c1');
      // c1: 31 days; the six who bought today tie at the top (all R5); 3 of 10 are further back → R2; still the most orders → F5.
      assert.deepEqual([c1.recency_days, c1.rfm_recency, c1.rfm_frequency, c1.rfm_group], [31, 2, 5, 'cannot_lose']);
      for (const u of buyers) assert.deepEqual([(await traitsOf(u)).recency_days, (await traitsOf(u)).rfm_recency], [0, 5], `${u} ties with the other buyers`);
      // c6 now has 2 orders, tied with c2 at the bottom (F1), and bought today.
      assert.deepEqual([(await traitsOf('c6')).rfm_frequency, (await traitsOf('c6')).rfm_group], [1, 'new']);
      assert.deepEqual([(await traitsOf('c3')).rfm_frequency, (await traitsOf('c8')).rfm_frequency], [2, 2], 'a tie in the middle shares one score');
      clock.set(NOW);
    });

    test('roles and workspaces: a viewer reads but cannot recompute; a member can; each workspace sees its own', async () => {
      const login = async (email: string, role: 'viewer' | 'member') => {
        const user = await t.nudge.auth.createUser({ email, name: role, password: `${role} password` });
        await t.nudge.auth.addMember(user.id, ws, role, 'test');
        const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: `${role} password` } });
        return { cookie: String(res.headers['set-cookie']).split(';')[0] ?? '', 'x-nudge-workspace': ws };
      };
      const viewer = await login('viewer@example.test', 'viewer');
      const member = await login('member@example.test', 'member');
      assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/rfm', headers: viewer })).json().customers, 10);
      const refused = await t.app.inject({ method: 'POST', url: '/api/v1/rfm/recompute', headers: viewer });
      assert.equal(refused.statusCode, 403);
      assert.equal(refused.json().error.code, 'AUTH_FORBIDDEN');

      const accepted = await t.app.inject({ method: 'POST', url: '/api/v1/rfm/recompute', headers: member });
      assert.equal(accepted.statusCode, 202);
      const { jobId } = accepted.json<{ jobId: string }>();
      const again = await t.app.inject({ method: 'POST', url: '/api/v1/rfm/recompute', headers: member });
      assert.equal(again.json().jobId, jobId, 'a recompute already waiting is not queued twice');
      await t.nudge.queue.drain();
      const job = await t.app.inject({ method: 'GET', url: `/api/v1/jobs/${jobId}`, headers: viewer });
      assert.equal(job.statusCode, 200);
      assert.deepEqual([job.json().status, job.json().queue, job.json().progress, job.json().result.customers], ['done', RFM_QUEUE, 1, 10]);
      const list = (await t.app.inject({ method: 'GET', url: `/api/v1/jobs?queue=${RFM_QUEUE}`, headers: viewer })).json();
      assert.ok(list.items.some((j: { id: string }) => j.id === jobId));

      const other = await t.nudge.workspaces.create({ name: 'Other shop', actor: 'test' });
      const otherAuth = { authorization: `Bearer ${other.secretKey}` };
      const otherReport = (await t.app.inject({ method: 'GET', url: '/api/v1/rfm', headers: otherAuth })).json();
      assert.deepEqual([otherReport.computedAt, otherReport.customers, otherReport.groups.length], [null, 0, 11]);
      assert.equal((await t.app.inject({ method: 'GET', url: `/api/v1/jobs/${jobId}`, headers: otherAuth })).statusCode, 404, "another workspace's job does not exist");
      assert.deepEqual((await t.app.inject({ method: 'GET', url: '/api/v1/jobs', headers: otherAuth })).json().items, []);
    });

    test('an orders import queues a recompute', async () => {
      const csv = ['order_id,user_id,placed_at,currency,product_id,quantity,price', 'imp-1,c0,2026-02-20T10:00:00Z,CNY,sku-1,1,99'].join('\n');
      const job = await t.nudge.imports.run(ws, { kind: 'orders', mode: 'valid_rows', fileName: 'orders.csv' }, Readable.from([Buffer.from(csv)]), 'test');
      assert.equal(job.rowsImported, 1);
      // The recompute is enqueued as the import finishes, not awaited by it: wait for it to land and run.
      for (let i = 0; i < 200 && (await traitsOf('c0')).order_count === undefined; i++) {
        await t.nudge.queue.drain();
        await new Promise((r) => setTimeout(r, 10));
      }
      assert.equal((await traitsOf('c0')).order_count, 1, 'the new customer is scored');
    });
  });
}
