import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDialects } from '../db/testing.js';
import { createTestNudge, type TestNudge } from '../testing/nudge.testing.js';

for (const dialect of testDialects()) {
  describe(`profiles and catalog API (${dialect})`, () => {
    let t: TestNudge;
    const auth = () => ({ authorization: `Bearer ${t.workspace.secretKey}` });
    before(async () => {
      t = await createTestNudge(dialect);
      const events: unknown[] = [];
      for (let i = 0; i < 30; i++) {
        events.push({ type: 'identify', userId: `c${i}`, traits: { email: `Person${i}@Example.com`, name: i === 7 ? '王小明' : `Person ${i}`, plan: i % 3 === 0 ? 'gold' : 'free' }, timestamp: new Date(Date.UTC(2026, 0, 1 + i)).toISOString(), messageId: `id-${i}` });
      }
      for (let i = 0; i < 120; i++) events.push({ type: 'track', userId: 'c1', event: `Step ${i}`, timestamp: new Date(Date.UTC(2026, 1, 1, 0, i)).toISOString(), messageId: `ev-${i}` });
      await t.nudge.ingest.ingest(t.workspace.id, events);
      await t.nudge.ingest.flush();
      await t.nudge.catalog.upsert(null, t.workspace.id, [
        { id: 'sku-1', type: 'product', name: 'Green tea', names: { zh: '绿茶', en: 'Green tea' }, description: '', descriptions: {}, categories: ['Food', 'Tea'], price: 39, currency: 'CNY', inStock: true, language: 'en', url: null, imageUrl: null, brand: 'Leaf', attributes: {} },
        { id: 'sku-2', type: 'product', name: '保温杯', names: { zh: '保温杯', en: 'Thermos' }, description: '', descriptions: {}, categories: ['Home'], price: 129, currency: 'CNY', inStock: false, language: 'zh', url: null, imageUrl: null, brand: null, attributes: { color: 'red' } },
      ]);
    });
    after(async () => t.cleanup());

    const get = (url: string) => t.app.inject({ method: 'GET', url, headers: auth() });

    test('list is paged, newest activity first, with the total', async () => {
      const page1 = (await get('/api/v1/profiles?limit=10')).json();
      assert.equal(page1.total, 30);
      assert.equal(page1.items.length, 10);
      assert.equal(page1.items[0].userId, 'c1', 'c1 was active last');
      const page3 = (await get('/api/v1/profiles?limit=10&offset=20')).json();
      assert.equal(page3.items.length, 10);
      const ids = new Set([...page1.items, ...page3.items].map((p: { id: string }) => p.id));
      assert.equal(ids.size, 20);
    });

    test('search by email (any case), name (Chinese too), user id; filter by trait', async () => {
      assert.deepEqual((await get('/api/v1/profiles?q=person12%40example')).json().items.map((p: { userId: string }) => p.userId), ['c12']);
      assert.deepEqual((await get(`/api/v1/profiles?q=${encodeURIComponent('小明')}`)).json().items.map((p: { userId: string }) => p.userId), ['c7']);
      assert.deepEqual((await get('/api/v1/profiles?q=c29')).json().items.map((p: { userId: string }) => p.userId), ['c29']);
      const gold = (await get('/api/v1/profiles?trait=plan:gold&limit=100')).json();
      assert.equal(gold.total, 10);
      const bad = await get('/api/v1/profiles?trait=nocolon');
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.json().error.code, 'PROFILE_INVALID_TRAIT_FILTER');
      const badLimit = await get('/api/v1/profiles?limit=5000');
      assert.equal(badLimit.statusCode, 400);
      assert.equal(badLimit.json().error.code, 'VALIDATION_FAILED');
      assert.equal(badLimit.json().error.field, 'querystring.limit');
    });

    test('a profile by id, userId or email; the timeline pages back to the start', async () => {
      const byEmail = (await get('/api/v1/profiles/person1%40example.com')).json();
      const byId = (await get(`/api/v1/profiles/${byEmail.id}`)).json();
      assert.equal(byId.userId, 'c1');
      assert.equal(byId.events.length, 50);
      assert.equal(byId.eventCount, 121);
      const seen = new Set<string>();
      let before: string | null = null;
      for (let guard = 0; guard < 10; guard++) {
        const page: { items: { messageId: string }[]; nextBefore: string | null } = (await get(`/api/v1/profiles/c1/events?limit=50${before ? `&before=${encodeURIComponent(before)}` : ''}`)).json();
        for (const e of page.items) seen.add(e.messageId);
        before = page.nextBefore;
        if (!before) break;
      }
      assert.equal(seen.size, 121);
      assert.equal((await get('/api/v1/profiles/nobody')).statusCode, 404);
    });

    test('catalog: search zh/en names, filter by category, one item', async () => {
      assert.deepEqual((await get(`/api/v1/catalog?q=${encodeURIComponent('绿茶')}`)).json().items.map((p: { id: string }) => p.id), ['sku-1']);
      assert.deepEqual((await get('/api/v1/catalog?q=thermos')).json().items.map((p: { id: string }) => p.id), ['sku-2']);
      assert.deepEqual((await get('/api/v1/catalog?category=Home')).json().items.map((p: { id: string }) => p.id), ['sku-2']);
      const item = (await get('/api/v1/catalog/sku-2')).json();
      assert.deepEqual([item.inStock, item.attributes.color, item.names.en], [false, 'red', 'Thermos']);
      assert.equal((await get('/api/v1/catalog/missing')).statusCode, 404);
    });

    test('overview: totals and a zero-filled daily series', async () => {
      const o = (await get('/api/v1/overview?days=7')).json();
      assert.equal(o.series.length, 7);
      assert.equal(o.totals.profiles, 30);
      assert.equal(o.totals.events, 150);
      assert.equal(o.totals.products, 2);
    });
  });
}
