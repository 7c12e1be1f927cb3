import assert from 'node:assert/strict';
import { test } from 'node:test';
import i18next from 'i18next';
import type { EventCondition } from '../../../../src/segments/segment.schema';
import { createFormat } from '../../format';
import { en } from '../../i18n/en';
import { zh } from '../../i18n/zh';
import { createDescriber } from './describe';

async function describer(lng: 'en' | 'zh') {
  const i18n = i18next.createInstance();
  await i18n.init({ resources: { en: { translation: en }, zh: { translation: zh } }, lng, interpolation: { escapeValue: false } });
  return createDescriber(i18n.t, createFormat(lng === 'zh' ? 'zh-CN' : 'en-US'), undefined, lng);
}

test('conditions read as sentences in English and Chinese', async () => {
  const [d, dz] = await Promise.all([describer('en'), describer('zh')]);
  const orders: EventCondition = { kind: 'event', event: { name: 'Order Completed', where: [] }, performed: true, count: { op: '>=', value: 2 }, window: { kind: 'last', amount: 30, unit: 'days' } };
  assert.equal(d.condition(orders), 'Performed “Order Completed” at least 2 times in the last 30 days');
  assert.equal(dz.condition(orders), '在最近 30 天内做过 「Order Completed」 至少 2 次');
  const once: EventCondition = { ...orders, count: undefined, window: { kind: 'last', amount: 1, unit: 'weeks' }, event: { name: 'Product Viewed', where: [{ path: 'price', op: 'gte', value: 100 }] } };
  assert.equal(d.condition(once), 'Performed “Product Viewed” in the last 1 week, where price is at least 100');
  assert.equal(d.condition({ kind: 'trait', key: 'plan', op: 'in', values: ['gold', 'platinum'] }), 'plan is one of “gold”, “platinum”');
  assert.equal(dz.condition({ kind: 'computed', key: 'rfm_group', op: 'equals', value: 'at_risk' }), 'rfm_group等于 「流失风险客户」');
});
