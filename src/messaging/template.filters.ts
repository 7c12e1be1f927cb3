import { filters as liquidFilters, type Context, type FilterImplOptions } from 'liquidjs';
import { UnexpectedError } from '../platform/errors.js';
import type { Locale } from './template.schema.js';
import type { FieldMode, RenderContext } from './template.render.js';

/**
 * Nudge's Liquid filters — `money`, `number` and a locale-aware `date` — and the per-render state
 * they (and the `recommend` tag) read: the customer's language, time zone and currency.
 */

/** Per-render state the filters and tags read from the liquid Context (never from the template scope). */
export interface RenderHost {
  mode: FieldMode;
  locale: Locale;
  /** BCP-47 tag for Intl, e.g. 'zh-CN', 'en-GB'. */
  intlLocale: string;
  timeZone: string;
  currency: string;
  now: number;
  ctx: RenderContext;
}
export const HOST = 'nudge';
export const hostOf = (ctx: Context): RenderHost => {
  // getRegister is untyped storage; renderField always sets HOST before rendering.
  const host = ctx.getRegister<RenderHost | undefined>(HOST);
  if (!host) throw new UnexpectedError('template rendered without a Nudge render host');
  return host;
};

export type FilterThis = ThisParameterType<Extract<FilterImplOptions, (...args: never[]) => unknown>>;
const handler = (name: string): ((this: FilterThis, ...args: unknown[]) => unknown) => {
  const f = liquidFilters[name];
  if (!f) throw new UnexpectedError(`liquidjs has no ${name} filter`);
  return typeof f === 'function' ? f : f.handler;
};
const liquidDate = handler('date');
export const liquidEscape = handler('escape');
export const liquidEscapeOnce = handler('escape_once');

export const toNumber = (v: unknown): number | null => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
};

/** Liquid's date inputs: 'now', unix seconds (number or digits), ISO strings, Dates. */
function toDate(v: unknown, now: number): Date | null {
  if (v === 'now' || v === 'today') return new Date(now);
  const d = typeof v === 'number' || (typeof v === 'string' && /^\d+$/.test(v)) ? new Date(Number(v) * 1000) : v instanceof Date ? v : typeof v === 'string' ? new Date(v) : null;
  return d && !Number.isNaN(d.getTime()) ? d : null;
}

// Intl formatters are costly to build (tens of µs) and a broadcast asks for the same few again and again.
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
export function numberFormat(locale: string, opts: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `n|${locale}|${JSON.stringify(opts)}`;
  const hit = formatters.get(key);
  if (hit instanceof Intl.NumberFormat) return hit;
  const f = new Intl.NumberFormat(locale, opts);
  if (formatters.size > 500) formatters.clear();
  formatters.set(key, f);
  return f;
}
export function dateFormat(locale: string, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `d|${locale}|${JSON.stringify(opts)}`;
  const hit = formatters.get(key);
  if (hit instanceof Intl.DateTimeFormat) return hit;
  const f = new Intl.DateTimeFormat(locale, opts);
  if (formatters.size > 500) formatters.clear();
  formatters.set(key, f);
  return f;
}

type DateStyle = NonNullable<Intl.DateTimeFormatOptions['dateStyle']>;
const isDateStyle = (s: string): s is DateStyle => s === 'short' || s === 'medium' || s === 'long' || s === 'full';

/** `{{ price | money }}`, `{{ price | money: 'USD' }}`: currency in the customer's locale (¥1,234.00 / CN¥1,234.00). */
export function money(this: FilterThis, v: unknown, currency?: unknown): unknown {
  const host = hostOf(this.context);
  const n = toNumber(v);
  if (n === null) return v;
  const code = typeof currency === 'string' && /^[A-Za-z]{3}$/.test(currency) ? currency.toUpperCase() : host.currency;
  return numberFormat(host.intlLocale, { style: 'currency', currency: code }).format(n);
}

/** `{{ n | number }}`, `{{ n | number: 1 }}`: grouped digits in the customer's locale. */
export function number(this: FilterThis, v: unknown, digits?: unknown): unknown {
  const n = toNumber(v);
  if (n === null) return v;
  const d = toNumber(digits);
  const opts = d === null ? {} : { minimumFractionDigits: d, maximumFractionDigits: d };
  return numberFormat(hostOf(this.context).intlLocale, opts).format(n);
}

/**
 * `{{ x | date }}` (long date), `| date: 'short'|'medium'|'long'|'full'|'datetime'|'time'`, all in the
 * customer's time zone and language ("March 5, 2026" / "2026年3月5日"); a strftime format
 * (`| date: '%Y-%m-%d'`) keeps Liquid's meaning, shifted to the customer's time zone.
 */
export function date(this: FilterThis, v: unknown, format?: unknown): unknown {
  const host = hostOf(this.context);
  if (typeof format === 'string' && format.includes('%')) return liquidDate.call(this, v === 'now' || v === 'today' ? host.now / 1000 : v, format, host.timeZone);
  const d = toDate(v, host.now);
  if (!d) return v;
  const style = typeof format === 'string' ? format : 'long';
  const opts: Intl.DateTimeFormatOptions =
    style === 'datetime' ? { dateStyle: 'long', timeStyle: 'short' } : style === 'time' ? { timeStyle: 'short' } : { dateStyle: isDateStyle(style) ? style : 'long' };
  return dateFormat(host.intlLocale, { ...opts, timeZone: host.timeZone }).format(d);
}

/** JSON-string escaping: `"{{ x }}"` in a webhook body stays one JSON string whatever x holds. */
export function jsonEscape(v: unknown): string {
  const s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return JSON.stringify(s).slice(1, -1);
}
