import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CatalogItem } from '../catalog/catalog.schema.js';
import { SegmentEvent } from '../ingest/ingest.schema.js';
import type { SegmentEventInput } from '../ingest/ingest.schema.js';
import { generateDemoShop } from './demo.generator.js';
import type { DemoCustomerTruth } from './demo.generator.js';
import { ASPECT_KEYWORDS, ASPECT_PHRASES, INTENSIFIERS, OVERALL, QUALITY_BY_KIND } from './demo.text.js';
import type { Lang } from './demo.text.js';

const DAY = 86_400_000;
const NOW = new Date('2026-03-01T00:00:00Z');
const START = Date.UTC(2025, 2, 1);

type Props = Record<string, unknown>;
const props = (e: SegmentEventInput): Props => ('properties' in e && e.properties ? e.properties : {});
const num = (v: unknown): number => (typeof v === 'number' ? v : Number.NaN);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const customerOf = (e: SegmentEventInput): string => str(e.messageId).split('-')[1] ?? '';
const dayKey = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** One pass over the default shop, collecting what the tests look at. */
function survey() {
  const started = performance.now();
  const shop = generateDemoShop({ now: NOW });
  const s = {
    shop,
    events: 0,
    invalid: [] as string[],
    messageIds: new Set<string>(),
    outOfOrder: 0,
    outsideWindow: 0,
    firstEvents: [] as SegmentEventInput[],
    userIds: new Set<string>(),
    emails: new Map<string, string>(),
    phones: new Map<string, string>(),
    anonymousBeforeIdentify: 0,
    identifyWithBothIds: 0,
    aliases: 0,
    views: new Map<string, number>(),
    units: new Map<string, number>(),
    eventsByDay: new Map<string, number>(),
    ordersByDay: new Map<string, number>(),
    lastSeen: new Map<string, number>(),
    ordersByCustomer: new Map<string, number>(),
    baskets: [] as string[][],
    revenue: 0,
    reviews: [] as { rating: number; body: string; language: string }[],
    opens: new Map<string, number>(),
    clicks: new Map<string, number>(),
    openTimes: [] as { customer: string; ms: number }[],
    /** Subscribers: customer → sign-up time. */
    subscribers: new Map<string, number>(),
    eventNames: new Set<string>(),
    productNames: new Set<string>(),
    generationMs: 0,
  };
  let prevCustomer = '';
  let prevTime = 0;
  for (const e of shop.events()) {
    s.events++;
    if (s.firstEvents.length < 2000) s.firstEvents.push(e);
    const parsed = SegmentEvent.safeParse(e);
    if (!parsed.success && s.invalid.length < 5) s.invalid.push(`${str(e.messageId)}: ${parsed.error.message}`);
    s.messageIds.add(str(e.messageId));
    const ts = str(e.timestamp);
    const ms = Date.parse(ts);
    if (!ts.endsWith('Z') || !(ms >= START && ms < NOW.getTime())) s.outsideWindow++;
    const customer = customerOf(e);
    if (customer === prevCustomer && ms < prevTime) s.outOfOrder++;
    prevCustomer = customer;
    prevTime = ms;
    s.lastSeen.set(customer, ms);
    s.eventsByDay.set(dayKey(ms), (s.eventsByDay.get(dayKey(ms)) ?? 0) + 1);
    if (e.userId) s.userIds.add(String(e.userId));
    if (e.type === 'identify') {
      const traits = e.traits ?? {};
      if (typeof traits['email'] === 'string') {
        const owner = s.emails.get(traits['email']);
        if (owner && owner !== customer) assert.fail(`email ${traits['email']} shared by ${owner} and ${customer}`);
        s.emails.set(traits['email'], customer);
        if (traits['accepts_marketing'] === true) s.subscribers.set(customer, Date.parse(str(traits['created_at'])));
      }
      if (typeof traits['phone'] === 'string') {
        const owner = s.phones.get(traits['phone']);
        if (owner && owner !== customer) assert.fail(`phone ${traits['phone']} shared by ${owner} and ${customer}`);
        s.phones.set(traits['phone'], customer);
      }
      if (e.userId && e.anonymousId) s.identifyWithBothIds++;
    }
    if (e.type === 'alias') s.aliases++;
    if (e.type !== 'track') {
      if (e.type === 'page' && !e.userId) s.anonymousBeforeIdentify++;
      continue;
    }
    s.eventNames.add(e.event);
    const p = props(e);
    switch (e.event) {
      case 'Product Viewed':
        s.views.set(str(p['product_id']), (s.views.get(str(p['product_id'])) ?? 0) + 1);
        s.productNames.add(str(p['name']));
        break;
      case 'Order Completed': {
        const lines = Array.isArray(p['products']) ? (p['products'] as Props[]) : [];
        s.baskets.push(lines.map((l) => str(l['product_id'])));
        for (const l of lines) s.units.set(str(l['product_id']), (s.units.get(str(l['product_id'])) ?? 0) + num(l['quantity']));
        s.ordersByDay.set(dayKey(ms), (s.ordersByDay.get(dayKey(ms)) ?? 0) + 1);
        s.ordersByCustomer.set(customer, (s.ordersByCustomer.get(customer) ?? 0) + 1);
        s.revenue += num(p['revenue']);
        break;
      }
      case 'Product Reviewed':
        s.reviews.push({ rating: num(p['rating']), body: str(p['review_body']), language: str(p['language']) });
        break;
      case 'Email Opened':
        s.opens.set(str(p['campaign_id']), (s.opens.get(str(p['campaign_id'])) ?? 0) + 1);
        s.openTimes.push({ customer, ms });
        break;
      case 'Email Link Clicked':
        s.clicks.set(str(p['campaign_id']), (s.clicks.get(str(p['campaign_id'])) ?? 0) + 1);
        break;
      default:
        break;
    }
  }
  s.generationMs = performance.now() - started;
  return s;
}

let cached: ReturnType<typeof survey> | null = null;
const data = (): ReturnType<typeof survey> => (cached ??= survey());
const report = (label: string, value: unknown): void => console.log(`# ${label}: ${typeof value === 'number' ? Math.round(value * 1000) / 1000 : String(value)}`);

test('the default shop has 300 bilingual products that parse as catalog items', () => {
  const { shop } = data();
  assert.equal(shop.products.length, 300);
  const items = shop.products.map((p) => CatalogItem.parse(p));
  assert.equal(new Set(items.map((p) => p.id)).size, 300);
  assert.equal(items[0]?.id, 'sku-0001');
  for (const p of items) {
    assert.ok(/[\u4e00-\u9fff]/.test(p.names['zh'] ?? ''), `${p.id} has a Chinese name`);
    assert.ok(/^[\x20-\x7e’]+$/.test(p.names['en'] ?? ''), `${p.id} has an English name: ${p.names['en']}`);
    assert.ok(p.descriptions['zh'] && p.descriptions['en']);
    assert.equal(p.categories.length, 2);
    assert.ok(p.price !== null && p.price > 0);
    assert.match(p.imageUrl ?? '', /^https:\/\/demo\.nudge\.local\/img\/sku-\d{4}\.jpg$/);
  }
  const zhPrimary = items.filter((p) => p.language === 'zh').length;
  assert.ok(zhPrimary > 120 && zhPrimary < 240, `zh-primary products ${zhPrimary}`);
  assert.equal(new Set(items.map((p) => p.categories[0])).size, 8);
  const outOfStock = items.filter((p) => !p.inStock).length / items.length;
  assert.ok(outOfStock > 0.03 && outOfStock < 0.15, `out of stock ${outOfStock}`);
  report('top categories', [...new Set(items.map((p) => p.categories[0]))].join(', '));
});

test('the default shop has ≥5,000 customers and ≥200,000 valid events over the 12 months', () => {
  const s = data();
  report('events', s.events);
  report('generation + checks (ms)', s.generationMs);
  assert.deepEqual(s.invalid, []);
  assert.ok(s.events >= 200_000, `${s.events} events`);
  assert.equal(s.shop.customerCount, 5000);
  assert.ok(s.userIds.size >= 5000, `${s.userIds.size} user ids`);
  assert.equal(s.messageIds.size, s.events, 'messageIds are unique');
  assert.equal(s.outsideWindow, 0, 'every timestamp is ISO-8601 UTC inside the window');
  assert.equal(s.outOfOrder, 0, "each customer's events are in time order");
  assert.ok(Math.abs(s.shop.estimatedEvents - s.events) / s.events < 0.15, `estimate ${s.shop.estimatedEvents} vs ${s.events}`);
  for (const name of ['Product Viewed', 'Products Searched', 'Product Added', 'Checkout Started', 'Order Completed', 'Coupon Applied', 'Email Opened', 'Email Link Clicked', 'Product Reviewed', 'Signed Up']) {
    assert.ok(s.eventNames.has(name), `has ${name}`);
  }
});

test('customers start anonymous, then identify with unique emails and phones; some use alias', () => {
  const s = data();
  assert.ok(s.emails.size >= 5000 && s.phones.size >= 5000, `${s.emails.size} emails, ${s.phones.size} phones`);
  assert.ok([...s.emails.keys()].every((e) => e.endsWith('.example')), 'emails use the reserved .example TLD');
  assert.ok(s.anonymousBeforeIdentify > 5000, 'anonymous page views');
  assert.ok(s.identifyWithBothIds >= 3000, 'identify calls link an anonymousId to a userId');
  assert.ok(s.aliases > 100, `${s.aliases} alias calls`);
  const cn = [...s.phones.keys()].filter((p) => /^\+86 1\d{2} \d{4} \d{4}$/.test(p)).length;
  report('share of +86 mobile numbers', cn / s.phones.size);
  assert.ok(cn / s.phones.size > 0.4);
});

test('generation is deterministic: same seed, same output; another seed, another shop', () => {
  const s = data();
  const again = generateDemoShop({ now: NOW });
  assert.equal(JSON.stringify(again.products), JSON.stringify(s.shop.products));
  const firstAgain: SegmentEventInput[] = [];
  for (const e of again.events()) {
    firstAgain.push(e);
    if (firstAgain.length === s.firstEvents.length) break;
  }
  assert.equal(JSON.stringify(firstAgain), JSON.stringify(s.firstEvents));
  const other = generateDemoShop({ now: NOW, seed: 'another-shop' });
  assert.notEqual(JSON.stringify(other.products), JSON.stringify(s.shop.products));
  const otherFirst = other.events().next().value;
  assert.notEqual(JSON.stringify(otherFirst), JSON.stringify(s.firstEvents[0]));
});

test('the default window is the 12 months ending today (UTC midnight)', () => {
  const shop = generateDemoShop({ customers: 50 });
  const today = Math.floor(Date.now() / DAY) * DAY;
  let n = 0;
  for (const e of shop.events()) {
    const ms = Date.parse(str(e.timestamp));
    assert.ok(ms < today && ms >= today - 367 * DAY, `${str(e.timestamp)} in the window`);
    n++;
  }
  assert.ok(n > 100);
});

test('product popularity follows a power law', () => {
  const s = data();
  const share = (counts: Map<string, number>): number => {
    const sorted = [...counts.values()].sort((a, b) => b - a);
    const total = sorted.reduce((a, b) => a + b, 0);
    return sorted.slice(0, 30).reduce((a, b) => a + b, 0) / total;
  };
  report('top-10% share of product views', share(s.views));
  report('top-10% share of units bought', share(s.units));
  assert.ok(share(s.views) > 0.4);
  assert.ok(share(s.units) > 0.4);
});

test('weekends are busier than weekdays', () => {
  const s = data();
  const weekend: number[] = [];
  const weekday: number[] = [];
  for (const [day, n] of s.eventsByDay) {
    const dow = new Date(`${day}T00:00:00Z`).getUTCDay();
    (dow === 0 || dow === 6 ? weekend : weekday).push(n);
  }
  const ratio = median(weekend) / median(weekday);
  report('weekend / weekday events (median day)', ratio);
  assert.ok(ratio > 1.1);
});

test('Double 11 is a spike and Chinese New Year a dip in orders', () => {
  const s = data();
  const orders = (day: string): number => s.ordersByDay.get(day) ?? 0;
  const typical = median([...s.ordersByDay.values()]);
  report('orders on 2025-11-11 / median day', orders('2025-11-11') / typical);
  assert.ok(orders('2025-11-11') > 3 * typical);
  // Spring Festival 2026 is 17 February: couriers stop for the week.
  const festivalWeek = ['2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20', '2026-02-21', '2026-02-22', '2026-02-23'].map(orders);
  const weekMean = festivalWeek.reduce((a, b) => a + b, 0) / festivalWeek.length;
  report('orders a day in Spring Festival week / median day', weekMean / typical);
  assert.ok(weekMean < 0.75 * typical);
  report('orders on 2025-06-18 / median day', orders('2025-06-18') / typical);
  assert.ok(orders('2025-06-18') > 2 * typical);
});

test('a healthy share of customers churned, and purchase frequency varies widely', () => {
  const s = data();
  const cutoff = NOW.getTime() - 90 * DAY;
  const churned = [...s.lastSeen.values()].filter((ms) => ms < cutoff).length / s.lastSeen.size;
  report('churned share (no activity in final 90 days)', churned);
  assert.ok(churned >= 0.25 && churned <= 0.4);
  const counts = [...s.lastSeen.keys()].map((c) => s.ordersByCustomer.get(c) ?? 0);
  const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
  const sd = Math.sqrt(counts.reduce((a, b) => a + (b - mean) ** 2, 0) / counts.length);
  const buyers = counts.filter((n) => n > 0);
  const repeat = buyers.filter((n) => n > 1).length / buyers.length;
  report('orders', s.baskets.length);
  report('revenue (CNY)', Math.round(s.revenue));
  report('orders per customer: coefficient of variation', sd / mean);
  report('repeat buyers among buyers', repeat);
  assert.ok(sd / mean > 1);
  assert.ok(repeat > 0.3 && repeat < 0.75);
});

test('ground truth personas differ in how often they buy', () => {
  const s = data();
  const byPersona = new Map<string, number[]>();
  const truth: DemoCustomerTruth[] = [...s.shop.groundTruth()];
  assert.equal(truth.length, 5000);
  for (const c of truth) {
    const list = byPersona.get(c.persona) ?? [];
    list.push(s.ordersByCustomer.get(c.userId.slice(2)) ?? 0);
    byPersona.set(c.persona, list);
  }
  const mean = (p: string): number => {
    const xs = byPersona.get(p) ?? [];
    return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  };
  report('orders per customer by persona', [...byPersona.keys()].sort().map((p) => `${p} ${mean(p).toFixed(2)}`).join(', '));
  assert.ok(mean('loyal_big_spender') > 2 * mean('bargain_hunter') || mean('loyal_big_spender') > 3);
  assert.ok(mean('bargain_hunter') > mean('gift_buyer'));
  assert.ok(mean('gift_buyer') > mean('new_browser'));
});

test('planted product pairs are bought together far more often than chance', () => {
  const s = data();
  const n = s.baskets.length;
  const orderSets = s.baskets.map((b) => new Set(b));
  const lifts: number[] = [];
  for (const [a, b] of s.shop.pairs) {
    const withA = orderSets.filter((o) => o.has(a)).length;
    const withB = orderSets.filter((o) => o.has(b)).length;
    const both = orderSets.filter((o) => o.has(a) && o.has(b)).length;
    if (withA < 10 || withB < 10) continue;
    lifts.push((both / n) / ((withA / n) * (withB / n)));
  }
  report('planted pairs with ≥10 orders each', lifts.length);
  report('lowest lift', Math.min(...lifts));
  report('median lift', median(lifts));
  assert.ok(s.shop.pairs.length >= 30);
  assert.ok(lifts.length >= 20);
  assert.ok(lifts.every((l) => l > 3), lifts.join(', '));
});

/** Matches a bank phrase with any (or no) intensifier in its `{i}` slot. */
function matcher(phrase: string, lang: Lang): RegExp {
  const escape = (x: string): string => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const slot = `(?:${INTENSIFIERS[lang].map(escape).join('|')})?`;
  return new RegExp(phrase.split('{i}').map(escape).join(slot), 'i');
}

function bank(polarity: 'pos' | 'neg'): RegExp[] {
  return (['zh', 'en'] as const).flatMap((lang) => [
    ...Object.values(ASPECT_PHRASES[lang]).flatMap((b) => b[polarity]),
    ...Object.values(QUALITY_BY_KIND).flatMap((b) => b[lang][polarity]),
    ...OVERALL[lang][polarity],
  ].map((p) => matcher(p, lang)));
}

test('no positive phrase hides inside a negative one, or the reverse', () => {
  const pos = bank('pos');
  const neg = bank('neg');
  const plain = (polarity: 'pos' | 'neg'): string[] => (['zh', 'en'] as const).flatMap((lang) => [...Object.values(ASPECT_PHRASES[lang]).flatMap((b) => b[polarity]), ...Object.values(QUALITY_BY_KIND).flatMap((b) => b[lang][polarity]), ...OVERALL[lang][polarity]].map((p) => p.replace('{i}', lang === 'zh' ? '很' : 'very ')));
  for (const text of plain('neg')) assert.ok(!pos.some((r) => r.test(text)), `negative "${text}" matches a positive phrase`);
  for (const text of plain('pos')) assert.ok(!neg.some((r) => r.test(text)), `positive "${text}" matches a negative phrase`);
});

test('reviews come in Chinese and English, skew positive, and their wording matches their rating', () => {
  const s = data();
  const pos = bank('pos');
  const neg = bank('neg');
  const zh = s.reviews.filter((r) => r.language === 'zh').length;
  const en = s.reviews.filter((r) => r.language === 'en').length;
  const mixed = s.reviews.filter((r) => /[\u4e00-\u9fff]/.test(r.body) && /[a-z]{3}/i.test(r.body)).length;
  const purchasedUnits = s.baskets.reduce((a, b) => a + b.length, 0);
  report('reviews (zh / en / mixed)', `${zh} / ${en} / ${mixed}`);
  report('reviewed share of ordered items', s.reviews.length / purchasedUnits);
  assert.ok(zh > 300 && en > 300 && mixed > 30);
  assert.ok(s.reviews.length / purchasedUnits > 0.1 && s.reviews.length / purchasedUnits < 0.25);
  const share = (r: number): number => s.reviews.filter((x) => x.rating === r).length / s.reviews.length;
  report('rating shares 1..5', [1, 2, 3, 4, 5].map((r) => share(r).toFixed(2)).join(' '));
  assert.ok(share(4) + share(5) > 0.6);
  assert.ok(share(1) + share(2) > 0.05);

  const onlyPositive = s.reviews.filter((r) => pos.some((m) => m.test(r.body)) && !neg.some((m) => m.test(r.body)));
  const onlyNegative = s.reviews.filter((r) => neg.some((m) => m.test(r.body)) && !pos.some((m) => m.test(r.body)));
  const meanRating = (xs: { rating: number }[]): number => xs.reduce((a, b) => a + b.rating, 0) / xs.length;
  report('mean rating, positive-phrase reviews', meanRating(onlyPositive));
  report('mean rating, negative-phrase reviews', meanRating(onlyNegative));
  assert.ok(onlyPositive.length > 500 && onlyNegative.length > 100);
  assert.ok(meanRating(onlyPositive) >= 4);
  assert.ok(meanRating(onlyNegative) <= 2.5);

  const keywords = (['zh', 'en'] as const).flatMap((lang) => Object.values(ASPECT_KEYWORDS).flatMap((k) => k[lang]));
  const withAspect = s.reviews.filter((r) => keywords.some((k) => r.body.toLowerCase().includes(k))).length / s.reviews.length;
  report('reviews naming an aspect keyword', withAspect);
  assert.ok(withAspect > 0.8);
});

test('email campaigns: ~2 a month, opens 15–40% of active subscribers, clicks 8–25% of opens, opens near the preferred hour', () => {
  const s = data();
  const campaigns = s.shop.campaigns;
  assert.ok(campaigns.length >= 22 && campaigns.length <= 26, `${campaigns.length} campaigns`);
  const opens = [...s.opens.values()].reduce((a, b) => a + b, 0);
  const clicks = [...s.clicks.values()].reduce((a, b) => a + b, 0);
  // Audience of a campaign: subscribers signed up before it and still active after it.
  let audience = 0;
  for (const k of campaigns) {
    for (const [customer, signedUp] of s.subscribers) if (signedUp < k.sentAtMs && (s.lastSeen.get(customer) ?? 0) > k.sentAtMs) audience++;
  }
  report('opens / active subscribers', opens / audience);
  report('clicks / opens', clicks / opens);
  assert.ok(opens / audience > 0.15 && opens / audience < 0.4);
  assert.ok(clicks / opens > 0.08 && clicks / opens < 0.25);

  const truth = new Map([...s.shop.groundTruth()].map((c) => [c.userId.slice(2), c]));
  let near = 0;
  for (const o of s.openTimes) {
    const c = truth.get(o.customer);
    if (!c) continue;
    const local = new Date(o.ms).toLocaleString('en-GB', { timeZone: c.timezone, hour: '2-digit', minute: '2-digit', hour12: false });
    const [h, m] = local.split(':').map(Number);
    const hour = (h ?? 0) + (m ?? 0) / 60;
    const distance = Math.min(Math.abs(hour - c.preferredHour), 24 - Math.abs(hour - c.preferredHour));
    if (distance <= 2) near++;
  }
  report('opens within 2 h of the preferred hour', near / s.openTimes.length);
  assert.ok(near / s.openTimes.length > 0.45, 'uniform hours would give ~17%');
});

test('events show product names in both languages', () => {
  const s = data();
  const names = [...s.productNames];
  assert.ok(names.some((n) => /[\u4e00-\u9fff]/.test(n)));
  assert.ok(names.some((n) => /^[\x20-\x7e’]+$/.test(n)));
});
