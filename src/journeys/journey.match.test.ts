import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PropertyFilter } from '../segments/segment.schema.js';
import { dateMs, eventMatches, filtersMatch } from './journey.match.js';
import { addLocalDays, nextTimeOfDay, zonedParts, zonedTimeToUtc } from './journey.time.js';

const NOW = Date.parse('2025-06-15T12:00:00Z');
const holds = (filter: PropertyFilter, doc: unknown) => filtersMatch([filter], doc, NOW);

describe('event property filters in memory (the segment compiler semantics)', () => {
  test('types are strict: "34" is text, never a number', () => {
    assert.equal(holds({ path: 'age', op: 'gt', value: 30 }, { age: '34' }), false);
    assert.equal(holds({ path: 'age', op: 'equals', value: '34' }, { age: '34' }), true);
    assert.equal(holds({ path: 'age', op: 'equals', value: 34 }, { age: '34' }), false);
  });

  test('contains and starts_with ignore case; contains on an array matches an element', () => {
    assert.equal(holds({ path: 'title', op: 'contains', value: 'SALE' }, { title: 'Summer sale' }), true);
    assert.equal(holds({ path: 'sku', op: 'starts_with', value: 'ab' }, { sku: 'AB-1' }), true);
    assert.equal(holds({ path: 'tags', op: 'contains', value: 'vip' }, { tags: ['new', 'VIP'] }), true);
    assert.equal(holds({ path: 'tags', op: 'contains', value: 'vi' }, { tags: ['VIP'] }), false);
  });

  test('an absent value fails positive tests and passes their negations', () => {
    assert.equal(holds({ path: 'plan', op: 'equals', value: 'gold' }, {}), false);
    assert.equal(holds({ path: 'plan', op: 'not_equals', value: 'gold' }, {}), true);
    assert.equal(holds({ path: 'plan', op: 'not_exists' }, { plan: null }), true);
    assert.equal(holds({ path: 'plan', op: 'not_in', values: ['a'] }, {}), true);
  });

  test('nested paths and array indexes (negative from the end)', () => {
    const doc = { items: [{ sku: 'a' }, { sku: 'b' }], address: { city: '上海' } };
    assert.equal(holds({ path: 'items.1.sku', op: 'equals', value: 'b' }, doc), true);
    assert.equal(holds({ path: 'items.-1.sku', op: 'equals', value: 'b' }, doc), true);
    assert.equal(holds({ path: 'address.city', op: 'in', values: ['上海', '北京'] }, doc), true);
  });

  test('dates: epoch ms or strict ISO (no offset = UTC); impossible days are not dates', () => {
    assert.equal(dateMs('2025-06-01'), Date.parse('2025-06-01T00:00:00Z'));
    assert.equal(dateMs('2025-06-01T10:00'), Date.parse('2025-06-01T10:00:00Z'));
    assert.equal(dateMs('2025-06-01T10:00:00+08:00'), Date.parse('2025-06-01T02:00:00Z'));
    assert.equal(dateMs('2025-02-29'), null);
    assert.equal(dateMs('yesterday'), null);
    assert.equal(holds({ path: 'at', op: 'date_within_last', amount: 7, unit: 'days' }, { at: '2025-06-10T00:00:00Z' }), true);
    assert.equal(holds({ path: 'at', op: 'date_within_last', amount: 7, unit: 'days' }, { at: NOW - 8 * 86_400_000 }), false);
    assert.equal(holds({ path: 'birthday', op: 'anniversary_within_next', days: 3 }, { birthday: '1990-06-17' }), true);
  });

  test('an event matches by name and every filter', () => {
    const match = { name: 'order_placed', where: [{ path: 'total', op: 'gte', value: 100 } as const] };
    assert.equal(eventMatches(match, { name: 'order_placed', properties: { total: 120 } }, NOW), true);
    assert.equal(eventMatches(match, { name: 'order_placed', properties: { total: 80 } }, NOW), false);
    assert.equal(eventMatches(match, { name: 'page', properties: { total: 120 } }, NOW), false);
  });
});

describe('zoned time', () => {
  test('local parts and their inverse in Shanghai and New York', () => {
    const t = Date.parse('2025-07-04T16:30:00Z');
    assert.deepEqual(zonedParts(t, 'Asia/Shanghai'), { year: 2025, month: 7, day: 5, hour: 0, minute: 30, second: 0, weekday: 6 });
    assert.deepEqual(zonedParts(t, 'America/New_York'), { year: 2025, month: 7, day: 4, hour: 12, minute: 30, second: 0, weekday: 5 });
    assert.equal(zonedTimeToUtc({ year: 2025, month: 7, day: 5 }, 0, 30, 'Asia/Shanghai'), t);
    assert.equal(zonedTimeToUtc({ year: 2025, month: 7, day: 4 }, 12, 30, 'America/New_York'), t);
  });

  test('a day later keeps the wall clock: 25 hours across the November change', () => {
    const sat = Date.parse('2025-11-01T13:15:42Z'); // 09:15:42 EDT
    assert.equal(new Date(addLocalDays(sat, 1, 'America/New_York')).toISOString(), '2025-11-02T14:15:42.000Z');
    assert.equal(addLocalDays(sat, 1, 'Asia/Shanghai') - sat, 86_400_000);
  });

  test('next time of day is strictly after the given instant', () => {
    const nine = Date.parse('2025-03-03T01:00:00Z'); // 09:00 in Shanghai
    assert.equal(nextTimeOfDay(nine, '09:00', 'Asia/Shanghai'), nine + 86_400_000);
  });
});
