// The segments benchmark's ten representative segments, each with the query an engineer would
// write by hand for the same set on each dialect (the anchor the compiled query is compared with).
import type { DialectName } from '../src/db/dialect.js';
import type { SegmentNodeInput } from '../src/segments/segment.schema.js';

const DAY = 86_400_000;

/** A hand-written query: `?` placeholders (numbered `$n` for PostgreSQL by `numbered`). */
export interface HandQuery {
  text: string;
  params: unknown[];
}

export interface SegmentCase {
  key: string;
  name: string;
  root: SegmentNodeInput;
  /** `select p.id from profiles p where …` for the same members, written directly for the dialect. */
  hand(d: DialectName, workspaceId: string, now: number): HandQuery;
}

/** A JSON text field of `col` (key is a plain identifier). */
const txt = (d: DialectName, col: string, key: string) => (d === 'sqlite' ? `json_extract(${col}, '$.${key}')` : `(${col} ->> '${key}')`);
/** A JSON number field of `col`. */
const num = (d: DialectName, col: string, key: string) => (d === 'sqlite' ? `json_extract(${col}, '$.${key}')` : `(${col} ->> '${key}')::numeric`);
const list = (n: number) => Array.from({ length: n }, () => '?').join(', ');
const profilesWhere = 'select p.id from profiles p where p.workspace_id = ? and p.merged_into is null and ';

/** "Profiles with an event named `name` since `from`" as the IN sub-query one writes by hand. */
const didSince = (name: string, from: number | null) => ({
  text: `p.id in (select e.profile_id from events e where e.workspace_id = ? and e.name = ?${from === null ? '' : ' and e.timestamp >= ? and e.timestamp <= ?'})`,
  params: (ws: string, now: number) => (from === null ? [ws, name] : [ws, name, from, now]),
});

/** MMDD as an integer (for the birthday test). */
const mmdd = (ms: number) => {
  const t = new Date(ms);
  return (t.getUTCMonth() + 1) * 100 + t.getUTCDate();
};

export const SEGMENT_CASES: readonly SegmentCase[] = [
  {
    key: 'trait',
    name: 'Gold plan',
    root: { kind: 'trait', key: 'plan', op: 'equals', value: 'gold' },
    hand: (d, ws) => ({ text: `${profilesWhere}${txt(d, 'p.traits', 'plan')} = ?`, params: [ws, 'gold'] }),
  },
  {
    key: 'traits-range-in',
    name: 'Aged 25–34 in 上海/北京/深圳',
    root: {
      kind: 'and',
      conditions: [
        { kind: 'trait', key: 'age', op: 'between', from: 25, to: 34 },
        { kind: 'trait', key: 'city', op: 'in', values: ['上海', '北京', '深圳'] },
      ],
    },
    hand: (d, ws) => ({ text: `${profilesWhere}${num(d, 'p.traits', 'age')} between ? and ? and ${txt(d, 'p.traits', 'city')} in (${list(3)})`, params: [ws, 25, 34, '上海', '北京', '深圳'] }),
  },
  {
    key: 'dates',
    name: 'Signed up in the last 90 days or birthday within 7 days',
    root: {
      kind: 'or',
      conditions: [
        { kind: 'trait', key: 'signup_at', op: 'date_within_last', amount: 90, unit: 'days' },
        { kind: 'trait', key: 'birthday', op: 'anniversary_within_next', days: 7 },
      ],
    },
    hand: (d, ws, now) => {
      const today = Math.floor(now / DAY) * DAY;
      const [from, to] = [mmdd(today), mmdd(today + 7 * DAY)];
      // Within one calendar year the day range is one interval; across New Year it wraps.
      const md = d === 'sqlite' ? `cast(strftime('%m%d', ${txt(d, 'p.traits', 'birthday')}) as integer)` : `to_char((p.traits ->> 'birthday')::date, 'MMDD')::int`;
      const birthday = from <= to ? `${md} between ? and ?` : `(${md} >= ? or ${md} <= ?)`;
      const signup =
        d === 'sqlite'
          ? `${txt(d, 'p.traits', 'signup_at')} between ? and ?`
          : `(p.traits ->> 'signup_at')::timestamptz between to_timestamp(?::bigint / 1000.0) and to_timestamp(?::bigint / 1000.0)`;
      const bounds = d === 'sqlite' ? [new Date(now - 90 * DAY).toISOString(), new Date(now).toISOString()] : [now - 90 * DAY, now];
      return { text: `${profilesWhere}(${signup} or ${birthday})`, params: [ws, ...bounds, from, to] };
    },
  },
  {
    key: 'event-count-window',
    name: 'Viewed 5+ products in the last 30 days',
    root: { kind: 'event', event: { name: 'Product Viewed' }, window: { kind: 'last', amount: 30, unit: 'days' }, count: { op: '>=', value: 5 } },
    hand: (_d, ws, now) => ({
      text: `${profilesWhere}p.id in (select e.profile_id from events e where e.workspace_id = ? and e.name = ? and e.timestamp >= ? and e.timestamp <= ? group by e.profile_id having count(*) >= ?)`,
      params: [ws, ws, 'Product Viewed', now - 30 * DAY, now, 5],
    }),
  },
  {
    key: 'event-properties',
    name: 'Viewed Tea priced over 100 in the last 90 days',
    root: {
      kind: 'event',
      event: {
        name: 'Product Viewed',
        where: [
          { path: 'category', op: 'equals', value: 'Tea' },
          { path: 'price', op: 'gt', value: 100 },
        ],
      },
      window: { kind: 'last', amount: 90, unit: 'days' },
    },
    hand: (d, ws, now) => ({
      text: `${profilesWhere}p.id in (select e.profile_id from events e where e.workspace_id = ? and e.name = ? and e.timestamp >= ? and e.timestamp <= ? and ${txt(d, 'e.properties', 'category')} = ? and ${num(d, 'e.properties', 'price')} > ?)`,
      params: [ws, ws, 'Product Viewed', now - 90 * DAY, now, 'Tea', 100],
    }),
  },
  {
    key: 'aggregate',
    name: 'Spent 500+ in total',
    root: { kind: 'event', event: { name: 'Order Completed' }, aggregate: { fn: 'sum', path: 'total', op: '>=', value: 500 } },
    hand: (d, ws) => ({
      text: `${profilesWhere}p.id in (select e.profile_id from events e where e.workspace_id = ? and e.name = ? group by e.profile_id having sum(${num(d, 'e.properties', 'total')}) >= ?)`,
      params: [ws, ws, 'Order Completed', 500],
    }),
  },
  {
    key: 'not-performed',
    name: 'Added to cart, no order, last 7 days',
    root: {
      kind: 'and',
      conditions: [
        { kind: 'event', event: { name: 'Added to Cart' }, window: { kind: 'last', amount: 7, unit: 'days' } },
        { kind: 'event', event: { name: 'Order Completed' }, window: { kind: 'last', amount: 7, unit: 'days' }, performed: false },
      ],
    },
    hand: (_d, ws, now) => {
      const cart = didSince('Added to Cart', now - 7 * DAY);
      const order = didSince('Order Completed', now - 7 * DAY);
      return { text: `${profilesWhere}${cart.text} and not ${order.text}`, params: [ws, ...cart.params(ws, now), ...order.params(ws, now)] };
    },
  },
  {
    key: 'sequence',
    name: 'Viewed then ordered within a day (last 90 days)',
    root: { kind: 'sequence', first: { name: 'Product Viewed' }, then: { name: 'Order Completed' }, within: { amount: 1, unit: 'days' }, window: { kind: 'last', amount: 90, unit: 'days' } },
    hand: (_d, ws, now) => ({
      text:
        `${profilesWhere}p.id in (select a.profile_id from events a join events b on b.profile_id = a.profile_id ` +
        `where a.workspace_id = ? and a.name = ? and a.timestamp >= ? and a.timestamp <= ? ` +
        `and b.workspace_id = ? and b.name = ? and b.timestamp > a.timestamp and b.timestamp <= a.timestamp + ?)`,
      params: [ws, ws, 'Product Viewed', now - 90 * DAY, now, ws, 'Order Completed', DAY],
    }),
  },
  {
    key: 'nested-boolean',
    name: 'Nested: (gold and (2+ orders or 50+)) or (paid and opened email 7d) or (上海 and no Home page 30d)',
    root: {
      kind: 'or',
      conditions: [
        {
          kind: 'and',
          conditions: [
            { kind: 'trait', key: 'plan', op: 'equals', value: 'gold' },
            {
              kind: 'or',
              conditions: [
                { kind: 'event', event: { name: 'Order Completed' }, count: { op: '>=', value: 2 } },
                { kind: 'trait', key: 'age', op: 'gte', value: 50 },
              ],
            },
          ],
        },
        {
          kind: 'and',
          conditions: [
            { kind: 'not', condition: { kind: 'trait', key: 'plan', op: 'equals', value: 'free' } },
            { kind: 'event', event: { name: 'Email Opened' }, window: { kind: 'last', amount: 7, unit: 'days' } },
          ],
        },
        {
          kind: 'and',
          conditions: [
            { kind: 'trait', key: 'city', op: 'equals', value: '上海' },
            { kind: 'not', condition: { kind: 'event', event: { name: 'Home' }, window: { kind: 'last', amount: 30, unit: 'days' } } },
          ],
        },
      ],
    },
    hand: (d, ws, now) => {
      const plan = txt(d, 'p.traits', 'plan');
      const email = didSince('Email Opened', now - 7 * DAY);
      const home = didSince('Home', now - 30 * DAY);
      const orders2 = 'p.id in (select e.profile_id from events e where e.workspace_id = ? and e.name = ? group by e.profile_id having count(*) >= ?)';
      return {
        text:
          `${profilesWhere}((${plan} = ? and (${orders2} or ${num(d, 'p.traits', 'age')} >= ?))` +
          ` or (${plan} <> ? and ${email.text})` +
          ` or (${txt(d, 'p.traits', 'city')} = ? and not ${home.text}))`,
        params: [ws, 'gold', ws, 'Order Completed', 2, 50, 'free', ...email.params(ws, now), '上海', ...home.params(ws, now)],
      };
    },
  },
  {
    key: 'computed-trait',
    name: 'RFM champions or loyal who opened an email in 90 days',
    root: {
      kind: 'and',
      conditions: [
        { kind: 'computed', key: 'rfm_group', op: 'in', values: ['champions', 'loyal'] },
        { kind: 'event', event: { name: 'Email Opened' }, window: { kind: 'last', amount: 90, unit: 'days' } },
      ],
    },
    hand: (_d, ws, now) => {
      const email = didSince('Email Opened', now - 90 * DAY);
      return {
        text: `${profilesWhere}p.id in (select ct.profile_id from profile_computed_traits ct where ct.workspace_id = ? and ct.key = ? and ct.text_value in (?, ?)) and ${email.text}`,
        params: [ws, ws, 'rfm_group', 'champions', 'loyal', ...email.params(ws, now)],
      };
    },
  },
];

/** `?` → `$1, $2, …` for PostgreSQL (the hand-written texts contain no literal question marks). */
export function numbered(d: DialectName, q: HandQuery): HandQuery {
  if (d === 'sqlite') return q;
  let i = 0;
  return { text: q.text.replace(/\?/g, () => `$${++i}`), params: q.params };
}
