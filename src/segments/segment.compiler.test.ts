import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { DatabaseHandle } from '../db/connection.js';
import { createTestDatabase, openTestDatabase, testDialects, type TestDatabase } from '../db/testing.js';
import { DAY, HOUR, IDS, LENIENT, T0, except, members, seedSegmentFixture } from './segment.compiler.fixture.js';
import { durationMs, segmentDependencies } from './segment.compiler.js';
import { parseSegmentDefinition } from './segment.validate.js';

type Node = Record<string, unknown>;
/** [what, root node, expected member ids, now (default T0)] */
type Case = [string, Node, string[], number?];

const trait = (key: string, test: Node): Node => ({ kind: 'trait', key, ...test });
const computed = (key: string, test: Node): Node => ({ kind: 'computed', key, ...test });
const orders = (extra: Node = {}, where: Node[] = []): Node => ({ kind: 'event', event: { name: 'Order Completed', where }, ...extra });
const viewThenBuy = (extra: Node = {}, firstWhere: Node[] = [], thenWhere: Node[] = []): Node => ({
  kind: 'sequence',
  first: { name: 'Product Viewed', where: firstWhere },
  then: { name: 'Order Completed', where: thenWhere },
  within: { amount: 1, unit: 'days' },
  ...extra,
});
const and = (...conditions: Node[]): Node => ({ kind: 'and', conditions });
const or = (...conditions: Node[]): Node => ({ kind: 'or', conditions });
const not = (condition: Node): Node => ({ kind: 'not', condition });
const PURCHASERS = ['p01', 'p02', 'p03', 'p04', 'p07', 'p10', 'p11', 'p13'];
/** The bucket computed independently of the code under test. */
const jsBucket = (id: string, salt: string) => parseInt(createHash('md5').update(id + salt).digest('hex').slice(0, 8), 16) % 100;

const TRAIT_CASES: Case[] = [
  ['equals is exact and type-strict', trait('plan', { op: 'equals', value: 'gold' }), ['p01', 'p07', 'p11']],
  ['equals is case-sensitive', trait('plan', { op: 'equals', value: 'Gold' }), ['p03']],
  ['not_equals includes missing and null', trait('plan', { op: 'not_equals', value: 'gold' }), except('p01', 'p07', 'p11')],
  ['contains ignores case', trait('plan', { op: 'contains', value: 'GOL' }), ['p01', 'p03', 'p07', 'p11']],
  ['contains on an array: an element equal ignoring case', trait('plan', { op: 'contains', value: 'GOLD' }), ['p01', 'p03', 'p07', 'p09', 'p11']],
  ['not_contains', trait('plan', { op: 'not_contains', value: 'gol' }), except('p01', 'p03', 'p07', 'p11')],
  ['starts_with ignores case', trait('plan', { op: 'starts_with', value: 'PLA' }), ['p08']],
  ['contains Chinese', trait('name', { op: 'contains', value: '小明' }), ['p01']],
  ['% is a character, not a wildcard', trait('name', { op: 'contains', value: '%' }), ['p06']],
  ['_ is a character, not a wildcard', trait('name', { op: 'contains', value: '_' }), ['p06']],
  ['starts_with with %', trait('name', { op: 'starts_with', value: '100%' }), ['p06']],
  ['in strings', trait('plan', { op: 'in', values: ['gold', 'silver'] }), ['p01', 'p04', 'p07', 'p11']],
  ['in numbers does not match numeric strings', trait('age', { op: 'in', values: [34, 19] }), ['p01', 'p07']],
  ['in a numeric string matches the string only', trait('age', { op: 'in', values: ['34'] }), ['p03']],
  ['in a boolean', trait('age', { op: 'in', values: [true] }), ['p09']],
  ['not_in includes missing, null and other types', trait('plan', { op: 'not_in', values: ['gold', 'free', 'basic'] }), ['p03', 'p04', 'p05', 'p06', 'p08', 'p09']],
  ['exists: present and not null', trait('plan', { op: 'exists' }), except('p05', 'p06')],
  ['not_exists: absent or null', trait('plan', { op: 'not_exists' }), ['p05', 'p06']],
  ['gt: JSON numbers only', trait('age', { op: 'gt', value: 30 }), ['p01', 'p04', 'p06', 'p08', 'p11']],
  ['gte', trait('age', { op: 'gte', value: 30 }), ['p01', 'p04', 'p06', 'p08', 'p10', 'p11']],
  ['lt', trait('age', { op: 'lt', value: 21 }), ['p07']],
  ['lte', trait('age', { op: 'lte', value: 21 }), ['p02', 'p07']],
  ['between is inclusive', trait('age', { op: 'between', from: 21, to: 30 }), ['p02', 'p10', 'p12']],
  ['equals a number', trait('age', { op: 'equals', value: 34 }), ['p01']],
  ['equals a fraction', trait('age', { op: 'equals', value: 40.5 }), ['p06']],
  ['not_equals a number includes the numeric string', trait('age', { op: 'not_equals', value: 34 }), except('p01')],
  ['equals true', trait('vip', { op: 'equals', value: true }), ['p01', 'p06']],
  ['equals false', trait('vip', { op: 'equals', value: false }), ['p02']],
  ['not_equals true', trait('vip', { op: 'not_equals', value: true }), except('p01', 'p06')],
  ['nested path', trait('address.city', { op: 'equals', value: 'Shanghai' }), ['p01', 'p04']],
  ['three levels', trait('address.geo.lat', { op: 'gt', value: 31 }), ['p04']],
  ['four levels', trait('nested.a.b.c', { op: 'equals', value: 'deep' }), ['p10']],
  ['array index', trait('items.1.category', { op: 'equals', value: 'cups' }), ['p07']],
  ['negative array index', trait('items.-1.category', { op: 'equals', value: 'cups' }), ['p07']],
  ['array index 0', trait('items.0.category', { op: 'equals', value: 'cups' }), []],
  ['an integer segment names an object key', trait('scores.2024', { op: 'equals', value: 5 }), ['p07']],
  ['an object exists', trait('address', { op: 'exists' }), ['p01', 'p02', 'p04']],
  ['Chinese value', trait('city', { op: 'equals', value: '上海' }), ['p01']],
  ['nested contains', trait('address.city', { op: 'contains', value: 'HAI' }), ['p01', 'p04']],
  // Dates: ISO text or epoch ms; a date alone is midnight UTC.
  ['date_before', trait('signup', { op: 'date_before', value: '2026-01-01' }), ['p02']],
  ['date_after is strict', trait('signup', { op: 'date_after', value: '2026-01-01' }), ['p01', 'p09']],
  ['date_after includes epoch ms', trait('signup', { op: 'date_after', value: '2025-12-31T23:59:59.999Z' }), ['p01', 'p03', 'p09']],
  ['offsets are honoured (10:00+08:00 is 02:00Z)', trait('signup', { op: 'date_before', value: '2026-03-10T03:00:00Z' }), ['p01', 'p02', 'p03', 'p09']],
  ['offsets are honoured, other side', trait('signup', { op: 'date_before', value: '2026-03-10T01:00:00+00:00' }), ['p01', 'p02', 'p03']],
  ['date_within_last 7 days', trait('signup', { op: 'date_within_last', amount: 7, unit: 'days' }), ['p09']],
  ['date_within_last 15 days', trait('signup', { op: 'date_within_last', amount: 15, unit: 'days' }), ['p01', 'p09']],
  ['date_within_last 2 weeks', trait('signup', { op: 'date_within_last', amount: 2, unit: 'weeks' }), ['p09']],
  ['date_within_last 3 months (90 days)', trait('signup', { op: 'date_within_last', amount: 3, unit: 'months' }), ['p01', 'p03', 'p09']],
  ['date_within_last 15 days, 5 days later', trait('signup', { op: 'date_within_last', amount: 15, unit: 'days' }), ['p09'], T0 + 5 * DAY],
  ['date_within_last 400 hours', trait('signup', { op: 'date_within_last', amount: 400, unit: 'hours' }), ['p01', 'p09']],
  ['date_not_within_last: older, never absent or invalid', trait('signup', { op: 'date_not_within_last', amount: 30, unit: 'days' }), ['p02', 'p03']],
  ['date_within_next', trait('renewal', { op: 'date_within_next', amount: 7, unit: 'days' }), ['p11']],
  ['date_within_next 2 months', trait('renewal', { op: 'date_within_next', amount: 2, unit: 'months' }), ['p11', 'p12']],
  ['date_within_next 5 minutes', trait('renewal', { op: 'date_within_next', amount: 5, unit: 'minutes' }), []],
  ['an invalid calendar date exists but is no date', trait('birthday', { op: 'exists' }), ['p01', 'p02', 'p03', 'p04', 'p08', 'p10', 'p19', 'p20']],
  ['anniversary_within_next 7 days (18 Mar 23:30-05:00 is 19 Mar UTC)', trait('birthday', { op: 'anniversary_within_next', days: 7 }), ['p01', 'p10', 'p19']],
  ['anniversary of an offset date-time, by its UTC day', trait('birthday', { op: 'anniversary_within_next', days: 0 }), ['p19'], Date.UTC(2026, 2, 19)],
  ['a number beyond double range is still a number', trait('huge', { op: 'gt', value: 1e300 }), ['p20']],
  ['a huge number is no date in range', trait('huge', { op: 'date_within_next', amount: 1, unit: 'days' }), []],
  ['a huge number has no anniversary', trait('huge', { op: 'anniversary_within_next', days: 366 }), []],
  ['a huge number is in no list', trait('huge', { op: 'in', values: [1, 2] }), []],
  ['invalid ISO strings are no dates', trait('renewal', { op: 'date_after', value: '2000-01-01' }), ['p10', 'p11', 'p12']],
  ['anniversary_within_next 0 days: today only', trait('birthday', { op: 'anniversary_within_next', days: 0 }), []],
  ['anniversary today (any time of the UTC day)', trait('birthday', { op: 'anniversary_within_next', days: 0 }), ['p01'], T0 + 5 * DAY + 11 * HOUR],
  ['anniversary over 31 Dec', trait('birthday', { op: 'anniversary_within_next', days: 7 }), ['p02'], Date.UTC(2026, 11, 28, 9)],
  ['anniversary over 31 Dec, to 5 Jan', trait('birthday', { op: 'anniversary_within_next', days: 8 }), ['p02', 'p04'], Date.UTC(2026, 11, 28, 9)],
  ['29 Feb falls on 28 Feb without a leap day', trait('birthday', { op: 'anniversary_within_next', days: 3 }), ['p03'], Date.UTC(2026, 1, 25)],
  ['29 Feb is past on 1 Mar', trait('birthday', { op: 'anniversary_within_next', days: 3 }), [], Date.UTC(2026, 2, 1)],
  ['29 Feb in a leap year is the 29th', trait('birthday', { op: 'anniversary_within_next', days: 1 }), [], Date.UTC(2028, 1, 27)],
  ['29 Feb in a leap year, reached', trait('birthday', { op: 'anniversary_within_next', days: 2 }), ['p03'], Date.UTC(2028, 1, 27)],
  ['anniversary of an epoch-ms date', trait('signup', { op: 'anniversary_within_next', days: 3 }), ['p03'], Date.UTC(2026, 11, 30)],
];

const COMPUTED_CASES: Case[] = [
  ['text equals', computed('rfm_segment', { op: 'equals', value: 'Champions' }), ['p01', 'p03']],
  ['text not_equals includes profiles without a value', computed('rfm_segment', { op: 'not_equals', value: 'Champions' }), except('p01', 'p03')],
  ['text contains Chinese', computed('rfm_segment', { op: 'contains', value: '关注' }), ['p04']],
  ['text not_contains', computed('rfm_segment', { op: 'not_contains', value: 'champ' }), except('p01', 'p03')],
  ['text starts_with ignores case', computed('rfm_segment', { op: 'starts_with', value: 'at' }), ['p02']],
  ['text in', computed('rfm_segment', { op: 'in', values: ['At Risk', '需要关注'] }), ['p02', 'p04']],
  ['text not_in', computed('rfm_segment', { op: 'not_in', values: ['Champions'] }), except('p01', 'p03')],
  ['exists', computed('rfm_segment', { op: 'exists' }), ['p01', 'p02', 'p03', 'p04']],
  ['not_exists', computed('rfm_segment', { op: 'not_exists' }), except('p01', 'p02', 'p03', 'p04')],
  ['number gt', computed('churn_risk', { op: 'gt', value: 0.5 }), ['p02', 'p05']],
  ['number gte', computed('churn_risk', { op: 'gte', value: 0.5 }), ['p02', 'p03', 'p05']],
  ['number lt', computed('churn_risk', { op: 'lt', value: 0.5 }), ['p01']],
  ['number between', computed('churn_risk', { op: 'between', from: 0.1, to: 0.5 }), ['p01', 'p03']],
  ['number lte', computed('churn_risk', { op: 'lte', value: 0.1 }), ['p01']],
  ['number equals', computed('churn_risk', { op: 'equals', value: 0.8 }), ['p02']],
  ['number in', computed('churn_risk', { op: 'in', values: [0.8, 0.95] }), ['p02', 'p05']],
  ['number not_equals', computed('churn_risk', { op: 'not_equals', value: 0.8 }), except('p02')],
  ['boolean true', computed('is_high_value', { op: 'equals', value: true }), ['p01']],
  ['boolean false', computed('is_high_value', { op: 'equals', value: false }), ['p02']],
  ['boolean not_equals', computed('is_high_value', { op: 'not_equals', value: true }), except('p01')],
  ['date within next', computed('predicted_next_order', { op: 'date_within_next', amount: 7, unit: 'days' }), ['p01']],
  ['date before', computed('predicted_next_order', { op: 'date_before', value: '2026-03-14' }), ['p03']],
  ['date within last', computed('predicted_next_order', { op: 'date_within_last', amount: 7, unit: 'days' }), ['p03']],
  ['date after', computed('predicted_next_order', { op: 'date_after', value: '2026-04-01T00:00:00Z' }), ['p02']],
];

const between = (from: string, to: string) => ({ kind: 'between', from, to });
const EVENT_CASES: Case[] = [
  ['performed, ever', orders(), PURCHASERS],
  ['not performed', orders({ performed: false }), except(...PURCHASERS)],
  ['last 30 days', orders({ window: { kind: 'last', amount: 30, unit: 'days' } }), ['p01', 'p02', 'p04', 'p07', 'p10', 'p11', 'p13']],
  ['last 30 days, a day later: p07 has left', orders({ window: { kind: 'last', amount: 30, unit: 'days' } }), ['p01', 'p02', 'p04', 'p10', 'p11', 'p13'], T0 + DAY],
  ['last 30 days, on day 31 of p02’s order', orders({ window: { kind: 'last', amount: 30, unit: 'days' } }), ['p01', 'p04', 'p10', 'p11', 'p13'], T0 + 11 * DAY],
  ['last 30 days ends now (later events do not count yet)', orders({ window: { kind: 'last', amount: 30, unit: 'days' } }), ['p01', 'p02', 'p07', 'p10', 'p11', 'p13'], T0 - 3 * DAY],
  ['last 1 months = 30 days', orders({ window: { kind: 'last', amount: 1, unit: 'months' } }), ['p01', 'p02', 'p04', 'p07', 'p10', 'p11', 'p13']],
  ['count >= 2', orders({ count: { op: '>=', value: 2 } }), ['p01', 'p03']],
  ['count > 2', orders({ count: { op: '>', value: 2 } }), ['p03']],
  ['count > 0', orders({ count: { op: '>', value: 0 } }), PURCHASERS],
  ['count = 0 includes everyone without the event', orders({ count: { op: '=', value: 0 } }), except(...PURCHASERS)],
  ['count < 3 includes zero', orders({ count: { op: '<', value: 3 } }), except('p03')],
  ['count <= 1 includes zero', orders({ count: { op: '<=', value: 1 } }), except('p01', 'p03')],
  ['count = 1', orders({ count: { op: '=', value: 1 } }), ['p02', 'p04', 'p07', 'p10', 'p11', 'p13']],
  ['count != 1 includes zero', orders({ count: { op: '!=', value: 1 } }), except('p02', 'p04', 'p07', 'p10', 'p11', 'p13')],
  ['not performed with count >= 2: fewer than 2', orders({ performed: false, count: { op: '>=', value: 2 } }), except('p01', 'p03')],
  ['between two instants', orders({ window: between('2026-01-20T00:00:00Z', '2026-02-10T00:00:00Z') }), ['p03']],
  ['between with count = 3', orders({ window: between('2026-01-20T00:00:00Z', '2026-02-10T00:00:00Z'), count: { op: '=', value: 3 } }), ['p03']],
  ['between with count < 1', orders({ window: between('2026-01-20T00:00:00Z', '2026-02-10T00:00:00Z'), count: { op: '<', value: 1 } }), except('p03')],
  ['between includes from', orders({ window: between('2026-02-14T00:00:00Z', '2026-02-15T00:00:00Z') }), ['p07']],
  ['between excludes to', orders({ window: between('2026-02-13T00:00:00Z', '2026-02-14T00:00:00Z') }), []],
  ['property gte', orders({}, [{ path: 'revenue', op: 'gte', value: 100 }]), ['p01', 'p02']],
  ['property equals', orders({}, [{ path: 'currency', op: 'equals', value: 'CNY' }]), ['p01', 'p02']],
  ['nested property with an index', orders({}, [{ path: 'products.0.category', op: 'equals', value: 'tea' }]), ['p01']],
  ['property exists', orders({}, [{ path: 'coupon', op: 'exists' }]), ['p02']],
  ['property not_exists', orders({}, [{ path: 'coupon', op: 'not_exists' }]), ['p01', 'p03', 'p04', 'p07', 'p10', 'p11', 'p13']],
  ['property not_equals includes a string revenue', orders({}, [{ path: 'revenue', op: 'not_equals', value: 100 }]), PURCHASERS],
  ['property string value', orders({}, [{ path: 'revenue', op: 'equals', value: 'free' }]), ['p04']],
  ['filters and count', orders({ count: { op: '>=', value: 2 } }, [{ path: 'revenue', op: 'lt', value: 45 }]), ['p03']],
  ['two filters', orders({}, [{ path: 'revenue', op: 'gt', value: 40 }, { path: 'currency', op: 'equals', value: 'USD' }]), ['p01']],
  ['sum >=', orders({ aggregate: { fn: 'sum', path: 'revenue', op: '>=', value: 100 } }), ['p01', 'p02']],
  ['avg >', orders({ aggregate: { fn: 'avg', path: 'revenue', op: '>', value: 40 } }), ['p01', 'p02', 'p10', 'p11']],
  ['min <', orders({ aggregate: { fn: 'min', path: 'revenue', op: '<', value: 10 } }), ['p13']],
  ['max =', orders({ aggregate: { fn: 'max', path: 'revenue', op: '=', value: 40 } }), ['p03']],
  ['sum < excludes profiles without a numeric value', orders({ aggregate: { fn: 'sum', path: 'revenue', op: '<', value: 100 } }), ['p03', 'p07', 'p10', 'p11', 'p13']],
  ['sum in the last 5 days', orders({ window: { kind: 'last', amount: 5, unit: 'days' }, aggregate: { fn: 'sum', path: 'revenue', op: '>=', value: 100 } }), ['p01']],
  ['sum and count', orders({ count: { op: '>=', value: 2 }, aggregate: { fn: 'sum', path: 'revenue', op: '>=', value: 100 } }), ['p01']],
  ['not performed with an aggregate', orders({ performed: false, aggregate: { fn: 'sum', path: 'revenue', op: '>=', value: 100 } }), except('p01', 'p02')],
  ['page name', { kind: 'event', event: { name: 'Pricing' } }, ['p14', 'p15']],
  ['page name twice', { kind: 'event', event: { name: 'Pricing' }, count: { op: '>=', value: 2 } }, ['p15']],
  ['screen name', { kind: 'event', event: { name: 'Home' } }, ['p16']],
];

const SEQUENCE_CASES: Case[] = [
  ['viewed then bought within a day', viewThenBuy(), ['p10']],
  ['within 3 days', viewThenBuy({ within: { amount: 3, unit: 'days' } }), ['p10', 'p11']],
  ['within 2 hours includes exactly 2 hours', viewThenBuy({ within: { amount: 2, unit: 'hours' } }), ['p10']],
  ['within 1 hour', viewThenBuy({ within: { amount: 1, unit: 'hours' } }), []],
  ['viewed and no purchase within a day (settled views only)', viewThenBuy({ thenPerformed: false }), ['p05', 'p06', 'p11', 'p13']],
  ['a day later the recent view has settled', viewThenBuy({ thenPerformed: false }), ['p05', 'p06', 'p11', 'p12', 'p13'], T0 + DAY],
  ['first filter', viewThenBuy({}, [{ path: 'product.category', op: 'equals', value: 'tea' }]), ['p10']],
  ['first filter, absent', viewThenBuy({ thenPerformed: false }, [{ path: 'product.category', op: 'equals', value: 'tea' }]), ['p05']],
  ['then filter', viewThenBuy({}, [], [{ path: 'revenue', op: 'gt', value: 100 }]), []],
  ['window on the first event', viewThenBuy({ window: { kind: 'last', amount: 4, unit: 'days' } }), []],
  ['window on the first event, absent', viewThenBuy({ window: { kind: 'last', amount: 4, unit: 'days' }, thenPerformed: false }), ['p05']],
];

const MEMBERSHIP_CASES: Case[] = [
  ['in segment', { kind: 'segment', segmentId: 'seg-a' }, ['p01', 'p02']],
  ['not in segment', { kind: 'segment', segmentId: 'seg-a', inSegment: false }, except('p01', 'p02')],
  ['opt-out group: subscribed unless unsubscribed', { kind: 'subscription', groupId: 'newsletter', status: 'subscribed' }, except('p02')],
  ['opt-out group: unsubscribed', { kind: 'subscription', groupId: 'newsletter', status: 'unsubscribed' }, ['p02']],
  ['opt-in group: subscribed only with a subscribe', { kind: 'subscription', groupId: 'sms-promo', status: 'subscribed' }, ['p01', 'p04']],
  ['opt-in group: unsubscribed', { kind: 'subscription', groupId: 'sms-promo', status: 'unsubscribed' }, except('p01', 'p04')],
  ['bucket 0–50', { kind: 'bucket', salt: 'holdout', from: 0, to: 50 }, IDS.filter((id) => jsBucket(id, 'holdout') < 50)],
  ['bucket 50–100', { kind: 'bucket', salt: 'holdout', from: 50, to: 100 }, IDS.filter((id) => jsBucket(id, 'holdout') >= 50)],
  ['bucket 0–100', { kind: 'bucket', from: 0, to: 100 }, IDS],
  ['bucket with a Chinese salt', { kind: 'bucket', salt: '实验', from: 10, to: 40 }, IDS.filter((id) => jsBucket(id, '实验') >= 10 && jsBucket(id, '实验') < 40)],
];

const GROUP_CASES: Case[] = [
  ['and', and(trait('plan', { op: 'equals', value: 'gold' }), orders({ window: { kind: 'last', amount: 5, unit: 'days' } })), ['p01', 'p11']],
  ['or', or(trait('age', { op: 'gt', value: 60 }), computed('rfm_segment', { op: 'equals', value: 'At Risk' })), ['p02', 'p08']],
  ['not or', not(or(trait('plan', { op: 'equals', value: 'gold' }), trait('plan', { op: 'equals', value: 'free' }))), except('p01', 'p02', 'p07', 'p10', 'p11', 'p12')],
  ['and of or and not', and(or(trait('plan', { op: 'equals', value: 'gold' }), trait('vip', { op: 'equals', value: true })), not(orders({ count: { op: '>=', value: 2 } }))), ['p06', 'p07', 'p11']],
  ['empty and is true', and(), IDS],
  ['empty or is false', or(), []],
  ['not empty and', not(and()), []],
  ['double not', not(not(trait('plan', { op: 'equals', value: 'gold' }))), ['p01', 'p07', 'p11']],
  ['not of a NOT IN form', not(orders({ count: { op: '<', value: 3 } })), ['p03']],
  [
    'deep mix',
    or(
      and(trait('address.city', { op: 'equals', value: 'Shanghai' }), not({ kind: 'subscription', groupId: 'sms-promo', status: 'unsubscribed' })),
      and({ kind: 'segment', segmentId: 'seg-a' }, computed('churn_risk', { op: 'gt', value: 0.5 })),
    ),
    ['p01', 'p02', 'p04'],
  ],
];

const INJECTION = "' or 1=1 --";
const INJECTION_CASES: Case[] = [
  ['a quote in a stored value', trait('name', { op: 'equals', value: "x' or 1=1 --" }), ['p04']],
  ['SQL as an equals value', trait('plan', { op: 'equals', value: INJECTION }), []],
  ['SQL as a contains value is a substring', trait('name', { op: 'contains', value: INJECTION }), ['p04']],
  ['SQL in a list', trait('plan', { op: 'in', values: [INJECTION, `gold${INJECTION}`] }), []],
  ['SQL as an event name', { kind: 'event', event: { name: INJECTION } }, []],
  ['SQL as a property value', orders({}, [{ path: 'currency', op: 'equals', value: INJECTION }]), []],
  ['SQL as a bucket salt', { kind: 'bucket', salt: INJECTION, from: 0, to: 100 }, IDS],
  ['SQL in a computed value', computed('rfm_segment', { op: 'starts_with', value: INJECTION }), []],
];

const GROUPS_OF_CASES: Array<[string, Case[]]> = [
  ['trait conditions', TRAIT_CASES],
  ['computed traits', COMPUTED_CASES],
  ['event conditions', EVENT_CASES],
  ['sequences', SEQUENCE_CASES],
  ['segments, subscriptions and buckets', MEMBERSHIP_CASES],
  ['and / or / not', GROUP_CASES],
  ['values containing SQL are values', INJECTION_CASES],
];

for (const dialect of testDialects()) {
  describe(`segment compiler (${dialect})`, () => {
    let t: TestDatabase;
    let h: DatabaseHandle;
    before(async () => {
      t = await createTestDatabase(dialect);
      h = await openTestDatabase(t);
      await seedSegmentFixture(h.db);
    });
    after(async () => {
      await h.close();
      await t.cleanup();
    });

    for (const [title, cases] of GROUPS_OF_CASES) {
      test(`${title}: exact members`, async () => {
        for (const [what, root, expected, now] of cases) {
          assert.deepEqual(await members(h, root, now === undefined ? {} : { now }), [...expected].sort(), what);
        }
      });
    }

    test('the incremental form equals the full form restricted to the ids', async () => {
      const ids = ['p01', 'p03', 'p05', 'p07', 'p12', 'p13', 'p21'];
      const every = GROUPS_OF_CASES.flatMap(([, cases]) => cases);
      for (const [what, root, , now] of every) {
        const full = await members(h, root, now === undefined ? {} : { now });
        const expected = full.filter((id) => ids.includes(id));
        assert.deepEqual(await members(h, root, { now: now ?? T0, ids }), expected, `${what} (profileIds pushed down)`);
        assert.deepEqual(await members(h, root, { now: now ?? T0, ids, pushDown: false }), expected, `${what} (outer filter only)`);
      }
    });

    test('a sequence driven from its rarer second event finds the same members', async () => {
      for (const [what, root, expected, now] of SEQUENCE_CASES) {
        if (typeof root !== 'object' || root === null || !('first' in root) || !('then' in root)) continue;
        const names = [root.first, root.then].map((m) => (typeof m === 'object' && m !== null && 'name' in m ? String(m.name) : ''));
        // The second event "rarer" than the first: the compiler drives the join from it.
        const eventCounts = new Map([[names[0] ?? '', 1000], [names[1] ?? '', 1]]);
        assert.deepEqual(await members(h, root, { ...(now === undefined ? {} : { now }), eventCounts }), [...expected].sort(), `${what} (driven from then)`);
        const ids = ['p05', 'p06', 'p10', 'p11', 'p12', 'p13'];
        const among = await members(h, root, { now: now ?? T0, ids, eventCounts });
        assert.deepEqual(among, [...expected].filter((x) => ids.includes(x)).sort(), `${what} (driven from then, among ids)`);
      }
    });

    test('ISO dates: the same instant or none on both dialects, and bad text never raises', async () => {
      const utc = Date.UTC;
      const cases: Array<[string, number | null]> = [
        ['2024-02-29', utc(2024, 1, 29)],
        ['2000-02-29T23:59:59.999999+15:59', utc(2000, 1, 29, 23, 59, 59, 999) - (15 * 60 + 59) * 60_000],
        ['1600-02-29', utc(1600, 1, 29)],
        ['1000-01-01', utc(1000, 0, 1)],
        ['9999-12-31T23:59:59Z', utc(9999, 11, 31, 23, 59, 59)],
        ['2024-01-01 12:30', utc(2024, 0, 1, 12, 30)],
        ['2024-06-01T08:00:00.5-03:30', utc(2024, 5, 1, 11, 30, 0, 500)],
        ['1969-12-31T23:59:59.9995Z', -1],
        ...['2023-02-29', '1900-02-29', '2100-02-29', '2024-02-30', '2024-04-31', '2024-13-01', '2024-00-10', '2024-01-01T24:00', '2024-01-01T12:60']
          .concat(['0999-01-01', '2024-01-01T00:00:00+16:00', '2024-1-1', 'now', '2460000', '', ' 2024-01-01', '2024-01-01T00:00:00.1234567Z', '2024-01-01T00:00:00+0800', '+002024-01-01'])
          .map((s): [string, null] => [s, null]),
      ];
      for (const [text, expected] of cases) {
        const { rows } = await sql<{ ms: number | string | null }>`select ${h.dialect.isoToMs(sql`cast(${text} as text)`)} as ms`.execute(h.db);
        const ms = rows[0]?.ms;
        assert.equal(ms === null || ms === undefined ? null : Number(ms), expected, JSON.stringify(text));
      }
    });

    test('bucket numbers are md5-based and the same as in JS (and so on both dialects)', async () => {
      const probe = async (id: string, salt: string) => {
        const { rows } = await sql<{ b: number | string }>`select ${h.dialect.bucket(sql`${id}`, salt)} as b`.execute(h.db);
        return Number(rows[0]?.b);
      };
      // md5('abc') = 900150983cd2…: 0x90015098 = 2416005272 (above 2^31, so a signed read would differ) → 72.
      assert.equal(await probe('ab', 'c'), 72);
      assert.equal(jsBucket('ab', 'c'), 72);
      for (const id of ['p01', 'p02', 'p13', '王小明', 'a-very-long-profile-id-0123456789']) {
        for (const salt of ['', 'holdout', '实验']) assert.equal(await probe(id, salt), jsBucket(id, salt), `${id}/${salt}`);
      }
    });
  });
}

describe('segment compiler helpers', () => {
  test('durationMs: months are 30 days', () => {
    assert.equal(durationMs(5, 'minutes'), 5 * 60_000);
    assert.equal(durationMs(2, 'hours'), 2 * HOUR);
    assert.equal(durationMs(3, 'days'), 3 * DAY);
    assert.equal(durationMs(2, 'weeks'), 14 * DAY);
    assert.equal(durationMs(2, 'months'), 60 * DAY);
  });

  test('segmentDependencies lists what a definition reads and whether time moves it', () => {
    const deps = (root: Node) => segmentDependencies(parseSegmentDefinition({ root }, LENIENT));
    const d = deps(
      and(
        trait('address.city', { op: 'equals', value: 'x' }),
        computed('churn_risk', { op: 'gt', value: 0.5 }),
        orders(),
        viewThenBuy(),
        { kind: 'segment', segmentId: 'seg-a' },
        not({ kind: 'subscription', groupId: 'newsletter', status: 'subscribed' }),
        { kind: 'bucket', from: 0, to: 10 },
      ),
    );
    assert.deepEqual([...d.traitKeys], ['address']);
    assert.deepEqual([...d.computedKeys], ['churn_risk']);
    assert.deepEqual([...d.eventNames].sort(), ['Order Completed', 'Product Viewed']);
    assert.deepEqual([...d.segmentIds], ['seg-a']);
    assert.deepEqual([...d.subscriptionGroupIds], ['newsletter']);
    assert.equal(d.timeDependent, false);
    assert.equal(deps(orders({ window: { kind: 'last', amount: 1, unit: 'days' } })).timeDependent, true);
    assert.equal(deps(orders({ window: between('2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z') })).timeDependent, false);
    assert.equal(deps(viewThenBuy({ thenPerformed: false })).timeDependent, true);
    assert.equal(deps(trait('birthday', { op: 'anniversary_within_next', days: 3 })).timeDependent, true);
    assert.equal(deps(trait('signup', { op: 'date_before', value: '2026-01-01' })).timeDependent, false);
    assert.equal(deps(orders({}, [{ path: 'at', op: 'date_within_last', amount: 1, unit: 'days' }])).timeDependent, true);
  });
});
