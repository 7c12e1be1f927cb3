import type { SegmentNodeInput } from '../segments/segment.schema.js';
import type { SegmentService } from '../segments/segment.service.js';

/** Example segments a newcomer finds in the demo workspace: one of each kind of rule. */
export const DEMO_SEGMENTS: { name: string; description: string; root: SegmentNodeInput; needs?: 'rfm' }[] = [
  {
    name: 'Ordered in the last 30 days · 30 天内下单',
    description: 'Performed Order Completed within the last 30 days (leaves on day 31 without a new order).',
    root: { kind: 'event', event: { name: 'Order Completed' }, window: { kind: 'last', amount: 30, unit: 'days' } },
  },
  {
    name: 'Viewed, no purchase within a day · 浏览未购买',
    description: 'Viewed a product in the last 14 days and did not order within one day of it.',
    root: { kind: 'sequence', first: { name: 'Product Viewed' }, then: { name: 'Order Completed' }, within: { amount: 1, unit: 'days' }, thenPerformed: false, window: { kind: 'last', amount: 14, unit: 'days' } },
  },
  {
    name: 'Big spenders · 高消费客户',
    description: 'Order totals add up to at least ¥3,000.',
    root: { kind: 'event', event: { name: 'Order Completed' }, aggregate: { fn: 'sum', path: 'total', op: '>=', value: 3000 } },
  },
  {
    name: 'Birthday this week · 本周生日',
    description: 'Birthday within the next 7 days, any year.',
    root: { kind: 'trait', key: 'birthday', op: 'anniversary_within_next', days: 7 },
  },
  {
    name: 'Gold members gone quiet · 沉睡的金卡会员',
    description: 'Gold membership and no order in the last 90 days.',
    root: {
      kind: 'and',
      conditions: [
        { kind: 'trait', key: 'membership_level', op: 'equals', value: 'gold' },
        { kind: 'event', event: { name: 'Order Completed' }, performed: false, window: { kind: 'last', amount: 90, unit: 'days' } },
      ],
    },
  },
  {
    name: 'Complained in the last 30 days · 30 天内有投诉',
    description: 'Wrote a negative review or complaint within the last 30 days (computed trait last_complaint_at).',
    root: { kind: 'computed', key: 'last_complaint_at', op: 'date_within_last', amount: 30, unit: 'days' },
  },
  {
    name: 'Champions (RFM) · 重要价值客户',
    description: 'RFM group Champions: bought recently, often and for a lot.',
    root: { kind: 'computed', key: 'rfm_group', op: 'equals', value: 'champions' },
    needs: 'rfm',
  },
];

/** Create the example segments (their membership is computed in the background by the queue). */
export async function seedDemoSegments(segments: SegmentService, workspaceId: string, options: { rfmReady: boolean }): Promise<number> {
  let created = 0;
  for (const s of DEMO_SEGMENTS) {
    if (s.needs === 'rfm' && !options.rfmReady) continue;
    await segments.create(workspaceId, { name: s.name, description: s.description, definition: { root: s.root } }, 'system');
    created++;
  }
  return created;
}
