// Synthetic workspace for the segments benchmark: profiles with typed traits, a power-law number
// of events per profile over the last 365 days, identities and an order row per Order Completed
// (from which the product's RFM job computes the rfm_group computed trait). Seeded:
// the same seed and `now` give the same rows on every dialect.
import { EN_CITIES, ZH_CITIES } from '../src/demo/demo.people.js';
import { createRng, createWeightedSampler, type Rng } from '../src/ml/rng.js';

const DAY = 86_400_000;
const YEAR = 365 * DAY;
const ID_CHARS = '0123456789abcdefghijklmnopqrstuvwxyz';
const CONTEXT = JSON.stringify({ library: { name: 'nudge-bench', version: '1.0.0' }, locale: 'zh-CN' });

export const PLANS = ['gold', 'silver', 'free'] as const;
export const CATEGORIES = ['Tea', 'Ceramics', 'Books', 'Snacks', 'Apparel', 'Electronics', '茶叶', '文具'] as const;
const PAGES = ['Home', 'Category', 'Product', 'Search', 'Cart'] as const;
const CITIES = [...ZH_CITIES, ...EN_CITIES].map((c) => ({ name: c.name, weight: c.weight }));

/** Event names and their share of all events (a Product Viewed before most orders comes on top). */
const EVENT_MIX: readonly { name: string; weight: number }[] = [
  { name: 'Page', weight: 0.33 },
  { name: 'Product Viewed', weight: 0.32 },
  { name: 'Added to Cart', weight: 0.1 },
  { name: 'Email Opened', weight: 0.15 },
  { name: 'Checkout Started', weight: 0.04 },
  { name: 'Order Completed', weight: 0.06 },
];

export interface WorkspaceSpec {
  workspaceId: string;
  profiles: number;
  events: number;
  seed: string;
  now: number;
}

/** Columns of `profiles`, in insert order. */
export type ProfileValues = [id: string, userId: string, email: string, traits: string, traitTimes: string, firstSeen: number, lastSeen: number, eventCount: number];
/** Columns of `events` that vary, in insert order (workspace, context and received_at are filled by the loader). */
export type EventValues = [messageId: string, type: string, name: string, profileId: string, userId: string, properties: string, timestamp: number];
export type OrderValues = [orderId: string, profileId: string, total: number, currency: string, placedAt: number];

export interface Chunk {
  profiles: ProfileValues[];
  /** [profileId, userId, email, firstSeen] for the user_id and email identities. */
  identities: [string, string, string, number][];
  events: EventValues[];
  orders: OrderValues[];
}

export const eventContext = CONTEXT;
export const userIdOf = (i: number): string => `u${i}`;

/** A sortable, seeded profile id in the product's shape: `prf_` + 9 base-36 time chars + 12 random chars. */
function profileId(rng: Rng, at: number): string {
  let rand = '';
  for (let i = 0; i < 12; i++) rand += ID_CHARS[rng.int(0, 36)];
  return `prf_${at.toString(36).padStart(9, '0')}${rand}`;
}

/**
 * Events per profile: at least one each, the rest split by Pareto(α = 1.2) weights capped at
 * 2,000, so a few heavy users carry a long tail, as in real shops. Sums to exactly `events`.
 */
export function eventCounts(rng: Rng, profiles: number, events: number): Uint32Array {
  const weights = new Float64Array(profiles);
  let total = 0;
  for (let i = 0; i < profiles; i++) {
    weights[i] = Math.min(2000, Math.pow(1 - rng.next(), -1 / 1.2));
    total += weights[i] ?? 0;
  }
  const counts = new Uint32Array(profiles).fill(1);
  const rest = events - profiles;
  let assigned = profiles;
  for (let i = 0; i < profiles; i++) {
    const c = Math.floor(((weights[i] ?? 0) / total) * rest);
    counts[i] = (counts[i] ?? 0) + c;
    assigned += c;
  }
  const sampler = createWeightedSampler(weights);
  for (; assigned < events; assigned++) {
    const i = sampler(rng);
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return counts;
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Profile `i`'s traits: plan, age (from the birthday), city, signup within two years, email. */
function traitsOf(rng: Rng, i: number, now: number, pickCity: (r: Rng) => number): Record<string, unknown> {
  const plan = PLANS[rng.weightedIndex([0.15, 0.3, 0.55])] ?? 'free';
  let birth = Date.UTC(1950, 0, 1) + rng.int(0, 57 * 365) * DAY;
  // No 29 February birthdays: the hand-written anniversary query need not know the compiler's leap-year rule.
  if (isoDate(birth).endsWith('-02-29')) birth += DAY;
  const age = Math.floor((now - birth) / (365.2425 * DAY));
  return {
    email: `user${i}@example.com`,
    name: `Customer ${i}`,
    plan,
    age,
    city: CITIES[pickCity(rng)]?.name ?? '上海',
    signup_at: new Date(now - rng.int(0, 2 * 365 * DAY)).toISOString(),
    birthday: isoDate(birth),
  };
}

function propertiesOf(rng: Rng, name: string, orderId: string): { type: string; name: string; properties: Record<string, unknown> } {
  switch (name) {
    case 'Page': {
      const page = rng.pick(PAGES);
      return { type: 'page', name: page, properties: { path: `/${page.toLowerCase()}`, title: page } };
    }
    case 'Product Viewed':
    case 'Added to Cart':
      return { type: 'track', name, properties: { product_id: `sku-${rng.int(1, 500)}`, category: rng.pick(CATEGORIES), price: round2(rng.gamma(2, 60)) } };
    case 'Order Completed':
      return { type: 'track', name, properties: { order_id: orderId, total: round2(rng.gamma(2, 110)), currency: rng.next() < 0.8 ? 'CNY' : 'USD' } };
    case 'Checkout Started':
      return { type: 'track', name, properties: { value: round2(rng.gamma(2, 110)), currency: 'CNY' } };
    default:
      return { type: 'track', name, properties: { campaign_id: `cmp-${rng.int(1, 40)}`, subject: rng.next() < 0.5 ? '新品上市' : 'Weekly picks' } };
  }
}

/** The workspace in chunks of about `chunkProfiles` profiles with all their rows. */
export function* generateWorkspace(spec: WorkspaceSpec, chunkProfiles = 2000): Generator<Chunk> {
  const root = createRng(spec.seed);
  const counts = eventCounts(root.fork('counts'), spec.profiles, spec.events);
  const rng = root.fork('rows');
  const pickName = createWeightedSampler(EVENT_MIX.map((e) => e.weight));
  const pickCity = createWeightedSampler(CITIES.map((c) => c.weight));
  let chunk: Chunk = { profiles: [], identities: [], events: [], orders: [] };
  let seq = 0;
  for (let i = 0; i < spec.profiles; i++) {
    const n = counts[i] ?? 1;
    // Each profile is active from a start within the year until now; half its events follow the previous one closely (sessions).
    const start = spec.now - Math.floor(rng.next() * YEAR);
    const userId = userIdOf(i);
    const traits = traitsOf(rng, i, spec.now, pickCity);
    const events: EventValues[] = [];
    const pid = '';
    let last = start;
    const orders: { orderId: string; total: number; currency: string; at: number }[] = [];
    let first = Infinity;
    let latest = -Infinity;
    const push = (type: string, name: string, properties: Record<string, unknown>, ts: number) => {
      events.push([`bench-${String(seq++).padStart(8, '0')}`, type, name, pid, userId, JSON.stringify(properties), ts]);
      first = Math.min(first, ts);
      latest = Math.max(latest, ts);
    };
    while (events.length < n) {
      const ts = rng.next() < 0.5 ? Math.min(spec.now - 1, last + rng.int(60_000, 6 * 3_600_000)) : start + Math.floor(rng.next() * (spec.now - start));
      last = ts;
      const name = EVENT_MIX[pickName(rng)]?.name ?? 'Page';
      const e = propertiesOf(rng, name, `ord-${i}-${orders.length}`);
      if (name === 'Order Completed') {
        // Most orders follow a product view within the day (the sequence segment looks for this).
        if (events.length + 1 < n && rng.next() < 0.7) {
          const view = propertiesOf(rng, 'Product Viewed', '');
          push(view.type, view.name, view.properties, ts - rng.int(600_000, 20 * 3_600_000));
        }
      }
      push(e.type, e.name, e.properties, ts);
      if (name === 'Order Completed') orders.push({ orderId: String(e.properties.order_id), total: Number(e.properties.total), currency: String(e.properties.currency), at: ts });
    }
    const id = profileId(rng, first);
    for (const e of events) e[3] = id;
    const traitTimes = Object.fromEntries(Object.keys(traits).map((k) => [k, first]));
    chunk.profiles.push([id, userId, String(traits.email), JSON.stringify(traits), JSON.stringify(traitTimes), first, latest, events.length]);
    chunk.identities.push([id, userId, String(traits.email), first]);
    chunk.events.push(...events);
    for (const o of orders) chunk.orders.push([o.orderId, id, o.total, o.currency, o.at]);
    if (chunk.profiles.length >= chunkProfiles) {
      yield chunk;
      chunk = { profiles: [], identities: [], events: [], orders: [] };
    }
  }
  if (chunk.profiles.length) yield chunk;
}
