import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { asLanguage, localeOf } from './i18n';

/** Locale-aware formatters for the chosen UI language (Intl only, no hand-rolled formats). */
export interface Format {
  locale: string;
  number(n: number): string;
  compact(n: number): string;
  currency(n: number, currency: string, compact?: boolean): string;
  percent(fraction: number): string;
  bytes(n: number): string;
  /** A UTC calendar day `YYYY-MM-DD` as a short label ("Jan 5" / "1月5日"). */
  day(isoDay: string, withYear?: boolean): string;
  date(iso: string): string;
  dateTime(iso: string): string;
  /** "3 minutes ago" / "3分钟前", relative to `now`. */
  relative(iso: string | number, now?: number): string;
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

export function createFormat(locale: string): Format {
  const number = new Intl.NumberFormat(locale);
  const compact = new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 });
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  const dayFmt = new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric', timeZone: 'UTC' });
  const dayYearFmt = new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
  const dateFmt = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });
  const dateTimeFmt = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const currencies = new Map<string, Intl.NumberFormat>();

  const currencyFmt = (code: string, isCompact: boolean): Intl.NumberFormat => {
    const key = `${code}:${isCompact}`;
    let fmt = currencies.get(key);
    if (!fmt) {
      try {
        fmt = new Intl.NumberFormat(locale, {
          style: 'currency',
          currency: code,
          ...(isCompact ? { notation: 'compact', maximumFractionDigits: 1 } : {}),
        });
      } catch {
        fmt = number; // An unknown currency code: show the plain number rather than fail.
      }
      currencies.set(key, fmt);
    }
    return fmt;
  };

  return {
    locale,
    number: (n) => number.format(n),
    compact: (n) => compact.format(n),
    currency: (n, code, isCompact = false) => currencyFmt(code, isCompact).format(n),
    percent: (f) => percent.format(f),
    bytes: (n) => {
      const units = ['B', 'KB', 'MB', 'GB'];
      let value = n;
      let unit = 0;
      while (value >= 1024 && unit < units.length - 1) {
        value /= 1024;
        unit += 1;
      }
      const digits = unit === 0 ? 0 : 1;
      return `${new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value)} ${units[unit]}`;
    },
    day: (isoDay, withYear = false) => (withYear ? dayYearFmt : dayFmt).format(new Date(`${isoDay}T00:00:00Z`)),
    date: (iso) => dateFmt.format(new Date(iso)),
    dateTime: (iso) => dateTimeFmt.format(new Date(iso)),
    relative: (iso, now = Date.now()) => {
      const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
      for (const [unit, size] of UNITS) {
        if (Math.abs(seconds) >= size || unit === 'second') {
          if (unit === 'second' && Math.abs(seconds) < 45) return rtf.format(0, 'second');
          return rtf.format(Math.round(seconds / size), unit);
        }
      }
      return rtf.format(0, 'second');
    },
  };
}

/** Formatters for the current UI language; re-created when the language changes. */
export function useFormat(): Format {
  const { i18n } = useTranslation();
  const locale = localeOf(asLanguage(i18n.language));
  return useMemo(() => createFormat(locale), [locale]);
}
