/**
 * The demo shop's customers: a latent persona each, with the traits a shop knows (name, email,
 * phone, city, time zone, …) and the hidden habits that drive the simulation: a purchase rate
 * (Gamma across customers) and a dropout probability after each purchase (Beta), as BG/NBD
 * assumes; a browsing rate; a preferred hour of the day; category tastes and price sensitivity.
 */
import { createWeightedSampler } from '../ml/rng.js';
import type { Rng } from '../ml/rng.js';
import { DAY_MS, HOUR_MS } from './demo.calendar.js';
import type { DemoWindow } from './demo.calendar.js';
import type { DemoCatalog } from './demo.catalog.js';
import { CATEGORIES } from './demo.catalog.data.js';
import { DEVICES, DEVICE_WEIGHTS, EMAIL_DOMAINS, EN_CITIES, FIRST_FEMALE, FIRST_MALE, GIVEN_FEMALE, GIVEN_MALE, LAST_NAMES, SURNAMES, SURNAME_WEIGHTS, ZH_CITIES, ipFor, phoneFor, uniqueNumber } from './demo.people.js';
import type { City, Device } from './demo.people.js';
import type { Lang } from './demo.text.js';

export type PersonaId = 'bargain_hunter' | 'loyal_big_spender' | 'new_browser' | 'gift_buyer' | 'churn_risk';

export interface Persona {
  id: PersonaId;
  share: number;
  /** Mean purchases a year, and the Gamma shape of their spread across customers (small shape = wide spread). */
  ordersPerYear: number;
  rateShape: number;
  /** Mean browsing-only sessions a year. */
  browsePerYear: number;
  /** Beta(a, b) of the probability of dropping out after each purchase. */
  dropout: readonly [number, number];
  /** Mean days until the customer loses interest regardless of purchases. */
  lifetimeDays: number;
  /** Poisson mean of items beyond the first in an order. */
  extraItems: number;
  /** Exponent on price relative to the category median: > 0 prefers dear items, < 0 cheap ones (most people lean cheap). */
  pricePower: number;
  couponRate: number;
  /** Beta(a, b) of the email open rate. */
  openRate: readonly [number, number];
  clickRate: number;
  reviewRate: number;
  viewsPerSession: number;
  /** Probability of buying in the sign-up session. */
  firstOrder: number;
  /** Taste per top category, in CATEGORIES order. */
  affinity: readonly number[];
  /** Shops for gifts: follows festivals more strongly. */
  gift: boolean;
  /** Signed up recently. */
  recent: boolean;
  /** Local hours this persona likes to shop at. */
  hours: readonly number[];
  acceptsMarketing: number;
}

//                                           Elec Appl Beau Home Food Sport Baby Books
export const PERSONAS: readonly Persona[] = [
  { id: 'bargain_hunter', share: 0.26, ordersPerYear: 5, rateShape: 2, browsePerYear: 20, dropout: [2, 12], lifetimeDays: 700, extraItems: 0.7, pricePower: -0.95, couponRate: 0.65, openRate: [6, 12], clickRate: 0.2, reviewRate: 0.14, viewsPerSession: 3.5, firstOrder: 0.45, affinity: [1, 1.2, 1.3, 1, 1.7, 0.8, 0.8, 0.7], gift: false, recent: false, hours: [12.5, 22, 23.5], acceptsMarketing: 0.85 },
  { id: 'loyal_big_spender', share: 0.12, ordersPerYear: 10, rateShape: 3, browsePerYear: 22, dropout: [1, 25], lifetimeDays: 1800, extraItems: 1.3, pricePower: 0.25, couponRate: 0.15, openRate: [7, 14], clickRate: 0.17, reviewRate: 0.22, viewsPerSession: 2.5, firstOrder: 0.6, affinity: [1.6, 1.3, 1.3, 1.4, 0.9, 1, 1, 0.8], gift: false, recent: false, hours: [9, 20.5, 21.5], acceptsMarketing: 0.75 },
  { id: 'new_browser', share: 0.24, ordersPerYear: 0.6, rateShape: 1, browsePerYear: 30, dropout: [2, 6], lifetimeDays: 160, extraItems: 0.2, pricePower: -0.35, couponRate: 0.3, openRate: [3, 12], clickRate: 0.12, reviewRate: 0.1, viewsPerSession: 4, firstOrder: 0.08, affinity: [1.2, 1.2, 1, 1, 1, 1, 0.8, 1], gift: false, recent: true, hours: [14, 21, 23], acceptsMarketing: 0.55 },
  { id: 'gift_buyer', share: 0.18, ordersPerYear: 2, rateShape: 1.5, browsePerYear: 7, dropout: [2, 9], lifetimeDays: 900, extraItems: 0.4, pricePower: 0, couponRate: 0.25, openRate: [3, 11], clickRate: 0.14, reviewRate: 0.07, viewsPerSession: 3, firstOrder: 0.55, affinity: [1.3, 1.2, 1.6, 0.8, 1.2, 0.6, 0.7, 0.9], gift: true, recent: false, hours: [12, 20], acceptsMarketing: 0.6 },
  { id: 'churn_risk', share: 0.2, ordersPerYear: 4, rateShape: 1.5, browsePerYear: 12, dropout: [3, 5], lifetimeDays: 200, extraItems: 0.5, pricePower: -0.35, couponRate: 0.35, openRate: [2, 10], clickRate: 0.1, reviewRate: 0.14, viewsPerSession: 3, firstOrder: 0.55, affinity: [1, 1.1, 1, 1, 1.1, 1, 1, 1], gift: false, recent: false, hours: [10, 20, 22], acceptsMarketing: 0.6 },
];

export type MembershipLevel = 'bronze' | 'silver' | 'gold' | 'platinum';

export interface DemoCustomer {
  index: number;
  userId: string;
  persona: Persona;
  language: Lang;
  city: City;
  /** Traits sent with the sign-up identify call. */
  traits: Record<string, unknown>;
  signupMs: number;
  /** Signed up before the window began. */
  existing: boolean;
  membership: MembershipLevel;
  ordersPerYear: number;
  browsePerYear: number;
  dropout: number;
  /** When the customer loses interest (absent an earlier dropout). */
  lifetimeEndMs: number;
  /** Preferred local hour of activity, in [0, 24). */
  preferredHour: number;
  sampleProduct: (rng: Rng) => number;
  /** Products this customer buys again and again. */
  favorites: number[];
  openRate: number;
  clickRate: number;
  acceptsMarketing: boolean;
  /** Added to product quality when this customer rates. */
  ratingBias: number;
  ip: string;
  /** One or two devices, each with its own anonymous id (cookie). */
  devices: { device: Device; anonymousId: string }[];
}

/** What customers need from the rest of the shop. */
export interface CustomerContext {
  window: DemoWindow;
  catalog: DemoCatalog;
  /** Median price per top category, for price sensitivity. */
  medianPrice: Float64Array;
  /** Sign-up day samplers over the window: growing traffic, and recent-heavy for new browsers. */
  signupDay: (rng: Rng) => number;
  recentSignupDay: (rng: Rng) => number;
  offsetMinutes: (zone: string, day: number) => number;
  /** Width of the numbers that make emails unique. */
  emailModulus: number;
}

const ZH_CITY_WEIGHTS = ZH_CITIES.map((c) => c.weight);
const EN_CITY_WEIGHTS = EN_CITIES.map((c) => c.weight);
const PERSONA_SHARES = PERSONAS.map((p) => p.share);
/** Everyone's fallback diurnal curve (local hours 0–23): quiet nights, lunch and evening peaks. */
const DIURNAL = [1, 0.6, 0.35, 0.2, 0.15, 0.2, 0.4, 0.9, 1.6, 2.2, 2.5, 2.7, 3.2, 3, 2.6, 2.5, 2.5, 2.6, 2.8, 3.3, 3.9, 4.2, 3.6, 2.2];

/** A random RFC 4122 version-4 UUID from the seeded stream. */
export function uuid(rng: Rng): string {
  const hex = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');
  const a = hex(rng.uint32());
  const b = hex((rng.uint32() & 0xffff0fff) | 0x00004000);
  const c = hex((rng.uint32() & 0x3fffffff) | 0x80000000);
  const d = hex(rng.uint32());
  return `${a}-${b.slice(0, 4)}-${b.slice(4)}-${c.slice(0, 4)}-${c.slice(4)}${d}`;
}

/** A local hour of activity: mostly near the preferred hour, sometimes anywhere on the daily curve. */
export function localHour(rng: Rng, preferredHour: number): number {
  if (rng.bernoulli(0.72)) return (((preferredHour + rng.normal(0, 1.3)) % 24) + 24) % 24;
  return rng.weightedIndex(DIURNAL) + rng.next();
}

/** UTC time of a local hour on day `day` of the window in time zone `zone`. */
export function localTimeToUtc(ctx: CustomerContext, zone: string, day: number, hour: number): number {
  return ctx.window.gridStartMs + day * DAY_MS + hour * HOUR_MS - ctx.offsetMinutes(zone, day) * 60_000;
}

/** The window day (local calendar in time zone `zone`) on which UTC time `ms` falls. */
export function localDay(ctx: CustomerContext, zone: string, ms: number): number {
  const approx = Math.floor((ms - ctx.window.gridStartMs) / DAY_MS);
  return Math.floor((ms + ctx.offsetMinutes(zone, approx) * 60_000 - ctx.window.gridStartMs) / DAY_MS);
}

function names(rng: Rng, lang: Lang, female: boolean): { name: string; first: string; last: string; local: string[] } {
  if (lang === 'zh') {
    const surname = SURNAMES[rng.weightedIndex(SURNAME_WEIGHTS)] ?? ['王', 'wang'];
    const pool = female ? GIVEN_FEMALE : GIVEN_MALE;
    const given = rng.bernoulli(0.35) ? [rng.pick(pool)] : [rng.pick(pool), rng.pick(pool)];
    const first = given.map((g) => g[0]).join('');
    const firstPinyin = given.map((g) => g[1]).join('');
    return { name: surname[0] + first, first, last: surname[0], local: [`${surname[1]}${firstPinyin}`, `${firstPinyin}.${surname[1]}`, `${surname[1]}_${firstPinyin}`] };
  }
  const first = rng.pick(female ? FIRST_FEMALE : FIRST_MALE);
  const last = rng.pick(LAST_NAMES);
  const f = first.toLowerCase();
  const l = last.toLowerCase().replace(/[^a-z]/g, '');
  return { name: `${first} ${last}`, first, last, local: [`${f}.${l}`, `${f.charAt(0)}${l}`, `${f}${l}`, f] };
}

/** Builds customer `index` from its own stream: the same index and seed always give the same customer. */
export function createCustomer(index: number, rng: Rng, ctx: CustomerContext): DemoCustomer {
  const { window, catalog } = ctx;
  const persona = PERSONAS[rng.weightedIndex(PERSONA_SHARES)] as Persona; // index of PERSONA_SHARES
  const language: Lang = rng.bernoulli(0.6) ? 'zh' : 'en';
  const city = (language === 'zh' ? ZH_CITIES[rng.weightedIndex(ZH_CITY_WEIGHTS)] : EN_CITIES[rng.weightedIndex(EN_CITY_WEIGHTS)]) as City;
  const female = rng.bernoulli(language === 'zh' ? 0.58 : 0.54);
  const person = names(rng, language, female);
  const n = uniqueNumber(index, ctx.emailModulus);
  const domain = rng.pick(EMAIL_DOMAINS[language]);
  const email = domain === 'qq.example' && rng.bernoulli(0.6) ? `${ctx.emailModulus * 10 + n}@${domain}` : `${rng.pick(person.local)}${n}@${domain}`;
  const age = Math.round(Math.min(72, Math.max(18, rng.normal(persona.id === 'loyal_big_spender' ? 38 : 32, 9))));
  const endYear = new Date(window.endMs).getUTCFullYear();
  const birthday = `${endYear - age}-${String(rng.int(1, 13)).padStart(2, '0')}-${String(rng.int(1, 29)).padStart(2, '0')}`;

  // Sign-up: some customers predate the window; new browsers joined recently.
  const existing = !persona.recent && rng.bernoulli(0.35);
  const preferredHour = ((rng.pick(persona.hours) + rng.normal(0, 1.2)) % 24 + 24) % 24;
  let signupMs: number;
  if (existing) {
    signupMs = window.startMs - Math.floor((1 + rng.next() * 729) * DAY_MS);
  } else {
    const day = persona.recent && rng.bernoulli(0.8) ? ctx.recentSignupDay(rng) : ctx.signupDay(rng);
    signupMs = localTimeToUtc(ctx, city.timezone, day, localHour(rng, preferredHour));
    signupMs = Math.min(Math.max(signupMs, window.startMs + HOUR_MS), window.endMs - 2 * HOUR_MS);
  }
  const membership: MembershipLevel = !existing ? 'bronze' : persona.id === 'loyal_big_spender' ? (rng.bernoulli(0.5) ? 'gold' : 'silver') : rng.bernoulli(0.3) ? 'silver' : 'bronze';
  const acceptsMarketing = rng.bernoulli(persona.acceptsMarketing);

  // Hidden habits.
  const ordersPerYear = rng.gamma(persona.rateShape, persona.ordersPerYear / persona.rateShape);
  const browsePerYear = persona.browsePerYear * rng.gamma(2, 0.5);
  const dropout = rng.beta(persona.dropout[0], persona.dropout[1]);
  const lifetimeEndMs = Math.max(signupMs, window.startMs) + rng.exponential(1 / persona.lifetimeDays) * DAY_MS;
  const parent = age >= 24 && age <= 42 && rng.bernoulli(0.35);
  const affinity = persona.affinity.map((a, i) => {
    let w = a * rng.gamma(2, 0.5);
    const slug = CATEGORIES[i]?.slug;
    if (slug === 'beauty') w *= female ? 1.6 : 0.4;
    if (slug === 'electronics' && !female) w *= 1.3;
    if (slug === 'baby') w *= parent ? 4 : 0.2;
    return w;
  });
  const weights = catalog.products.map((p) => (p.popularity * (affinity[p.top] ?? 1) * Math.pow(p.price / (ctx.medianPrice[p.top] ?? p.price), persona.pricePower)));
  const sampleProduct = createWeightedSampler(weights);
  const favorites: number[] = [];
  const favoriteCount = rng.int(1, 5);
  for (let k = 0; k < favoriteCount * 3 && favorites.length < favoriteCount; k++) {
    const p = sampleProduct(rng);
    if (!favorites.includes(p)) favorites.push(p);
  }

  const deviceList = DEVICES[language];
  const primary = deviceList[rng.weightedIndex(DEVICE_WEIGHTS[language])] as Device; // same length as the weights
  const devices = [{ device: primary, anonymousId: uuid(rng) }];
  if (rng.bernoulli(0.4)) {
    const others = deviceList.filter((d) => d.kind !== primary.kind);
    devices.push({ device: rng.pick(others), anonymousId: uuid(rng) });
  }
  const userId = `u-${String(index + 1).padStart(5, '0')}`;
  const traits: Record<string, unknown> = {
    email,
    phone: phoneFor(city.country, city.area, index, rng),
    name: person.name,
    first_name: person.first,
    last_name: person.last,
    gender: female ? 'female' : 'male',
    birthday,
    city: city.name,
    country: city.country,
    language,
    timezone: city.timezone,
    created_at: new Date(signupMs).toISOString(),
    membership_level: membership,
    accepts_marketing: acceptsMarketing,
    acquisition_channel: rng.pick(language === 'zh' ? ['wechat', 'wechat', 'xiaohongshu', 'douyin', 'baidu', 'organic', 'referral'] : ['google', 'google', 'instagram', 'facebook', 'organic', 'referral', 'newsletter']),
  };
  return {
    index,
    userId,
    persona,
    language,
    city,
    traits,
    signupMs,
    existing,
    membership,
    ordersPerYear,
    browsePerYear,
    dropout,
    lifetimeEndMs,
    preferredHour,
    sampleProduct,
    favorites,
    openRate: rng.beta(persona.openRate[0], persona.openRate[1]),
    clickRate: persona.clickRate * (0.5 + rng.next()),
    acceptsMarketing,
    ratingBias: rng.normal(0, 0.3),
    ip: ipFor(city.country, rng),
    devices,
  };
}
