/**
 * The demo shop's calendar: the 12-month window, day-by-day demand multipliers (weekly cycle,
 * Chinese and Western shopping festivals), time-zone offsets and the email campaign schedule.
 */

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

export type Market = 'zh' | 'en';

/** The simulated period: events fall in [startMs, endMs); day d starts at gridStartMs + d·DAY_MS (UTC). */
export interface DemoWindow {
  startMs: number;
  endMs: number;
  gridStartMs: number;
  days: number;
}

/** The window of `months` calendar months that ends at `now`. */
export function createWindow(now: Date, months: number): DemoWindow {
  const endMs = now.getTime();
  const start = new Date(endMs);
  start.setUTCMonth(start.getUTCMonth() - months);
  const startMs = start.getTime();
  const gridStartMs = Math.floor(startMs / DAY_MS) * DAY_MS;
  return { startMs, endMs, gridStartMs, days: Math.ceil((endMs - gridStartMs) / DAY_MS) };
}

/** Demand multipliers per day of the window: `order` scales purchase sessions, `browse` browsing sessions. */
export interface DemandProfile {
  order: Float64Array;
  browse: Float64Array;
  /** The largest value of either array: the envelope for thinning a Poisson process. */
  max: number;
}

/** Profiles by market and by whether the customer shops mostly for gifts. */
export interface DemandProfiles {
  zh: { regular: DemandProfile; gift: DemandProfile };
  en: { regular: DemandProfile; gift: DemandProfile };
}

/** Chinese New Year (Spring Festival) dates, month-day; the dip in online shopping follows the logistics shutdown. */
const SPRING_FESTIVAL: Record<number, string> = {
  2015: '02-19', 2016: '02-08', 2017: '01-28', 2018: '02-16', 2019: '02-05', 2020: '01-25', 2021: '02-12', 2022: '02-01',
  2023: '01-22', 2024: '02-10', 2025: '01-29', 2026: '02-17', 2027: '02-06', 2028: '01-26', 2029: '02-13', 2030: '02-03',
  2031: '01-23', 2032: '02-11', 2033: '01-31', 2034: '02-19', 2035: '02-08', 2036: '01-28', 2037: '02-15', 2038: '02-04',
  2039: '01-24', 2040: '02-12',
};

const utcDay = (y: number, m: number, d: number): number => Math.floor(Date.UTC(y, m - 1, d) / DAY_MS);

function springFestivalDay(year: number): number {
  const md = SPRING_FESTIVAL[year] ?? '02-01';
  return utcDay(year, Number(md.slice(0, 2)), Number(md.slice(3)));
}

/** US Thanksgiving: the fourth Thursday of November. */
function thanksgivingDay(year: number): number {
  const nov1 = new Date(Date.UTC(year, 10, 1)).getUTCDay();
  return utcDay(year, 11, 1 + ((4 - nov1 + 7) % 7) + 21);
}

/** US Mother's Day: the second Sunday of May. */
function mothersDay(year: number): number {
  const may1 = new Date(Date.UTC(year, 4, 1)).getUTCDay();
  return utcDay(year, 5, 1 + ((7 - may1) % 7) + 7);
}

interface Multiplier {
  order: number;
  browse: number;
}

/** Multipliers for one calendar day (epoch day number) in one market. */
function dayMultiplier(epochDay: number, market: Market, gift: boolean): Multiplier {
  const date = new Date(epochDay * DAY_MS);
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth() + 1;
  const d = date.getUTCDate();
  const weekday = date.getUTCDay();
  let order = 1;
  let browse = 1;
  const both = (o: number, b: number = o): void => {
    order *= o;
    browse *= b;
  };

  // Weekly cycle: a consumer shop is busiest at the weekend.
  if (weekday === 0 || weekday === 6) both(1.22, 1.3);
  else if (weekday === 5) both(1.05);
  else both(0.93);

  // Singles' Day (Double 11) is the year's peak in both markets; carts fill up during the pre-sale.
  if (m === 11 && d === 11) both(market === 'zh' ? 9 : 3.5, market === 'zh' ? 3.5 : 2);
  else if ((m === 10 && d >= 24) || (m === 11 && d <= 10)) both(0.9, 1.5);
  else if (m === 11 && (d === 12 || d === 13)) both(1.5, 1.3);

  if (market === 'zh') {
    if (m === 6 && d === 18) both(5, 2.8);
    else if (m === 6 && (d === 16 || d === 17)) both(2, 1.8);
    else if (m === 6 && d <= 15) both(1.3, 1.4);
    else if (m === 6 && d <= 20) both(1.2);
    if (m === 12 && d === 12) both(2, 1.5);
    if ((m === 3 && d === 8) || (m === 5 && d === 20)) both(gift ? 2.5 : 1.3);
    if (m === 7 || m === 8) both(0.95);
    for (const festival of [springFestivalDay(y), springFestivalDay(y + 1)]) {
      const k = epochDay - festival;
      if (k >= -28 && k <= -10) both(gift ? 1.8 : 1.3); // 年货节: New Year goods
      else if (k >= -9 && k <= -1) both(0.6, 0.8); // couriers stop
      else if (k >= 0 && k <= 6) both(0.3, 0.6); // the holiday itself
      else if (k >= 7 && k <= 10) both(0.8);
    }
  } else {
    const tg = thanksgivingDay(y);
    const k = epochDay - tg;
    if (k === 0) both(1.3);
    else if (k === 1) both(3.5, 2.2); // Black Friday
    else if (k === 2 || k === 3) both(1.8, 1.5);
    else if (k === 4) both(3, 2); // Cyber Monday
    if (m === 12 && d <= 20) both(gift ? 2.5 : 1.5, gift ? 1.8 : 1.4);
    else if (m === 12 && d <= 23) both(1.2);
    else if (m === 12 && d <= 26) both(0.6, 0.8);
    else if (m === 12) both(1.1);
    if (m === 1) both(0.8, 0.9);
    if (m === 6 && d === 18) both(2, 1.5);
    // The shop ships from China: couriers stop over the Spring Festival for everyone.
    for (const festival of [springFestivalDay(y), springFestivalDay(y + 1)]) {
      const k = epochDay - festival;
      if (k >= -5 && k <= 6) both(0.6, 0.9);
    }
    if (gift && m === 2 && d >= 7 && d <= 14) both(2.2);
    const md = epochDay - mothersDay(y);
    if (gift && md >= -7 && md <= 0) both(2);
  }
  if (gift) {
    // Gift buyers follow the festivals more strongly than anyone.
    order = Math.pow(order, 1.3);
    browse = Math.pow(browse, 1.2);
  }
  return { order, browse };
}

function buildProfile(window: DemoWindow, market: Market, gift: boolean): DemandProfile {
  const order = new Float64Array(window.days);
  const browse = new Float64Array(window.days);
  let max = 0;
  const firstDay = window.gridStartMs / DAY_MS;
  for (let i = 0; i < window.days; i++) {
    const mult = dayMultiplier(firstDay + i, market, gift);
    order[i] = mult.order;
    browse[i] = mult.browse;
    max = Math.max(max, mult.order, mult.browse);
  }
  return { order, browse, max };
}

/** Demand multipliers for every day of the window, per market and gift-shopper flag. */
export function buildDemandProfiles(window: DemoWindow): DemandProfiles {
  return {
    zh: { regular: buildProfile(window, 'zh', false), gift: buildProfile(window, 'zh', true) },
    en: { regular: buildProfile(window, 'en', false), gift: buildProfile(window, 'en', true) },
  };
}

/**
 * UTC offsets (minutes) of IANA time zones per day of the window, from Intl so DST is right.
 * Cached per zone; falls back to a fixed offset if the runtime lacks full ICU.
 */
export function createTimeZoneOffsets(window: DemoWindow, fallback: Record<string, number>): (zone: string, day: number) => number {
  const cache = new Map<string, Int16Array>();
  const parse = (name: string): number | null => {
    const m = /^GMT(?:([+-])(\d{2}):?(\d{2})?)?$/.exec(name);
    if (!m) return null;
    if (!m[1]) return 0;
    const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
    return m[1] === '-' ? -minutes : minutes;
  };
  const build = (zone: string): Int16Array => {
    const offsets = new Int16Array(window.days).fill(fallback[zone] ?? 0);
    let format: Intl.DateTimeFormat;
    try {
      format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    } catch {
      return offsets;
    }
    for (let d = 0; d < window.days; d++) {
      // Noon UTC sits on the local calendar day in every zone we use (UTC−8 … UTC+11).
      const part = format.formatToParts(new Date(window.gridStartMs + d * DAY_MS + 12 * HOUR_MS)).find((p) => p.type === 'timeZoneName');
      const minutes = part ? parse(part.value) : null;
      if (minutes !== null) offsets[d] = minutes;
    }
    return offsets;
  };
  return (zone: string, day: number): number => {
    let offsets = cache.get(zone);
    if (!offsets) {
      offsets = build(zone);
      cache.set(zone, offsets);
    }
    return offsets[Math.min(Math.max(day, 0), window.days - 1)] ?? 0;
  };
}

/** An email campaign the shop sent during the window. */
export interface DemoCampaign {
  id: string;
  name: string;
  subject: { zh: string; en: string };
  sentAtMs: number;
  /** Festival campaigns get opened more. */
  appeal: number;
}

interface CampaignTheme {
  month: number;
  day: number;
  zh: string;
  en: string;
  subjectZh: string;
  subjectEn: string;
  appeal: number;
}

const theme = (month: number, day: number, zh: string, en: string, subjectZh: string, subjectEn: string, appeal = 1): CampaignTheme => ({ month, day, zh, en, subjectZh, subjectEn, appeal });

/** Two themed campaigns per calendar month (month 1–12). */
const CAMPAIGN_THEMES: readonly CampaignTheme[] = [
  theme(1, 8, '年货节', 'New Year Goods Festival', '年货节开抢，满299减50', 'New Year goods: ¥50 off ¥299', 1.05),
  theme(1, 22, '冬季清仓', 'Winter Clearance', '冬季清仓，低至5折', 'Winter clearance — up to 50% off', 1.05),
  theme(2, 5, '开工好物', 'Back-to-Work Picks', '开工大吉！效率好物推荐', 'Back to work: our productivity picks'),
  theme(2, 10, '情人节礼物', "Valentine's Gifts", '情人节礼物清单，送TA最好的', "Valentine's gift guide for someone special", 1.1),
  theme(3, 5, '女神节', "Women's Day", '3.8 女神节，美妆专场8折', "Women's Day: 20% off beauty", 1.05),
  theme(3, 20, '春季上新', 'Spring Arrivals', '春季新品上市', 'New in for spring'),
  theme(4, 8, '踏青出游', 'Spring Outing', '踏青季户外装备特惠', 'Outdoor gear for spring trips'),
  theme(4, 22, '会员日', 'Member Day', '会员日专享：积分翻倍', 'Member Day: double points'),
  theme(5, 6, '母亲节', "Mother's Day", '母亲节，感谢有您', "Mother's Day gifts she'll love", 1.05),
  theme(5, 16, '520 表白季', '520 Love Week', '520 表白季，心意好礼', '520 Love Week: gifts from the heart', 1.05),
  theme(6, 10, '618 预热', '618 Early Access', '618 预售开启，定金膨胀', '618 early access starts now', 1.25),
  theme(6, 17, '618 最后一天', '618 Last Chance', '618 最后24小时！', '618: the last 24 hours!', 1.3),
  theme(7, 8, '暑期好物', 'Summer Essentials', '夏日清凉好物', 'Summer essentials to beat the heat', 0.95),
  theme(7, 22, '会员日', 'Member Day', '会员日专享：积分翻倍', 'Member Day: double points', 0.95),
  theme(8, 6, '七夕礼物', 'Qixi Gifts', '七夕礼物提前选', 'Qixi (Chinese Valentine’s Day) gift ideas', 1.05),
  theme(8, 20, '开学季', 'Back to School', '开学季文具图书满减', 'Back to school: books & stationery deals'),
  theme(9, 8, '中秋礼盒', 'Mid-Autumn Gift Boxes', '中秋礼盒，团圆好礼', 'Mid-Autumn gift boxes for the family', 1.05),
  theme(9, 24, '国庆出游', 'Golden Week Travel', '国庆出游装备清单', 'Golden Week travel checklist'),
  theme(10, 10, '秋冬上新', 'Autumn/Winter Arrivals', '秋冬新品，温暖上线', 'Autumn/winter arrivals are here'),
  theme(10, 24, '双11 预售', 'Double 11 Pre-sale', '双11 预售开启，早买早享', 'Double 11 pre-sale is open', 1.2),
  theme(11, 10, '双11 狂欢', 'Double 11 Is Here', '双11 狂欢夜，全场5折起', 'Double 11: up to 50% off everything', 1.35),
  theme(11, 25, '黑五特惠', 'Black Friday Deals', '黑五特惠，海外仓直发', 'Black Friday deals start now', 1.15),
  theme(12, 10, '双12', 'Double 12', '双12 返场，最后一波', 'Double 12: one more round of deals', 1.1),
  theme(12, 16, '圣诞礼物', 'Christmas Gifts', '圣诞礼物指南', 'Your Christmas gift guide', 1.1),
];

/** The campaigns sent during the window: two a month at 10:00 Beijing time (02:00 UTC). */
export function buildCampaigns(window: DemoWindow): DemoCampaign[] {
  const campaigns: DemoCampaign[] = [];
  const first = new Date(window.startMs);
  const last = new Date(window.endMs);
  for (let y = first.getUTCFullYear(); y <= last.getUTCFullYear(); y++) {
    for (const t of CAMPAIGN_THEMES) {
      const sentAtMs = Date.UTC(y, t.month - 1, t.day, 2);
      if (sentAtMs < window.startMs || sentAtMs >= window.endMs - DAY_MS) continue;
      const id = `cmp-${y}${String(t.month).padStart(2, '0')}${String(t.day).padStart(2, '0')}`;
      campaigns.push({ id, name: `${t.zh} · ${t.en}`, subject: { zh: t.subjectZh, en: t.subjectEn }, sentAtMs, appeal: t.appeal });
    }
  }
  return campaigns.sort((a, b) => a.sentAtMs - b.sentAtMs);
}
