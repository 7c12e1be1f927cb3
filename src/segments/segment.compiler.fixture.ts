import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { DatabaseHandle } from '../db/connection.js';
import { compileSegment, type CompileContext } from './segment.compiler.js';
import { parseSegmentDefinition, type ValidationLookups } from './segment.validate.js';
import { traitDates } from '../profiles/trait-dates.js';

/**
 * A small synthetic workspace for the compiler tests, written straight into the tables. Every
 * expected member list in segment.compiler.test.ts is worked out by hand from the rows below.
 */

export const DAY = 86_400_000;
export const HOUR = 3_600_000;
/** 2026-03-15T12:00:00Z, a Sunday in a year without 29 February. */
export const T0 = Date.UTC(2026, 2, 15, 12);
export const WS = 'ws-seg';
export const OTHER_WS = 'ws-other';

export const IDS = Array.from({ length: 20 }, (_, i) => `p${String(i + 1).padStart(2, '0')}`);
/** Every live profile of WS except the given ones. */
export const except = (...ids: string[]): string[] => IDS.filter((id) => !ids.includes(id));

const TRAITS: Record<string, Record<string, unknown>> = {
  p01: { plan: 'gold', age: 34, vip: true, name: '王小明', city: '上海', signup: '2026-03-01T08:00:00Z', birthday: '1990-03-20', address: { city: 'Shanghai', zip: '200000' }, tags: ['vip', 'early'] },
  p02: { plan: 'free', age: 21, vip: false, name: 'Alice Smith', city: '北京', signup: '2025-12-01', birthday: '1985-12-30', address: { city: 'Beijing' }, tags: ['new'] },
  p03: { plan: 'Gold', age: '34', name: 'bob', signup: Date.UTC(2026, 0, 1), birthday: '2000-02-29' },
  p04: { plan: 'silver', age: 55, name: "x' or 1=1 --", birthday: '1970-01-05', address: { city: 'Shanghai', geo: { lat: 31.2 } } },
  p05: {},
  p06: { plan: null, age: 40.5, vip: true, name: '100%_match' },
  p07: { plan: 'gold', age: 19, name: 'Gold Digger', items: [{ category: 'tea' }, { category: 'cups' }], scores: { '2024': 5 } },
  p08: { plan: 'platinum', age: 65, signup: 'not a date', birthday: '2024-02-30' },
  p09: { plan: ['gold'], age: true, signup: '2026-03-10T10:00:00+08:00' },
  p10: { plan: 'free', age: 30, nested: { a: { b: { c: 'deep' } } }, birthday: '1995-03-16', renewal: '2026-03-01' },
  p11: { plan: 'gold', age: 45, renewal: '2026-03-20' },
  p12: { plan: 'free', age: 28, renewal: '2026-05-01' },
  p19: { plan: 'basic', birthday: '2026-03-18T23:30:00-05:00' },
};

/** Bad data that must never make a query raise (PostgreSQL casts) and never match a date or number test by accident. */
const RAW_TRAITS: Record<string, string> = {
  p20: '{"plan":"basic","huge":1e400,"signup":"2026-02-30T10:00:00Z","renewal":"+002026-03-16","birthday":"2026-03-16T24:00:00Z","age":"NaN"}',
};

interface EventRow {
  profile: string;
  name: string;
  at: number;
  props?: Record<string, unknown>;
  type?: string;
  ws?: string;
}

const purchase = (profile: string, at: number, props: Record<string, unknown>): EventRow => ({ profile, name: 'Order Completed', at, props });
const view = (profile: string, at: number, category: string): EventRow => ({ profile, name: 'Product Viewed', at, props: { product: { id: `sku-${profile}`, category } } });

const EVENTS: EventRow[] = [
  purchase('p01', T0 - 2 * DAY, { revenue: 100, currency: 'CNY', products: [{ category: 'tea' }] }),
  purchase('p01', T0 - 10 * DAY, { revenue: 50, currency: 'USD' }),
  purchase('p02', T0 - 20 * DAY, { revenue: 300, currency: 'CNY', coupon: 'SPRING' }),
  purchase('p03', T0 - 40 * DAY, { revenue: 20 }),
  purchase('p03', T0 - 45 * DAY, { revenue: 30 }),
  purchase('p03', T0 - 50 * DAY, { revenue: 40 }),
  purchase('p04', T0 - 1 * DAY, { revenue: 'free' }),
  purchase('p07', T0 - 29.5 * DAY, { revenue: 10 }),
  purchase('p10', T0 - 6 * DAY + 2 * HOUR, { revenue: 60 }),
  purchase('p11', T0 - 4 * DAY, { revenue: 70 }),
  purchase('p13', T0 - 8 * DAY, { revenue: 5 }),
  view('p05', T0 - 3 * DAY, 'tea'),
  view('p06', T0 - 5 * DAY, 'cups'),
  view('p10', T0 - 6 * DAY, 'tea'),
  view('p11', T0 - 6 * DAY, 'cups'),
  view('p12', T0 - 2 * HOUR, 'cups'),
  view('p13', T0 - 7 * DAY, 'cups'),
  { profile: 'p14', name: 'Pricing', type: 'page', at: T0 - DAY },
  { profile: 'p15', name: 'Pricing', type: 'page', at: T0 - 3 * DAY },
  { profile: 'p15', name: 'Pricing', type: 'page', at: T0 - 3 * DAY + HOUR },
  { profile: 'p16', name: 'Home', type: 'screen', at: T0 - DAY },
  // Another workspace with the same names must never leak in; a merged profile's events neither.
  { profile: 'q01', name: 'Order Completed', at: T0 - DAY, props: { revenue: 1000 }, ws: OTHER_WS },
  { profile: 'p21', name: 'Pricing', type: 'page', at: T0 - DAY },
];

export const COMPUTED: CompileContext['computedTraits'] = new Map([
  ['rfm_segment', { valueType: 'string' }],
  ['churn_risk', { valueType: 'number' }],
  ['is_high_value', { valueType: 'boolean' }],
  ['predicted_next_order', { valueType: 'date' }],
]);

export const GROUPS: CompileContext['subscriptionGroups'] = new Map([
  ['newsletter', { type: 'opt_out' }],
  ['sms-promo', { type: 'opt_in' }],
]);

export async function seedSegmentFixture(db: Kysely<Database>): Promise<void> {
  for (const id of [WS, OTHER_WS]) await db.insertInto('workspaces').values({ id, name: id, slug: id, is_demo: 0, currency: 'CNY', created_at: T0 }).execute();
  const profile = (workspace_id: string, id: string, traits: Record<string, unknown>, merged_into: string | null = null) => ({
    id, workspace_id, user_id: null, email: null, phone: null, traits: RAW_TRAITS[id] ?? JSON.stringify(traits), trait_times: '{}',
    // As the profile repository writes it (saveProfiles): from the traits as parsed.
    trait_dates: JSON.stringify(traitDates(RAW_TRAITS[id] ? (JSON.parse(RAW_TRAITS[id]) as Record<string, unknown>) /* the object literals above */ : traits)),
    first_seen_at: T0 - 100 * DAY, last_seen_at: T0, event_count: 0, merged_into, created_at: T0 - 100 * DAY, updated_at: T0,
  });
  await db
    .insertInto('profiles')
    .values([
      ...IDS.map((id) => profile(WS, id, TRAITS[id] ?? { plan: 'basic' })),
      profile(WS, 'p21', { plan: 'gold', age: 34, name: '王小明' }, 'p01'),
      profile(OTHER_WS, 'q01', { plan: 'gold', age: 34 }),
    ])
    .execute();
  await db
    .insertInto('events')
    .values(
      EVENTS.map((e, i) => ({
        workspace_id: e.ws ?? WS, message_id: `m${i}`, type: e.type ?? 'track', name: e.name, profile_id: e.profile, user_id: null, anonymous_id: null,
        properties: JSON.stringify(e.props ?? {}), context: '{}', timestamp: e.at, received_at: e.at, sent_at: null,
      })),
    )
    .execute();
  // Identify events have no name: they never match an event condition.
  await db
    .insertInto('events')
    .values({ workspace_id: WS, message_id: 'identify-1', type: 'identify', name: null, profile_id: 'p01', user_id: null, anonymous_id: null, properties: '{"traits":{}}', context: '{}', timestamp: T0 - DAY, received_at: T0, sent_at: null })
    .execute();

  const computed = (workspace_id: string, profile_id: string, key: string, num_value: number | null, text_value: string | null) => ({ workspace_id, profile_id, key, num_value, text_value, updated_at: T0 });
  await db
    .insertInto('profile_computed_traits')
    .values([
      computed(WS, 'p01', 'rfm_segment', null, 'Champions'),
      computed(WS, 'p02', 'rfm_segment', null, 'At Risk'),
      computed(WS, 'p03', 'rfm_segment', null, 'Champions'),
      computed(WS, 'p04', 'rfm_segment', null, '需要关注'),
      computed(WS, 'p01', 'churn_risk', 0.1, null),
      computed(WS, 'p02', 'churn_risk', 0.8, null),
      computed(WS, 'p03', 'churn_risk', 0.5, null),
      computed(WS, 'p05', 'churn_risk', 0.95, null),
      computed(WS, 'p01', 'is_high_value', 1, null),
      computed(WS, 'p02', 'is_high_value', 0, null),
      computed(WS, 'p01', 'predicted_next_order', T0 + 3 * DAY, null),
      computed(WS, 'p02', 'predicted_next_order', T0 + 40 * DAY, null),
      computed(WS, 'p03', 'predicted_next_order', T0 - 5 * DAY, null),
      computed(OTHER_WS, 'q01', 'rfm_segment', null, 'Champions'),
    ])
    .execute();

  await db
    .insertInto('segment_members')
    .values([
      { workspace_id: WS, segment_id: 'seg-a', profile_id: 'p01', entered_at: T0 },
      { workspace_id: WS, segment_id: 'seg-a', profile_id: 'p02', entered_at: T0 },
      { workspace_id: OTHER_WS, segment_id: 'seg-a', profile_id: 'q01', entered_at: T0 },
    ])
    .execute();

  await db
    .insertInto('subscription_groups')
    .values([
      { workspace_id: WS, id: 'newsletter', name: 'Newsletter', channel: 'email', type: 'opt_out', created_at: T0 },
      { workspace_id: WS, id: 'sms-promo', name: 'SMS promotions', channel: 'sms', type: 'opt_in', created_at: T0 },
    ])
    .execute();
  const sub = (profile_id: string, group_id: string, status: string) => ({ workspace_id: WS, group_id, profile_id, status, updated_at: T0 });
  await db
    .insertInto('subscriptions')
    .values([sub('p02', 'newsletter', 'unsubscribed'), sub('p03', 'newsletter', 'subscribed'), sub('p01', 'sms-promo', 'subscribed'), sub('p02', 'sms-promo', 'unsubscribed'), sub('p04', 'sms-promo', 'subscribed')])
    .execute();
}

/** Lookups that accept every reference in the fixture and know no trait types (the compiler tests check semantics, not validation). */
export const LENIENT: ValidationLookups = {
  computedTraits: COMPUTED,
  segmentIds: new Set(['seg-a']),
  subscriptionGroupIds: new Set(GROUPS.keys()),
  traitTypes: new Map(),
  segmentRefs: new Map(),
};

/**
 * Members of a definition (validated first), sorted. With `ids`: the incremental form, the caller's
 * `and p.id in (…)` plus (unless `pushDown` is false) the context's profileIds hint.
 */
export async function members(
  h: DatabaseHandle,
  root: unknown,
  options: { now?: number; ids?: readonly string[]; pushDown?: boolean; eventCounts?: ReadonlyMap<string, number> } = {},
): Promise<string[]> {
  const def = parseSegmentDefinition({ root }, LENIENT);
  const ctx: CompileContext = { workspaceId: WS, now: options.now ?? T0, dialect: h.dialect, computedTraits: COMPUTED, subscriptionGroups: GROUPS, ...(options.eventCounts ? { eventCounts: options.eventCounts } : {}) };
  let q = h.db
    .selectFrom('profiles as p')
    .select('p.id')
    .where('p.workspace_id', '=', WS)
    .where('p.merged_into', 'is', null)
    .where(compileSegment(def, options.ids && options.pushDown !== false ? { ...ctx, profileIds: options.ids } : ctx));
  if (options.ids) q = q.where('p.id', 'in', options.ids);
  return (await q.execute()).map((r) => r.id).sort();
}
