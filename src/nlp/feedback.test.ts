import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDialects } from '../db/testing.js';
import { createRng } from '../ml/rng.js';
import { manualClock } from '../platform/clock.js';
import { createTestNudge, type TestNudge } from '../testing/nudge.testing.js';
import { trainClassifier } from './classifier.js';
import { classifierModels, MAX_TEXT_CHARS } from './enrich.js';
import { fixedModels } from './feedback.models.js';
import { FeedbackSummary, FeedbackTextList } from './feedback.schema.js';
import { SENTIMENT_OPTIONS } from './sentiment.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 10, 12);

/** A small synthetic review corpus (zh + en): aspect words with positive or negative words. */
function sentimentModel() {
  const rng = createRng('feedback-test');
  const pos = { en: ['great', 'excellent', 'fast', 'perfect', 'lovely', 'good'], zh: ['很好', '很快', '满意', '不错', '喜欢', '完美'] };
  const neg = { en: ['terrible', 'awful', 'slow', 'broken', 'bad', 'disappointing'], zh: ['很差', '太慢', '失望', '糟糕', '垃圾', '破损'] };
  const things = { en: ['delivery', 'quality', 'price', 'packaging', 'service', 'size'], zh: ['物流', '质量', '价格', '包装', '客服', '尺码'] };
  const texts: string[] = [];
  const labels: string[] = [];
  for (let i = 0; i < 600; i++) {
    const positive = rng.bernoulli(0.5);
    const words = positive ? pos : neg;
    if (rng.bernoulli(0.5)) texts.push(`${rng.pick(things.zh)}${rng.pick(words.zh)}`);
    else texts.push(`the ${rng.pick(things.en)} was ${rng.pick(words.en)}`);
    labels.push(positive ? 'positive' : 'negative');
  }
  const spamTexts = ['win a free prize now click here', 'free money claim your prize', 'click here to win cash', 'the delivery was fast', '质量很好', 'my order arrived'];
  const spamLabels = ['spam', 'spam', 'spam', 'ham', 'ham', 'ham'];
  return classifierModels({
    sentiment: trainClassifier(texts, labels, { ...SENTIMENT_OPTIONS, features: { bits: 16 } }),
    spam: trainClassifier([...spamTexts, ...spamTexts, ...spamTexts], [...spamLabels, ...spamLabels, ...spamLabels], { features: { bits: 14 }, minDf: 1, holdout: 0 }),
  });
}

const at = (daysAgo: number) => new Date(NOW - daysAgo * DAY).toISOString();
const review = (userId: string, messageId: string, text: unknown, daysAgo: number, event = 'Review Submitted', key = 'review_text') => ({
  type: 'track',
  userId,
  messageId,
  event,
  properties: { [key]: text, rating: 3 },
  timestamp: at(daysAgo),
});

for (const dialect of testDialects()) {
  describe(`feedback: enrichment on ingest, traits and the Feedback API (${dialect})`, () => {
    let t: TestNudge;
    let other: { id: string; secretKey: string };
    const secret = (key = t.workspace.secretKey) => ({ authorization: `Bearer ${key}` });
    const get = async (url: string, key?: string) => t.app.inject({ method: 'GET', url, headers: secret(key) });
    const settle = async () => {
      await t.nudge.ingest.flush();
      await t.nudge.feedback.close();
      await t.nudge.queue.drain();
    };

    before(async () => {
      t = await createTestNudge(dialect, { clock: manualClock(NOW), nlpModels: fixedModels(sentimentModel()) });
      const w = await t.nudge.workspaces.create({ name: 'Other shop', actor: 'test' });
      other = { id: w.workspace.id, secretKey: w.secretKey };
      t.nudge.queue.start();
      await t.nudge.ingest.ingest(
        t.workspace.id,
        [
          review('alice', 'r1', '物流很快，包装不错', 3),
          review('bob', 'r2', 'The delivery was terrible and slow', 2),
          review('bob', 'r3', 'the quality was excellent but the delivery was slow', 1),
          { type: 'track', userId: 'carol', messageId: 'c1', event: 'Chat Message', properties: { text: '客服很差，太慢' }, timestamp: at(1) },
          { type: 'track', userId: 'dave', messageId: 's1', event: 'Survey Answered', properties: { answer: 'win a free prize now click here' }, timestamp: at(1) },
          { type: 'track', userId: 'erin', messageId: 'x1', event: 'Product Viewed', properties: { text: 'not a review' }, timestamp: at(1) },
          review('frank', 'long', `the quality was good ${'x'.repeat(MAX_TEXT_CHARS + 500)}`, 1),
          // No U+0000: PostgreSQL's jsonb refuses it, so ingest would too (enrich.test.ts covers it).
          review('gina', 'bin', '\u0001\u0002\u0003\u0004\ufffd\ufffd\u0007\u0008<b>', 1),
          review('henry', 'num', 42, 1),
        ],
        { pathPrefix: 'batch' },
      );
      await t.nudge.ingest.ingest(other.id, [review('zed', 'z1', 'the delivery was terrible', 1)], { pathPrefix: 'batch' });
      await settle();
    });
    after(async () => t?.cleanup());

    test('each text-bearing event is analysed in the background: language, sentiment, aspects, keywords, spam', async () => {
      const res = await get('/api/v1/feedback/texts?days=30');
      assert.equal(res.statusCode, 200, res.body);
      const items = FeedbackTextList.parse(res.json()).items;
      const by = new Map(items.map((i) => [i.messageId, i]));
      // Product Viewed is not a feedback event; a number is not a text.
      assert.deepEqual([...by.keys()].sort(), ['bin', 'c1', 'long', 'r1', 'r2', 'r3', 's1']);
      const r1 = by.get('r1')!;
      assert.equal(r1.language, 'zh');
      assert.equal(r1.sentiment, 'positive');
      assert.deepEqual(r1.aspects.map((a) => [a.aspect, a.polarity]), [['delivery', 'positive'], ['packaging', 'positive']]);
      assert.equal(by.get('r2')!.sentiment, 'negative');
      assert.equal(by.get('r2')!.complaint, true);
      // Two opinions in one review: each clause goes to its own aspect.
      const r3 = new Map(by.get('r3')!.aspects.map((a) => [a.aspect, a.polarity]));
      assert.equal(r3.get('quality'), 'positive');
      assert.equal(r3.get('delivery'), 'negative');
      assert.equal(by.get('c1')!.event, 'Chat Message');
      assert.equal(by.get('c1')!.aspects[0]?.aspect, 'service');
      assert.equal(by.get('s1')!.spam, true);
      assert.ok(r1.keywords.length > 0);
    });

    test('overlong texts are cut at 10,000 characters and flagged; binary junk is flagged and not analysed', async () => {
      const items = FeedbackTextList.parse((await get('/api/v1/feedback/texts?days=30')).json()).items;
      const long = items.find((i) => i.messageId === 'long')!;
      assert.equal(long.text.length, MAX_TEXT_CHARS);
      assert.ok(long.flags.includes('truncated'));
      const bin = items.find((i) => i.messageId === 'bin')!;
      assert.ok(bin.flags.includes('binary'));
      assert.equal(bin.sentiment, null);
      assert.ok([...bin.text].every((c) => c.charCodeAt(0) >= 0x20 && c !== '\ufffd'), JSON.stringify(bin.text));
    });

    test('re-processing changes nothing: a retried event and a repeated job store nothing new', async () => {
      const before = FeedbackTextList.parse((await get('/api/v1/feedback/texts?days=30')).json()).items;
      await t.nudge.ingest.ingest(t.workspace.id, [review('alice', 'r1', '物流很快，包装不错', 3)], { pathPrefix: 'batch' });
      await settle();
      const again = await t.nudge.feedback.service.enrich({ workspaceId: t.workspace.id, items: [{ messageId: 'r2', profileId: 'p', event: 'Review Submitted', property: 'review_text', timestamp: NOW, text: 'changed text' }] });
      assert.deepEqual(again, { stored: 0, skipped: 1 });
      const after = FeedbackTextList.parse((await get('/api/v1/feedback/texts?days=30')).json()).items;
      assert.deepEqual(after, before);
    });

    test('the summary has the weekly trend, liked and disliked aspects and keywords, filtered by language', async () => {
      const s = FeedbackSummary.parse((await get('/api/v1/feedback/summary?days=30')).json());
      assert.equal(s.total.count, 7);
      assert.ok(s.total.negative >= 2 && s.total.positive >= 2);
      assert.equal(s.total.spam, 1);
      assert.equal(s.trend.reduce((n, w) => n + w.count, 0), 7);
      assert.ok(s.trend.length >= 4);
      const delivery = s.aspects.find((a) => a.aspect === 'delivery')!;
      assert.equal(delivery.positive, 1);
      assert.equal(delivery.negative, 2);
      assert.ok(s.keywords.some((k) => k.keyword === 'delivery'));
      assert.ok(s.topicTrend.some((x) => x.topic === 'aspect:delivery'));
      const zh = FeedbackSummary.parse((await get('/api/v1/feedback/summary?days=30&language=zh')).json());
      assert.equal(zh.total.count, 2);
      // The texts behind a bar: delivery disliked.
      const texts = FeedbackTextList.parse((await get('/api/v1/feedback/texts?days=30&aspect=delivery&polarity=negative')).json()).items;
      assert.deepEqual(texts.map((x) => x.messageId).sort(), ['r2', 'r3']);
      const week = s.trend.find((w) => w.count > 0)!.week;
      const inWeek = FeedbackTextList.parse((await get(`/api/v1/feedback/texts?days=30&week=${week}`)).json()).items;
      assert.ok(inWeek.length > 0 && inWeek.every((x) => Date.parse(x.timestamp) >= Date.parse(`${week}T00:00:00Z`)));
    });

    test('profiles get feedback traits that segments can select on', async () => {
      const bobId = (await t.nudge.profiles.get(t.workspace.id, 'bob')).id;
      const traits = await t.nudge.computedTraits.forProfile(t.workspace.id, bobId);
      assert.equal(traits['top_topic'], 'delivery');
      // r3 (yesterday) liked the quality more than it disliked the delivery: not a complaint overall.
      assert.equal(traits['last_complaint_at'], at(2));
      assert.ok(typeof traits['sentiment_avg_90d'] === 'number' && traits['sentiment_avg_90d'] < 0);
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/segments/preview',
        headers: secret(),
        payload: { definition: { root: { kind: 'computed', key: 'last_complaint_at', op: 'date_within_last', amount: 7, unit: 'days' } }, sample: 10 },
      });
      assert.equal(res.statusCode, 200, res.body);
      // bob (delivery) and carol (service) complained; the spam survey does not count.
      assert.equal((res.json() as { count: number }).count, 2);
    });

    test("a review written before an identity merge counts on the surviving profile's traits", async () => {
      await t.nudge.ingest.ingest(t.workspace.id, [{ type: 'track', userId: 'kim', messageId: 'k0', event: 'Signed Up', properties: {}, timestamp: at(5) }], { pathPrefix: 'batch' });
      await settle();
      await t.nudge.ingest.ingest(t.workspace.id, [{ type: 'track', anonymousId: 'anon-kim', messageId: 'k1', event: 'Review Submitted', properties: { review_text: 'the packaging was terrible and bad' }, timestamp: at(1) }], { pathPrefix: 'batch' });
      await settle();
      await t.nudge.ingest.ingest(t.workspace.id, [{ type: 'identify', userId: 'kim', anonymousId: 'anon-kim', messageId: 'k2', traits: {}, timestamp: at(0) }], { pathPrefix: 'batch' });
      await settle();
      await t.nudge.feedback.recomputeTraits(t.workspace.id);
      const kim = await t.nudge.profiles.get(t.workspace.id, 'kim');
      const traits = await t.nudge.computedTraits.forProfile(t.workspace.id, kim.id);
      assert.equal(traits['top_topic'], 'packaging');
      assert.equal(traits['last_complaint_at'], at(1));
    });

    test('workspaces are isolated, and every route needs a caller', async () => {
      const mine = FeedbackSummary.parse((await get('/api/v1/feedback/summary?days=30', other.secretKey)).json());
      assert.equal(mine.total.count, 1);
      const texts = FeedbackTextList.parse((await get('/api/v1/feedback/texts?days=30', other.secretKey)).json()).items;
      assert.deepEqual(texts.map((x) => x.messageId), ['z1']);
      const anon = await t.app.inject({ method: 'GET', url: '/api/v1/feedback/summary' });
      assert.equal(anon.statusCode, 401);
    });

    test('settings choose the events and paths read; bad settings and overlong texts get a code and a field', async () => {
      const bad = await t.app.inject({ method: 'PUT', url: '/api/v1/feedback/settings', headers: secret(), payload: { sources: [{ event: 'Ticket', paths: [] }] } });
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.json().error.code, 'FEEDBACK_INVALID_SETTINGS');
      assert.equal(bad.json().error.field, 'sources[0].paths');
      const ok = await t.app.inject({ method: 'PUT', url: '/api/v1/feedback/settings', headers: secret(), payload: { sources: [{ event: 'Ticket Opened', paths: ['ticket.body'] }] } });
      assert.equal(ok.statusCode, 200, ok.body);
      await t.nudge.ingest.ingest(
        t.workspace.id,
        [
          { type: 'track', userId: 'ivy', messageId: 't1', event: 'Ticket Opened', properties: { ticket: { body: 'the packaging was broken' } }, timestamp: at(0) },
          review('ivy', 'r9', 'the price was great', 0),
        ],
        { pathPrefix: 'batch' },
      );
      await settle();
      const ids = FeedbackTextList.parse((await get('/api/v1/feedback/texts?days=1')).json()).items.map((x) => x.messageId);
      // The new event is read; Review Submitted no longer is.
      assert.ok(ids.includes('t1') && !ids.includes('r9'), ids.join());
      // Past events of a newly listed source are read in the background.
      const t0 = FeedbackTextList.parse((await get('/api/v1/feedback/texts?days=30')).json()).items.map((x) => x.messageId);
      assert.ok(!t0.includes('old-ticket'));
      await t.nudge.ingest.ingest(t.workspace.id, [{ type: 'track', userId: 'ivy', messageId: 'old-ticket', event: 'Old Ticket', properties: { body: 'the service was terrible' }, timestamp: at(20) }], { pathPrefix: 'batch' });
      await settle();
      const again = await t.app.inject({ method: 'PUT', url: '/api/v1/feedback/settings', headers: secret(), payload: { sources: [{ event: 'Ticket Opened', paths: ['ticket.body'] }, { event: 'Old Ticket', paths: ['body'] }] } });
      assert.equal(again.statusCode, 200, again.body);
      await settle();
      const t1 = FeedbackTextList.parse((await get('/api/v1/feedback/texts?days=30')).json()).items.map((x) => x.messageId);
      assert.ok(t1.includes('old-ticket'), t1.join());
      const long = await t.app.inject({ method: 'POST', url: '/api/v1/feedback/analyze', headers: secret(), payload: { text: 'a'.repeat(MAX_TEXT_CHARS + 1) } });
      assert.equal(long.statusCode, 400);
      assert.equal(long.json().error.code, 'FEEDBACK_TEXT_TOO_LONG');
      assert.equal(long.json().error.field, 'text');
      const one = await t.app.inject({ method: 'POST', url: '/api/v1/feedback/analyze', headers: secret(), payload: { text: '质量很好，但是物流太慢' } });
      assert.equal(one.statusCode, 200, one.body);
      assert.deepEqual(
        one.json().aspects.map((a: { aspect: string; polarity: string }) => `${a.aspect}:${a.polarity}`),
        ['quality:positive', 'delivery:negative'],
      );
    });
  });
}
