import type { RfmGroupId } from './rfm.schema.js';

/** Pure RFM scoring: quintile scores with ties kept together, and the named groups of the R×F grid. */

export const DAY_MS = 86_400_000;

export interface CustomerOrders {
  profileId: string;
  orders: number;
  revenue: number;
  lastOrderAt: number;
}

export interface RfmScore {
  profileId: string;
  recencyDays: number;
  orderCount: number;
  totalRevenue: number;
  r: number;
  f: number;
  m: number;
  group: RfmGroupId;
}

/**
 * Quintile scores 1..5 of `values`, 5 for the highest. Customers are ranked by value and a tie
 * never splits: equal values share one score, placed like this —
 * - by competition ranking (SQL RANK(): a tie takes the rank of its first member), the score is
 *   the quintile of the share of customers strictly below: 1 + floor(5 · below / n). With
 *   distinct values that is the plain quintile (n = 10 → 1,1,2,2,3,3,4,4,5,5). A tie so sits at
 *   the bottom of its span: the half of a shop's customers with one order all score F1, which is
 *   what the R×F map means by F1 (an average-rank rule would make them all F2 and leave `new`
 *   and `promising` empty in any real shop).
 * - the highest value always scores 5, so a tie at the top (everyone who ordered today) is not
 *   pulled down by its own size;
 * - with no spread at all (every value equal, or one customer) there is nothing to rank: 3.
 * Quintiles a large tie spans stay empty; that is the price of never splitting a tie.
 */
export function quintileScores(values: readonly number[]): number[] {
  const n = values.length;
  const order = values.map((_, i) => i).sort((a, b) => (values[a] ?? 0) - (values[b] ?? 0));
  const scores = new Array<number>(n).fill(0);
  for (let start = 0; start < n; ) {
    let end = start;
    const v = values[order[start] ?? 0];
    while (end + 1 < n && values[order[end + 1] ?? 0] === v) end++;
    // `start` customers have a strictly lower value.
    const score = start === 0 && end === n - 1 ? 3 : end === n - 1 ? 5 : 1 + Math.floor((5 * start) / n);
    for (let k = start; k <= end; k++) scores[order[k] ?? 0] = score;
    start = end + 1;
  }
  return scores;
}

/**
 * The named group of an R×F cell. This is the R×F segment map widely used in open RFM
 * tutorials and notebooks (regular expressions over the "RF" score, e.g. `[1-2][1-2]`
 * hibernating, `5[4-5]` champions), whose names follow Putler's eleven RFM segments
 * ("RFM Analysis For Successful Customer Segmentation"). That map names ten groups; Putler's
 * eleventh, `lost`, takes the lowest cells of `hibernating` (R = 1, F ≤ 2: bought long ago and
 * rarely). F alone is used (some variants average F and M) so each cell has exactly one group.
 *
 *        F=1            F=2                F=3             F=4          F=5
 *  R=5   new            potential_loyalist  potential_loy.  champions    champions
 *  R=4   promising      potential_loyalist  potential_loy.  loyal        loyal
 *  R=3   about_to_sleep about_to_sleep      need_attention  loyal        loyal
 *  R=2   hibernating    hibernating         at_risk         at_risk      cannot_lose
 *  R=1   lost           lost                at_risk         at_risk      cannot_lose
 */
export function rfmGroup(r: number, f: number): RfmGroupId {
  if (r <= 2) {
    if (f === 5) return 'cannot_lose';
    if (f >= 3) return 'at_risk';
    return r === 1 ? 'lost' : 'hibernating';
  }
  if (r === 3) {
    if (f >= 4) return 'loyal';
    return f === 3 ? 'need_attention' : 'about_to_sleep';
  }
  // r is 4 or 5
  if (f >= 4) return r === 5 ? 'champions' : 'loyal';
  if (f >= 2) return 'potential_loyalist';
  return r === 5 ? 'new' : 'promising';
}

/** Money is compared and summed in cents, so both dialects' float sums give the same ties. */
export const roundMoney = (x: number): number => Math.round(x * 100) / 100;

/** Score every customer at `now`: recency in whole days since the last order (never negative). */
export function scoreCustomers(customers: readonly CustomerOrders[], now: number): RfmScore[] {
  const recencyDays = customers.map((c) => Math.max(0, Math.floor((now - c.lastOrderAt) / DAY_MS)));
  const revenue = customers.map((c) => roundMoney(c.revenue));
  // Fewer days since the last order is better: score the negated days.
  const r = quintileScores(recencyDays.map((d) => -d));
  const f = quintileScores(customers.map((c) => c.orders));
  const m = quintileScores(revenue);
  return customers.map((c, i) => {
    const ri = r[i] ?? 1;
    const fi = f[i] ?? 1;
    return { profileId: c.profileId, recencyDays: recencyDays[i] ?? 0, orderCount: c.orders, totalRevenue: revenue[i] ?? 0, r: ri, f: fi, m: m[i] ?? 1, group: rfmGroup(ri, fi) };
  });
}

/** Every group, in the order the dashboard lists them (best first), with labels. */
export const RFM_GROUPS: readonly { id: RfmGroupId; label: { en: string; zh: string } }[] = [
  { id: 'champions', label: { en: 'Champions', zh: '重要价值客户' } },
  { id: 'loyal', label: { en: 'Loyal customers', zh: '忠诚客户' } },
  { id: 'potential_loyalist', label: { en: 'Potential loyalists', zh: '潜在忠诚客户' } },
  { id: 'new', label: { en: 'New customers', zh: '新客户' } },
  { id: 'promising', label: { en: 'Promising', zh: '潜力客户' } },
  { id: 'need_attention', label: { en: 'Need attention', zh: '需关注客户' } },
  { id: 'about_to_sleep', label: { en: 'About to sleep', zh: '即将沉睡客户' } },
  { id: 'at_risk', label: { en: 'At risk', zh: '流失风险客户' } },
  { id: 'cannot_lose', label: { en: 'Cannot lose them', zh: '重要挽留客户' } },
  { id: 'hibernating', label: { en: 'Hibernating', zh: '沉睡客户' } },
  { id: 'lost', label: { en: 'Lost', zh: '已流失客户' } },
];
