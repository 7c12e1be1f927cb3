import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDialects } from '../db/testing.js';
import { manualClock } from '../platform/clock.js';
import { createTestNudge, type TestNudge } from '../testing/nudge.testing.js';
import type { SegmentNodeInput, SegmentTransition } from './segment.schema.js';

const DAY = 86_400_000;
const START = Date.UTC(2026, 5, 1, 12);

for (const dialect of testDialects()) {
  describe(`segments API and live membership (${dialect})`, () => {
    let t: TestNudge;
    const clock = manualClock(START);
    const transitions: SegmentTransition[] = [];
    const auth = () => ({ authorization: `Bearer ${t.workspace.secretKey}` });
    const api = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) => {
      const res = await t.app.inject({ method, url, headers: auth(), ...(payload !== undefined ? { payload: payload as object } : {}) });
      return { status: res.statusCode, body: res.body ? (String(res.headers['content-type'] ?? '').includes('json') ? res.json() : res.body) : null };
    };
    /** Everything accepted so far is on profiles, and every segment job has run. */
    const settle = async () => {
      await t.nudge.ingest.flush();
      await t.nudge.segments.live.flush();
      await t.nudge.queue.drain();
    };
    const track = (userId: string, event: string, at: number, properties: Record<string, unknown> = {}) => ({ type: 'track', userId, event, properties, timestamp: new Date(at).toISOString() });
    const create = async (name: string, root: SegmentNodeInput) => {
      const res = await api('POST', '/api/v1/segments', { name, definition: { root } });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      await settle();
      return res.body as { id: string };
    };
    const memberUserIds = async (id: string) => {
      const res = await api('GET', `/api/v1/segments/${id}/members?limit=200`);
      return (res.body as { items: { userId: string }[] }).items.map((m) => m.userId).sort();
    };

    before(async () => {
      t = await createTestNudge(dialect, { clock });
      t.nudge.segments.engine.onTransition((list) => transitions.push(...list));
      const events: unknown[] = [];
      for (let i = 0; i < 12; i++) {
        events.push({ type: 'identify', userId: `u${i}`, traits: { email: `u${i}@example.com`, plan: i % 3 === 0 ? 'gold' : 'free', age: 20 + i, city: i % 2 ? '上海' : 'Beijing' }, timestamp: new Date(START - 40 * DAY).toISOString() });
        for (let k = 0; k < i % 4; k++) events.push(track(`u${i}`, 'Order Completed', START - (k * 12 + 1) * DAY, { order_id: `o-${i}-${k}`, total: 100 * (k + 1), currency: 'CNY' }));
      }
      await t.nudge.ingest.ingest(t.workspace.id, events);
      await settle();
    });
    after(async () => t.cleanup());

    test('a saved segment is computed in the background and lists its members', async () => {
      const gold = await create('Gold', { kind: 'trait', key: 'plan', op: 'equals', value: 'gold' });
      assert.deepEqual(await memberUserIds(gold.id), ['u0', 'u3', 'u6', 'u9']);
      const seg = (await api('GET', `/api/v1/segments/${gold.id}`)).body as { memberCount: number; compute: { state: string; membershipVersion: number } };
      assert.equal(seg.memberCount, 4);
      assert.equal(seg.compute.state, 'ready');
      assert.equal(seg.compute.membershipVersion, 1);
      const search = (await api('GET', `/api/v1/segments/${gold.id}/members?q=u3%40example.com`)).body as { total: number };
      assert.equal(search.total, 1);
    });

    test('preview counts a draft without saving it and samples members', async () => {
      const res = await api('POST', '/api/v1/segments/preview', { definition: { root: { kind: 'event', event: { name: 'Order Completed' }, count: { op: '>=', value: 2 } } }, sample: 3 });
      assert.equal(res.status, 200);
      const body = res.body as { count: number; population: number; sample: unknown[]; exact: boolean };
      // i % 4 ∈ {2, 3}: u2 u3 u6 u7 u10 u11
      assert.equal(body.count, 6);
      assert.equal(body.population, 12);
      assert.equal(body.sample.length, 3);
      assert.equal(body.exact, true);
    });

    test('a new event moves a customer into a segment live, with a recorded entry', async () => {
      const buyers = await create('Bought in the last 30 days', { kind: 'event', event: { name: 'Order Completed' }, window: { kind: 'last', amount: 30, unit: 'days' } });
      const before = await memberUserIds(buyers.id);
      assert.ok(!before.includes('u4'));
      transitions.length = 0;
      await t.nudge.ingest.ingest(t.workspace.id, [track('u4', 'Order Completed', START, { order_id: 'o-live', total: 50, currency: 'CNY' })]);
      await settle();
      assert.ok((await memberUserIds(buyers.id)).includes('u4'));
      assert.ok(transitions.some((x) => x.segmentId === buyers.id && x.kind === 'entered'));
      const history = (await api('GET', `/api/v1/segments/${buyers.id}/history`)).body as { flows: { entered: number }[]; sizes: unknown[] };
      assert.ok(history.sizes.length >= 1);
      assert.ok(history.flows.reduce((s, f) => s + f.entered, 0) >= before.length + 1);
    });

    test('time passing moves customers out of a relative window without any new event', async () => {
      const recent = await create('Ordered within 5 days', { kind: 'event', event: { name: 'Order Completed' }, window: { kind: 'last', amount: 5, unit: 'days' } });
      const now = await memberUserIds(recent.id);
      assert.ok(now.includes('u4'), 'u4 ordered just now');
      clock.advance(6 * DAY);
      transitions.length = 0;
      await t.nudge.segments.live.sweep();
      await settle();
      assert.ok(!(await memberUserIds(recent.id)).includes('u4'));
      assert.ok(transitions.some((x) => x.segmentId === recent.id && x.kind === 'exited'));
      clock.set(START);
    });

    test('editing recomputes in the background; the old membership stays readable meanwhile', async () => {
      const seg = await create('Adults 25+', { kind: 'trait', key: 'age', op: 'gte', value: 25 });
      assert.equal((await memberUserIds(seg.id)).length, 7);
      const res = await api('PUT', `/api/v1/segments/${seg.id}`, { definition: { root: { kind: 'trait', key: 'age', op: 'gte', value: 30 } } });
      assert.equal(res.status, 200);
      const during = res.body as { version: number; memberCount: number; compute: { membershipVersion: number } };
      assert.equal(during.version, 2);
      assert.ok(during.compute.membershipVersion <= 2);
      await settle();
      const afterEdit = (await api('GET', `/api/v1/segments/${seg.id}`)).body as { memberCount: number; compute: { membershipVersion: number; state: string } };
      assert.equal(afterEdit.compute.membershipVersion, 2);
      assert.equal(afterEdit.compute.state, 'ready');
      assert.equal(afterEdit.memberCount, 2);
    });

    test('segments of segments, overlap, CSV export, and in-use segments cannot be deleted', async () => {
      const gold = await create('Gold again', { kind: 'trait', key: 'plan', op: 'equals', value: 'gold' });
      const shanghai = await create('Shanghai', { kind: 'trait', key: 'city', op: 'equals', value: '上海' });
      const both = await create('Gold in Shanghai', { kind: 'and', conditions: [{ kind: 'segment', segmentId: gold.id }, { kind: 'segment', segmentId: shanghai.id }] });
      assert.deepEqual(await memberUserIds(both.id), ['u3', 'u9']);
      const overlap = (await api('GET', `/api/v1/segments/overlap?a=${gold.id}&b=${shanghai.id}`)).body as { both: number; onlyA: number; onlyB: number };
      assert.deepEqual([overlap.both, overlap.onlyA, overlap.onlyB], [2, 2, 4]);
      const csv = await api('GET', `/api/v1/segments/${both.id}/members.csv`);
      assert.equal(csv.status, 200);
      const lines = String(csv.body).trim().split('\n');
      assert.equal(lines[0], 'profile_id,user_id,email,phone,name,first_seen_at,last_seen_at,event_count,entered_at');
      assert.equal(lines.length, 3);
      const del = await api('DELETE', `/api/v1/segments/${gold.id}`);
      assert.equal(del.status, 409);
      assert.equal((del.body as { error: { code: string } }).error.code, 'SEGMENT_IN_USE');
      assert.equal((await api('DELETE', `/api/v1/segments/${both.id}`)).status, 204);
      assert.equal((await api('GET', `/api/v1/segments/${both.id}`)).status, 404);
      const cyc = await api('PUT', `/api/v1/segments/${gold.id}`, { definition: { root: { kind: 'segment', segmentId: gold.id } } });
      assert.equal(cyc.status, 400);
      assert.equal((cyc.body as { error: { code: string } }).error.code, 'SEGMENT_CYCLE');
    });

    test('a bad definition is refused with its code and JSON path, and nothing is saved', async () => {
      const before = ((await api('GET', '/api/v1/segments')).body as { items: unknown[] }).items.length;
      const res = await api('POST', '/api/v1/segments', { name: 'Bad', definition: { root: { kind: 'and', conditions: [{ kind: 'trait', key: 'plan', op: 'equals', value: 'gold' }, { kind: 'trait', key: 'plan', op: 'resembles', value: 'x' }] } } });
      assert.equal(res.status, 400);
      const err = (res.body as { error: { code: string; field: string } }).error;
      assert.equal(err.code, 'SEGMENT_INVALID_OPERATOR');
      assert.equal(err.field, 'definition.root.conditions[1].op');
      assert.equal(((await api('GET', '/api/v1/segments')).body as { items: unknown[] }).items.length, before);
    });

    test('the field catalog offers traits with types and events with property paths', async () => {
      const fields = (await api('GET', '/api/v1/segments/fields')).body as { traits: { key: string; type: string }[]; events: { name: string; properties: { path: string; type: string }[] }[] };
      assert.equal(fields.traits.find((x) => x.key === 'age')?.type, 'number');
      assert.equal(fields.traits.find((x) => x.key === 'plan')?.type, 'string');
      const orders = fields.events.find((e) => e.name === 'Order Completed');
      assert.equal(orders?.properties.find((p) => p.path === 'total')?.type, 'number');
    });

    test("another workspace cannot see this workspace's segments", async () => {
      const gold = await create('Private', { kind: 'trait', key: 'plan', op: 'equals', value: 'gold' });
      const other = await t.nudge.workspaces.create({ name: 'Other', actor: 'test' });
      const res = await t.app.inject({ method: 'GET', url: `/api/v1/segments/${gold.id}`, headers: { authorization: `Bearer ${other.secretKey}` } });
      assert.equal(res.statusCode, 404);
      const list = await t.app.inject({ method: 'GET', url: '/api/v1/segments', headers: { authorization: `Bearer ${other.secretKey}` } });
      assert.equal(list.json().items.length, 0);
    });
  });
}
