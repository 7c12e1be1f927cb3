import { z } from 'zod';
import { say, type Bilingual } from '../platform/language.js';
import { normalizeEmail, normalizePhone } from '../profiles/identity.js';

/**
 * Cell parsers for CSV imports. A cell arrives as trimmed text; '' means "no value". Each zod cell
 * schema turns the text into a typed value or one issue whose `params.code` is the stable row
 * error code (IMPORT_ROW_BAD_NUMBER, …) that the import report shows, and `params.zh` its Chinese.
 */

export const ROW_CODES = {
  invalid: 'IMPORT_ROW_INVALID',
  missingValue: 'IMPORT_ROW_MISSING_VALUE',
  missingIdentity: 'IMPORT_ROW_MISSING_IDENTITY',
  badNumber: 'IMPORT_ROW_BAD_NUMBER',
  badDate: 'IMPORT_ROW_BAD_DATE',
  columnCount: 'IMPORT_ROW_COLUMN_COUNT',
} as const;

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** A plain decimal number ("199", "199.00", "-1.5", "2e3"); null for anything else ("1,299", "¥5"). */
export function parseNumber(text: string): number | null {
  if (!NUMBER.test(text)) return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

// ISO 8601 date or date-time, also with '/' and a space instead of 'T' (what spreadsheets export).
const DATE = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Milliseconds from a date cell: ISO 8601 (`2025-01-15`, `2025-01-15T10:30:00+08:00`,
 * `2025/1/15 10:30`) or epoch seconds (10 digits) / milliseconds (13 digits). A time without an
 * offset is read as UTC, as the Segment ingest does. Impossible dates (Feb 30) are refused.
 */
export function parseDate(text: string): number | null {
  if (/^\d{13}$/.test(text)) return Number(text);
  if (/^\d{10}$/.test(text)) return Number(text) * 1000;
  const m = DATE.exec(text);
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return null;
  let ms = Date.UTC(year, month - 1, day, hour, minute, second, frac ? Math.floor(Number(frac) * 1000) : 0);
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offset = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4));
    ms -= sign * offset * 60_000;
  }
  return ms;
}

const TRUE = new Set(['true', 'yes', 'y', '1', '是', '有']);
const FALSE = new Set(['false', 'no', 'n', '0', '否', '无']);

/** A yes/no cell (true/false, yes/no, 1/0, 是/否); null when it is neither. */
export function parseBoolean(text: string): boolean | null {
  const t = text.toLowerCase();
  if (TRUE.has(t)) return true;
  if (FALSE.has(t)) return false;
  return null;
}

// At most 10 integer digits: longer digit strings are phone numbers, QQ numbers and ids, not amounts.
const CLEAR_INT = /^-?(0|[1-9]\d{0,9})$/;
const CLEAR_DEC = /^-?(0|[1-9]\d{0,9})\.\d{1,12}$/;

/**
 * A trait or attribute value: a number or boolean only when the text clearly is one, otherwise
 * the text. "02134" (leading zero), "+8613800138000", "13800138000" (more than 10 digits) and
 * 18-digit ids stay text, so nothing is lost by reading them as numbers.
 */
export function inferValue(text: string): string | number | boolean {
  if (CLEAR_INT.test(text) || CLEAR_DEC.test(text)) return Number(text);
  const lower = text.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  return text;
}

type Ctx = z.core.$RefinementCtx<string>;

function issue(ctx: Ctx, code: string, message: Bilingual): typeof z.NEVER {
  ctx.addIssue({ code: 'custom', message: message.en, params: { code, zh: message.zh } });
  return z.NEVER;
}

/** Optional text of at most `max` characters. */
export const textCell = (max = 500) =>
  z.string().transform((s, ctx) => {
    if (s === '') return undefined;
    if (s.length > max) return issue(ctx, ROW_CODES.invalid, say(`is longer than ${max} characters`, `超过 ${max} 个字符`));
    return s;
  });

/** Optional number, checked against a lower bound. */
export const numberCell = (opts: { min?: number; exclusiveMin?: boolean } = {}) =>
  z.string().transform((s, ctx) => {
    if (s === '') return undefined;
    const n = parseNumber(s);
    if (n === null) return issue(ctx, ROW_CODES.badNumber, say(`"${clip(s)}" is not a number (use digits and a dot, e.g. 199.00)`, `“${clip(s)}”不是数字（请只用数字和小数点，如 199.00）`));
    if (opts.min !== undefined && (opts.exclusiveMin ? n <= opts.min : n < opts.min)) {
      return issue(ctx, ROW_CODES.badNumber, say(`must be ${opts.exclusiveMin ? 'greater than' : 'at least'} ${opts.min}`, `${opts.exclusiveMin ? '必须大于' : '不能小于'} ${opts.min}`));
    }
    return n;
  });

export const dateCell = () =>
  z.string().transform((s, ctx) => {
    if (s === '') return undefined;
    const ms = parseDate(s);
    if (ms === null) return issue(ctx, ROW_CODES.badDate, say(`"${clip(s)}" is not a date (use ISO 8601, e.g. 2025-01-15T10:30:00Z)`, `“${clip(s)}”不是有效日期（请使用 ISO 8601 格式，如 2025-01-15T10:30:00Z）`));
    return ms;
  });

export const booleanCell = () =>
  z.string().transform((s, ctx) => {
    if (s === '') return undefined;
    const b = parseBoolean(s);
    if (b === null) return issue(ctx, ROW_CODES.invalid, say(`"${clip(s)}" is not true/false`, `“${clip(s)}”不是有效的是/否值（true/false）`));
    return b;
  });

/** Normalised (lower-cased) email. */
export const emailCell = () =>
  z.string().transform((s, ctx) => {
    if (s === '') return undefined;
    const e = normalizeEmail(s);
    if (!e) return issue(ctx, ROW_CODES.invalid, say(`"${clip(s)}" is not an email address`, `“${clip(s)}”不是有效的邮箱地址`));
    return e;
  });

/** Phone as `+` and digits. */
export const phoneCell = () =>
  z.string().transform((s, ctx) => {
    if (s === '') return undefined;
    const p = normalizePhone(s);
    if (!p) return issue(ctx, ROW_CODES.invalid, say(`"${clip(s)}" is not a phone number`, `“${clip(s)}”不是有效的电话号码`));
    return p;
  });

/** ISO 4217 code, upper-cased. */
export const currencyCell = () =>
  z.string().transform((s, ctx) => {
    if (s === '') return undefined;
    if (!/^[a-zA-Z]{3}$/.test(s)) return issue(ctx, ROW_CODES.invalid, say(`"${clip(s)}" is not a 3-letter currency code (e.g. CNY)`, `“${clip(s)}”不是 3 位字母的货币代码（如 CNY）`));
    return s.toUpperCase();
  });

/** Make an optional cell required: '' becomes IMPORT_ROW_MISSING_VALUE. */
export const required = <T>(cell: z.ZodType<T | undefined, string>) =>
  cell.transform((v, ctx) => {
    if (v === undefined) {
      ctx.addIssue({ code: 'custom', message: 'is required', params: { code: ROW_CODES.missingValue, zh: '不能为空' } });
      return z.NEVER;
    }
    return v;
  });

const clip = (s: string): string => (s.length > 40 ? `${s.slice(0, 40)}…` : s);
