/**
 * `nudge demo`: a deterministic synthetic shop (products, customers and a year of events) with the
 * shape real shops have, for the demo workspace and as training/test data for Nudge's models.
 *
 * Each customer lives a BG/NBD-like life: purchases arrive as a Poisson process whose rate varies
 * across customers (Gamma), with a dropout chance after each purchase (Beta), modulated by the
 * weekly cycle and shopping festivals (thinning, Lewis & Shedler 1979); browsing visits, email
 * opens and reviews come and go around the purchases. Customers are simulated one at a time from
 * their own forked random stream, so events stream out customer by customer in little memory and
 * the same options always give byte-identical output.
 */
import type { CatalogItemInput } from '../catalog/catalog.schema.js';
import type { SegmentEventInput } from '../ingest/ingest.schema.js';
import { createRng, createWeightedSampler } from '../ml/rng.js';
import type { Rng } from '../ml/rng.js';
import { DAY_MS, HOUR_MS, buildCampaigns, buildDemandProfiles, createTimeZoneOffsets, createWindow } from './demo.calendar.js';
import type { DemoCampaign } from './demo.calendar.js';
import { buildCatalog } from './demo.catalog.js';
import type { DemoProduct } from './demo.catalog.js';
import { CATEGORIES } from './demo.catalog.data.js';
import { createCustomer, localDay, localHour, localTimeToUtc } from './demo.customers.js';
import type { DemoCustomer, MembershipLevel, PersonaId } from './demo.customers.js';
import { FALLBACK_OFFSETS } from './demo.people.js';
import { anonymousVisit, openEmail, signUp, visit, writeReview } from './demo.session.js';
import type { PlacedOrder } from './demo.session.js';
import { Timeline } from './demo.timeline.js';
import type { ShopContext } from './demo.timeline.js';
import { composeReview } from './demo.text.js';

export interface DemoOptions {
  /** Default 'nudge-demo'. */
  seed?: number | string;
  /** End of the window; default today 00:00 UTC. */
  now?: Date;
  /** Default 5000. */
  customers?: number;
  /** Default 300. */
  products?: number;
  /** Default 12. */
  months?: number;
}

/** The hidden facts about a customer, for evaluating models trained on the demo data. */
export interface DemoCustomerTruth {
  userId: string;
  persona: PersonaId;
  language: 'zh' | 'en';
  timezone: string;
  /** Preferred local hour of activity, [0, 24). */
  preferredHour: number;
  /** Latent purchase rate (BG/NBD λ), purchases a year. */
  ordersPerYear: number;
  /** Latent probability of dropping out after a purchase (BG/NBD p). */
  dropout: number;
  signedUpAt: string;
}

export interface DemoShop {
  /** All products. */
  products: CatalogItemInput[];
  customerCount: number;
  /** Rough number of events events() yields (for progress bars); the true count differs by a few per cent. */
  estimatedEvents: number;
  /** Email campaigns sent during the window. */
  campaigns: DemoCampaign[];
  /** Planted complementary product pairs (product ids) customers buy together. */
  pairs: [string, string][];
  /** Events grouped customer by customer (each customer's events in time order), so a caller can stream them in batches without holding 200k+ objects at once. */
  events(): Generator<SegmentEventInput>;
  /** Each customer's latent persona and habits, in userId order. */
  groundTruth(): Generator<DemoCustomerTruth>;
}

/** Events a customer produces on average over 12 months (measured; used only for estimatedEvents). */
const EVENTS_PER_CUSTOMER_YEAR = 62;

function checkCount(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`demo ${name} must be an integer in [${min}, ${max}], got ${value}`);
  return value;
}

/** Generates the demo shop. Cheap until events() is iterated. */
export function generateDemoShop(options: DemoOptions = {}): DemoShop {
  const seed = options.seed ?? 'nudge-demo';
  const now = options.now ?? new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS);
  if (Number.isNaN(now.getTime())) throw new RangeError('demo now must be a valid date');
  const customers = checkCount('customers', options.customers ?? 5000, 1, 1_000_000);
  const productCount = checkCount('products', options.products ?? 300, 8, 100_000);
  const months = checkCount('months', options.months ?? 12, 1, 60);

  const root = createRng(seed);
  const window = createWindow(now, months);
  const catalog = buildCatalog(productCount, root.fork('catalog'));
  const medianPrice = new Float64Array(CATEGORIES.length);
  catalog.byCategory.forEach((indices, top) => {
    const prices = indices.map((i) => catalog.products[i]?.price ?? 0).sort((a, b) => a - b);
    medianPrice[top] = prices[Math.floor(prices.length / 2)] ?? 1;
  });
  // Sign-ups grow over the window (a growing shop) and follow browsing demand.
  const demand = buildDemandProfiles(window);
  const growth = Array.from({ length: window.days }, (_, d) => (0.6 + (0.8 * d) / window.days) * (demand.zh.regular.browse[d] ?? 1));
  const recent = growth.map((w, d) => w * Math.exp((d - window.days) / 45));
  const ctx: ShopContext = {
    window,
    catalog,
    medianPrice,
    signupDay: createWeightedSampler(growth),
    recentSignupDay: createWeightedSampler(recent),
    offsetMinutes: createTimeZoneOffsets(window, FALLBACK_OFFSETS),
    emailModulus: customers <= 100_000 ? 100_000 : 10_000_000,
    demand,
    campaigns: buildCampaigns(window),
    categorySample: catalog.byCategory.map((inCategory) => {
      // A tiny catalog may leave a category empty: fall back to the whole catalog.
      const indices = inCategory.length > 0 ? inCategory : catalog.products.map((p) => p.index);
      const sample = createWeightedSampler(indices.map((i) => catalog.products[i]?.popularity ?? 0));
      return (rng: Rng) => indices[sample(rng)] ?? 0;
    }),
  };
  const customerRng = (index: number): Rng => root.fork(`customer-${index}`);

  return {
    products: catalog.products.map((p) => p.item),
    customerCount: customers,
    estimatedEvents: Math.round((customers * EVENTS_PER_CUSTOMER_YEAR * months) / 12),
    campaigns: ctx.campaigns.map((c) => ({ ...c, subject: { ...c.subject } })),
    pairs: catalog.pairs.map(([a, b]) => [catalog.products[a]?.id ?? '', catalog.products[b]?.id ?? '']),
    *events() {
      for (let i = 0; i < customers; i++) yield* simulateCustomer(ctx, i, customerRng(i));
    },
    *groundTruth() {
      for (let i = 0; i < customers; i++) {
        const c = createCustomer(i, customerRng(i).fork('profile'), ctx);
        yield { userId: c.userId, persona: c.persona.id, language: c.language, timezone: c.city.timezone, preferredHour: c.preferredHour, ordersPerYear: c.ordersPerYear, dropout: c.dropout, signedUpAt: new Date(c.signupMs).toISOString() };
      }
    },
  };
}

type Pending = { at: number; kind: 'open'; campaign: DemoCampaign } | { at: number; kind: 'review'; product: DemoProduct; orderId: string; rating: number };

function insertPending(queue: Pending[], item: Pending): void {
  let i = queue.length;
  while (i > 0 && (queue[i - 1]?.at ?? 0) > item.at) i--;
  queue.splice(i, 0, item);
}

const LEVELS: readonly [MembershipLevel, number][] = [['platinum', 20_000], ['gold', 5_000], ['silver', 1_000], ['bronze', 0]];
const LEVEL_FLOOR: Record<MembershipLevel, number> = { bronze: 0, silver: 1_000, gold: 5_000, platinum: 20_000 };

/** A rating around the product's quality, with the occasional disaster (broken, lost, wrong item). */
function rate(rng: Rng, product: DemoProduct, c: DemoCustomer): number {
  if (rng.bernoulli(0.04)) return rng.bernoulli(0.6) ? 1 : 2;
  const x = product.quality + c.ratingBias + rng.normal(0.35, 0.75);
  return x >= 4.6 ? 5 : x >= 3.7 ? 4 : x >= 2.9 ? 3 : x >= 2.1 ? 2 : 1;
}

/** One customer's whole life in the window, as events in time order. */
function simulateCustomer(ctx: ShopContext, index: number, root: Rng): SegmentEventInput[] {
  const c = createCustomer(index, root.fork('profile'), ctx);
  const rng = root.fork('life');
  const t = new Timeline(c, ctx, rng);
  const { window } = ctx;
  const zone = c.city.timezone;
  const profile = ctx.demand[c.language][c.persona.gift ? 'gift' : 'regular'];
  const orderRate = c.ordersPerYear / 365;
  const browseRate = c.browsePerYear / 365;
  const envelope = (orderRate + browseRate) * profile.max;
  let deathMs = c.lifetimeEndMs;
  let spend = LEVEL_FLOOR[c.membership];
  let orders = 0;
  const pending: Pending[] = [];

  const afterOrder = (order: PlacedOrder | null): void => {
    if (!order) return;
    orders += 1;
    spend += order.total;
    let worst = 5;
    for (const line of order.lines) {
      const rating = rate(rng, line.product, c);
      worst = Math.min(worst, rating);
      const chance = c.persona.reviewRate * (rating <= 2 ? 2.2 : 1);
      if (!rng.bernoulli(chance)) continue;
      const day = localDay(ctx, zone, order.at + (2 + rng.exponential(1 / 5)) * DAY_MS);
      if (day >= window.days) continue;
      insertPending(pending, { at: localTimeToUtc(ctx, zone, day, localHour(rng, c.preferredHour)), kind: 'review', product: line.product, orderId: order.orderId, rating });
    }
    const level = LEVELS.find(([, floor]) => spend >= floor)?.[0] ?? 'bronze';
    if (level !== c.membership) {
      c.membership = level;
      t.step(1, 5);
      t.identify({ membership_level: level });
    }
    // BG/NBD: after each purchase the customer may become inactive; a bad experience makes it likelier.
    if (rng.bernoulli(Math.min(1, c.dropout + (worst <= 2 ? 0.3 : 0)))) deathMs = Math.min(deathMs, order.at + 1);
  };

  const start = Math.max(c.signupMs, window.startMs);
  if (c.existing) {
    // An existing customer comes back early in the window (so every customer has a profile) and logs in.
    t.signedUp = true;
    t.pendingTraits = c.traits;
    if (t.begin(start + rng.next() * Math.min(30 * DAY_MS, Math.max(HOUR_MS, deathMs - start)))) {
      t.onPrimaryDevice();
      afterOrder(visit(t, { buy: rng.bernoulli(0.2), source: 'direct', orderDemand: 1, firstOrder: false }));
    }
  } else {
    // A few anonymous visits in the days before signing up, then the sign-up itself.
    const visits = rng.poisson(c.persona.recent ? 1.6 : 0.9);
    const times = Array.from({ length: visits }, () => {
      const day = localDay(ctx, zone, c.signupMs - rng.exponential(1 / 4) * DAY_MS);
      const at = localTimeToUtc(ctx, zone, day, localHour(rng, c.preferredHour));
      return at < c.signupMs - HOUR_MS ? at : c.signupMs - (1 + rng.next() * 5) * HOUR_MS;
    }).sort((a, b) => a - b);
    for (const at of times) {
      if (at < window.startMs) continue;
      t.begin(at);
      anonymousVisit(t);
    }
    t.begin(c.signupMs);
    signUp(t);
    const buy = rng.bernoulli(c.persona.firstOrder);
    afterOrder(visit(t, { buy, source: 'signup', orderDemand: 1, firstOrder: true }));
  }

  // Thinned Poisson process of visits: candidates at the peak rate, kept in proportion to that day's demand.
  let candidate = start;
  const nextVisit = (): { at: number; buy: boolean; demand: number } | null => {
    if (!(envelope > 0)) return null;
    for (;;) {
      candidate += rng.exponential(envelope) * DAY_MS;
      if (candidate >= window.endMs) return null;
      const day = Math.min(window.days - 1, Math.max(0, localDay(ctx, zone, candidate)));
      const wOrder = orderRate * (profile.order[day] ?? 1);
      const wBrowse = browseRate * (profile.browse[day] ?? 1);
      if (rng.next() * envelope >= wOrder + wBrowse) continue;
      const at = Math.max(start, localTimeToUtc(ctx, zone, day, localHour(rng, c.preferredHour)));
      return { at, buy: rng.next() * (wOrder + wBrowse) < wOrder, demand: profile.order[day] ?? 1 };
    }
  };

  let next = nextVisit();
  let ci = ctx.campaigns.findIndex((k) => k.sentAtMs > start);
  if (ci < 0) ci = ctx.campaigns.length;
  for (;;) {
    const limit = Math.min(deathMs, window.endMs);
    while (pending.length > 0 && pending[0]?.kind === 'open' && (pending[0]?.at ?? 0) >= limit) pending.shift();
    const visitAt = next && next.at < limit ? next.at : Infinity;
    const campaign = ctx.campaigns[ci];
    const campaignAt = campaign && campaign.sentAtMs < limit ? campaign.sentAtMs : Infinity;
    const head = pending[0];
    const pendingAt = head && head.at < window.endMs ? head.at : Infinity;
    const at = Math.min(visitAt, campaignAt, pendingAt);
    if (at === Infinity) break;

    if (head && at === pendingAt) {
      pending.shift();
      if (!t.begin(head.at)) break;
      if (head.kind === 'review') {
        const kind = CATEGORIES[head.product.top]?.kind ?? 'home';
        const mixed = rng.bernoulli(c.language === 'zh' ? 0.1 : 0.04);
        const term = kind === 'books' ? (c.language === 'zh' ? '书' : 'book') : head.product.searchTerm[c.language];
        const review = composeReview(rng, { rating: head.rating, language: c.language, kind, term, mixed });
        writeReview(t, head.product, head.orderId, head.rating, review.body);
      } else if (openEmail(t, head.campaign)) {
        t.openVisit();
        const buy = rng.bernoulli(Math.min(0.4, 0.05 + c.ordersPerYear / 50));
        afterOrder(visit(t, { buy, source: 'email', campaign: head.campaign, orderDemand: 1, firstOrder: orders === 0 }));
      }
    } else if (campaign && at === campaignAt) {
      ci += 1;
      if (c.acceptsMarketing && rng.bernoulli(Math.min(0.9, c.openRate * campaign.appeal))) {
        // Opens cluster at the customer's preferred hour: the signal send-time optimisation learns.
        const sendDay = localDay(ctx, zone, campaign.sentAtMs);
        let openAt: number;
        if (rng.bernoulli(0.55)) {
          openAt = localTimeToUtc(ctx, zone, sendDay, (c.preferredHour + rng.normal(0, 0.7) + 24) % 24);
          if (openAt <= campaign.sentAtMs) openAt += DAY_MS;
        } else {
          openAt = campaign.sentAtMs + rng.exponential(1 / 3) * HOUR_MS;
        }
        if (rng.bernoulli(0.1)) openAt += rng.int(1, 4) * DAY_MS;
        insertPending(pending, { at: openAt, kind: 'open', campaign });
      }
    } else if (next) {
      const plan = next;
      next = nextVisit();
      if (!t.begin(plan.at)) break;
      t.openVisit();
      afterOrder(visit(t, { buy: plan.buy, source: 'direct', orderDemand: plan.demand, firstOrder: orders === 0 }));
    }
  }
  return t.events;
}
