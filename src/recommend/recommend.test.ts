import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDialects } from '../db/testing.js';
import { manualClock } from '../platform/clock.js';
import { createTestNudge, type TestNudge } from '../testing/nudge.testing.js';
import { buildCooccurrence, boughtTogether } from './cooccurrence.js';
import { ModelList, RecommendationList } from './recommend.schema.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 2, 1, 12);

/** Two tastes: tea people (t1–t4 with t5 rarely) and coffee people (c1–c4); p0 is out of stock. */
const PRODUCTS = [
  ...['t1', 't2', 't3', 't4', 't5'].map((id) => ({ id, name: `Tea ${id}`, names: { en: `Tea ${id}`, zh: `茶 ${id}` }, categories: ['Tea'], price: 50, url: `https://shop.test/p/${id}` })),
  ...['c1', 'c2', 'c3', 'c4'].map((id) => ({ id, name: `Coffee ${id}`, names: { en: `Coffee ${id}`, zh: `咖啡 ${id}` }, categories: ['Coffee'], price: 80, url: `https://shop.test/p/${id}` })),
  { id: 'p0', name: 'Gone', categories: ['Tea'], price: 10, inStock: false },
];

function shopEvents(): unknown[] {
  const events: unknown[] = [];
  const at = (d: number) => new Date(NOW - d * DAY).toISOString();
  for (let u = 0; u < 40; u++) {
    const tea = u % 2 === 0;
    const items = tea ? ['t1', 't2', 't3', 't4'] : ['c1', 'c2', 'c3', 'c4'];
    const userId = `u${u}`;
    for (const [k, id] of items.entries()) if ((u + k) % 4 !== 0) events.push({ type: 'track', userId, event: 'Product Viewed', properties: { product_id: id }, timestamp: at(10 - k) });
    events.push({ type: 'track', userId, event: 'Product Viewed', properties: { product_id: 'p0' }, timestamp: at(3) });
    events.push({ type: 'track', userId, event: 'Order Completed', properties: { order_id: `o${u}`, products: [{ product_id: items[0], price: 50, quantity: 1 }, { product_id: items[1], price: 50, quantity: 1 }] }, timestamp: at(2) });
  }
  return events;
}

describe('co-occurrence (pure)', () => {
  test('pairs below the support threshold are dropped; lift ranks the rest', () => {
    const co = buildCooccurrence([[0, 1], [0, 1], [0, 2], [1, 2], [3]], 4, { minSupport: 2 });
    const found = boughtTogether(co, [0], 5);
    assert.deepEqual(found.map((b) => b.item), [1]);
    assert.equal(found[0]?.support, 2);
    // n01·N / (n0·n1) = 2·5 / (3·3)
    assert.ok(Math.abs((found[0]?.lift ?? 0) - 10 / 9) < 1e-6);
  });
});

for (const dialect of testDialects()) {
  describe(`recommendations (${dialect})`, () => {
    let t: TestNudge;
    let other: { id: string; secretKey: string };
    const secret = () => ({ authorization: `Bearer ${t.workspace.secretKey}` });
    const get = async (url: string, headers = secret()) => t.app.inject({ method: 'GET', url, headers });

    before(async () => {
      t = await createTestNudge(dialect, { clock: manualClock(NOW) });
      await t.nudge.catalog.upsert(null, t.workspace.id, PRODUCTS.map((p) => ({ type: 'product' as const, names: {}, description: '', descriptions: {}, currency: 'CNY', inStock: true, language: 'en', url: null, imageUrl: null, brand: null, attributes: {}, ...p })));
      await t.nudge.ingest.ingest(t.workspace.id, shopEvents(), { pathPrefix: 'batch' });
      await t.nudge.ingest.flush();
      const w = await t.nudge.workspaces.create({ name: 'Other shop', actor: 'test' });
      other = { id: w.workspace.id, secretKey: w.secretKey };
    });
    after(async () => t?.cleanup());

    test('before any training, an unknown customer gets in-stock catalog items as popular, never a 500', async () => {
      const res = await get('/v1/recommendations/nobody?n=3');
      assert.equal(res.statusCode, 200);
      const list = RecommendationList.parse(res.json());
      assert.equal(list.source, 'popularity');
      assert.equal(list.items.length, 3);
      assert.ok(list.items.every((i) => i.productId !== 'p0' && i.reason.kind.startsWith('popular')));
    });

    test('train now runs as a job with progress; versions are stored with metrics and one is promoted', async () => {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/recommendations/train', headers: secret(), payload: {} });
      assert.equal(res.statusCode, 202);
      const { jobId } = res.json() as { jobId: string };
      t.nudge.queue.start();
      await t.nudge.queue.drain();
      const job = await t.nudge.queue.get(jobId);
      assert.equal(job?.status, 'done', job?.error ?? '');
      assert.equal(job?.progress, 1);
      const list = ModelList.parse((await get('/api/v1/recommendations/models')).json());
      const algorithms = list.items.map((m) => m.algorithm);
      for (const a of ['popularity', 'itemknn', 'hybrid'] as const) assert.ok(algorithms.includes(a), `${a} trained`);
      assert.equal(list.items.filter((m) => m.promoted).length, 1);
      assert.equal(list.runs[0]?.status, 'done');
      assert.equal(list.runs[0]?.customers, 40);
      assert.ok(list.items.every((m) => m.metrics.k === 10 && m.metrics.users > 0));
      const hybrid = list.items.find((m) => m.algorithm === 'hybrid');
      assert.ok(hybrid);
      const promoted = ModelList.parse((await t.app.inject({ method: 'POST', url: `/api/v1/recommendations/models/${hybrid.id}/promote`, headers: secret() })).json());
      assert.equal(promoted.promotedId, hybrid.id);
    });

    test('a known customer gets items of their taste with a reason in both languages; purchased and out-of-stock items are left out', async () => {
      const list = RecommendationList.parse((await get('/v1/recommendations/u0?n=3')).json());
      assert.equal(list.source, 'model');
      assert.equal(list.profileId !== null, true);
      const ids = list.items.map((i) => i.productId);
      assert.ok(!ids.includes('t1') && !ids.includes('t2'), 'bought items are excluded');
      assert.ok(!ids.includes('p0'), 'out of stock is excluded');
      assert.ok(ids[0]?.startsWith('t'), `a tea first, got ${ids.join(',')}`);
      const reason = list.items[0]!.reason;
      assert.ok(['viewed', 'purchased', 'carted', 'for_you', 'bought_together'].includes(reason.kind));
      assert.ok(reason.text.en.length > 0 && reason.text.zh.length > 0);
      assert.match(list.items[0]!.url ?? '', new RegExp(`nrec=${list.slotId}`));
    });

    test('rules: diversity cap, category and price filters, boost and bury', async () => {
      await t.app.inject({ method: 'PUT', url: '/api/v1/recommendations/settings', headers: secret(), payload: { rules: { excludePurchased: true, inStockOnly: true, maxPerCategory: 1, boost: ['c4'], bury: [], attributionDays: 7 } } });
      const capped = RecommendationList.parse((await get('/v1/recommendations/u0?n=3')).json());
      assert.equal(capped.items[0]?.productId, 'c4', 'boosted first');
      assert.equal(capped.items[0]?.reason.kind, 'boosted');
      // Two categories and at most one from each: two items, however many were asked for.
      const cats = capped.items.map((i) => i.category);
      assert.deepEqual(cats.sort(), ['Coffee', 'Tea']);
      const coffee = RecommendationList.parse((await get('/v1/recommendations/u0?n=5&category=Coffee&maxPrice=100')).json());
      assert.ok(coffee.items.every((i) => i.category === 'Coffee'));
      await t.app.inject({ method: 'PUT', url: '/api/v1/recommendations/settings', headers: secret(), payload: { rules: { maxPerCategory: null, boost: [], bury: ['t3', 't4'] } } });
      const buried = RecommendationList.parse((await get('/v1/recommendations/u0?n=9')).json());
      const last = buried.items.slice(-2).map((i) => i.productId).sort();
      assert.deepEqual(last, ['t3', 't4']);
    });

    test('similar items, bought together, sessions; unknown items get popular items', async () => {
      const similar = RecommendationList.parse((await get('/v1/items/t1/similar?n=2')).json());
      assert.equal(similar.items[0]?.reason.kind, 'similar');
      assert.equal(similar.items[0]?.reason.productId, 't1');
      const together = (await get('/v1/items/c1/bought-together?n=2')).json() as { items: { productId: string; support: number; lift: number; reason: { kind: string } }[] };
      assert.equal(together.items[0]?.productId, 'c2');
      assert.ok((together.items[0]?.support ?? 0) >= 2 && (together.items[0]?.lift ?? 0) > 1);
      const unknown = RecommendationList.parse((await get('/v1/items/nope/similar?n=2')).json());
      assert.equal(unknown.source, 'popularity');
      const session = RecommendationList.parse((await t.app.inject({ method: 'POST', url: '/v1/recommendations/session', headers: secret(), payload: { items: ['c1'], n: 2 } })).json());
      assert.equal(session.source, 'model');
      assert.ok(session.items.every((i) => i.productId !== 'c1'));
    });

    test('bad input gets a stable code and the field; other workspaces see nothing of this one', async () => {
      const range = await get('/v1/recommendations/u0?minPrice=10&maxPrice=5');
      assert.equal(range.statusCode, 400);
      assert.deepEqual([range.json().error.code, range.json().error.field], ['RECOMMEND_INVALID_PRICE_RANGE', 'maxPrice']);
      const n = await get('/v1/recommendations/u0?n=0');
      assert.equal(n.json().error.code, 'VALIDATION_FAILED');
      const bad = await t.app.inject({ method: 'PUT', url: '/api/v1/recommendations/settings', headers: secret(), payload: { rules: { boost: ['x'], bury: ['x'] } } });
      assert.deepEqual([bad.statusCode, bad.json().error.code], [400, 'RECOMMEND_BOOST_AND_BURY']);
      assert.equal((await get('/v1/recommendations/u0')).statusCode, 200);
      const foreign = { authorization: `Bearer ${other.secretKey}` };
      const theirs = ModelList.parse((await get('/api/v1/recommendations/models', foreign)).json());
      assert.equal(theirs.items.length, 0);
      const promote = await t.app.inject({ method: 'POST', url: `/api/v1/recommendations/models/${(await t.nudge.recommendations.service.models(t.workspace.id)).items[0]!.id}/promote`, headers: foreign });
      assert.equal(promote.statusCode, 404);
      const anon = await t.app.inject({ method: 'GET', url: '/v1/recommendations/u0' });
      assert.equal(anon.statusCode, 401);
    });

    test('clicks on a slot link and purchases of a recommended item count in the online metrics', async () => {
      const list = RecommendationList.parse((await get('/v1/recommendations/u1?n=3')).json());
      const item = list.items[0]!;
      await t.nudge.recommendations.service.flush();
      await t.nudge.ingest.ingest(
        t.workspace.id,
        [
          { type: 'track', userId: 'u1', event: 'Product Clicked', properties: { product_id: item.productId, url: item.url }, timestamp: new Date(NOW).toISOString() },
          { type: 'track', userId: 'u1', event: 'Order Completed', properties: { order_id: 'o-rec', products: [{ product_id: item.productId, price: 80, quantity: 2 }] }, timestamp: new Date(NOW + 1000).toISOString() },
        ],
        { pathPrefix: 'batch' },
      );
      await t.nudge.ingest.flush();
      await t.nudge.recommendations.close();
      const m = (await get('/api/v1/recommendations/metrics?days=7')).json() as { total: { clicks: number; purchases: number; revenue: number; impressions: number; ctr: number } };
      assert.equal(m.total.clicks, 1);
      assert.equal(m.total.purchases, 1);
      assert.equal(m.total.revenue, 160);
      assert.ok(m.total.impressions >= 3 && m.total.ctr > 0);
    });

    test('{% recommend %} in a template shows the customer\'s recommendations', async () => {
      const profile = await t.nudge.profiles.get(t.workspace.id, 'u0', 0);
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/templates/preview',
        headers: secret(),
        payload: { profileId: profile.id, defaultLocale: 'en', body: { channel: 'sms', content: { en: { text: 'Hi {% recommend n: 2 %}' } } } },
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.match(res.json().text as string, /nrec=rs_/);
    });
  });
}

describe('too little data', () => {
  test('a workspace with a handful of events is told so and served popular items', async () => {
    const t = await createTestNudge('sqlite');
    try {
      await t.nudge.catalog.upsert(null, t.workspace.id, [{ id: 'a', type: 'product', name: 'A', names: {}, description: '', descriptions: {}, categories: [], price: 1, currency: 'CNY', inStock: true, language: 'en', url: null, imageUrl: null, brand: null, attributes: {} }]);
      await t.nudge.ingest.ingest(t.workspace.id, [{ type: 'track', userId: 'x', event: 'Product Viewed', properties: { product_id: 'a' } }], { pathPrefix: 'batch' });
      await t.nudge.ingest.flush();
      const result = await t.nudge.recommendations.trainNow(t.workspace.id);
      assert.equal(result.status, 'insufficient');
      const list = await t.nudge.recommendations.service.models(t.workspace.id);
      assert.deepEqual(list.items.map((m) => m.algorithm), ['popularity']);
      assert.match(list.runs[0]?.note ?? '', /Only 1 interactions/);
      const recs = await t.nudge.recommendations.service.recommend(t.workspace.id, 'x', { n: 3 });
      assert.equal(recs.source, 'popularity');
    } finally {
      await t.cleanup();
    }
  });
});
