import { z } from 'zod';
import { CatalogItem, type CatalogItemInput } from '../catalog/catalog.schema.js';
import { jsonPath } from '../platform/errors.js';
import type { IdentityClaim } from '../profiles/identity.js';
import type { ImportKind, ImportRowError } from './import.schema.js';
import {
  booleanCell,
  currencyCell,
  dateCell,
  emailCell,
  inferValue,
  numberCell,
  phoneCell,
  required,
  ROW_CODES,
  textCell,
} from './import.values.js';

/**
 * Per-kind CSV row parsing: which columns a file needs, and one zod schema per kind that turns a
 * row of text cells into what the import writes (an identity claim, an order line, a catalog
 * item) or into row errors that name the column at fault.
 */

export const HEADER_INVALID = 'IMPORT_HEADER_INVALID';
export const FILE_EMPTY = 'IMPORT_FILE_EMPTY';

/** The header row: column names as written (trimmed) and as matched (`Plan Type` → `plan_type`). */
export interface Header {
  names: string[];
  keys: string[];
}

/** Column name as matched and stored: lower case, spaces and dashes as `_`. */
export const columnKey = (name: string): string => name.trim().toLowerCase().replace(/[\s-]+/g, '_');

export type RowResult<T> = { ok: true; value: T } | { ok: false; errors: ImportRowError[] };

export interface RowParser<T> {
  /** Parse one data row (cells in header order; the column count is already checked). */
  parse(cells: readonly string[], row: number): RowResult<T>;
}

export interface ParseContext {
  /** Time of the import: the timestamp of profile traits without an updated_at column. */
  now: number;
  /** The workspace's currency, for rows that leave currency empty. */
  currency: string;
}

/** One order line as read from a row; order-level cells may be empty on continuation rows. */
export interface OrderLineRow {
  orderId: string;
  userId: string | undefined;
  email: string | undefined;
  placedAt: number | undefined;
  currency: string | undefined;
  total: number | undefined;
  productId: string;
  quantity: number;
  price: number;
}

/** Read the header row; duplicate column names are refused (which one would win?). */
export function readHeader(cells: readonly string[]): { header: Header } | { error: ImportRowError } {
  const names = cells.map((c) => c.trim());
  if (names.every((n) => n === '')) return { error: { row: 0, field: null, code: FILE_EMPTY, message: 'The file has no header row' } };
  const keys = names.map(columnKey);
  const seen = new Set<string>();
  for (const [i, k] of keys.entries()) {
    if (k === '') continue;
    if (seen.has(k)) return { error: { row: 0, field: names[i] ?? k, code: HEADER_INVALID, message: `The column "${names[i] ?? k}" appears twice in the header` } };
    seen.add(k);
  }
  return { header: { names, keys } };
}

const NAME_LANG = /^name_([a-z]{2,3}(?:_[a-z0-9]{2,8})?)$/;
const DESCRIPTION_LANG = /^description_([a-z]{2,3}(?:_[a-z0-9]{2,8})?)$/;

/** Required columns per kind: each entry is "one of these". Documented for users in the dashboard's column notes. */
const REQUIRED: Record<ImportKind, { anyOf: string[]; label: string }[]> = {
  profiles: [{ anyOf: ['user_id', 'email', 'phone', 'anonymous_id'], label: 'one of user_id, email, phone, anonymous_id' }],
  orders: [
    { anyOf: ['order_id'], label: 'order_id' },
    { anyOf: ['user_id', 'email'], label: 'user_id or email' },
    { anyOf: ['placed_at'], label: 'placed_at' },
    { anyOf: ['product_id'], label: 'product_id' },
    { anyOf: ['quantity'], label: 'quantity' },
    { anyOf: ['price'], label: 'price' },
  ],
  catalog: [
    { anyOf: ['id'], label: 'id' },
    { anyOf: ['name', 'name_*'], label: 'name (or name_zh / name_en)' },
  ],
};

/** The first required column the header lacks, as a file-level error naming it; null when the header is usable. */
export function checkHeader(kind: ImportKind, header: Header): ImportRowError | null {
  const has = (col: string) => (col === 'name_*' ? header.keys.some((k) => NAME_LANG.test(k)) : header.keys.includes(col));
  for (const req of REQUIRED[kind]) {
    if (req.anyOf.some(has)) continue;
    const needs = REQUIRED[kind].map((r) => r.label).join('; ');
    const found = header.names.filter(Boolean).join(', ') || '(nothing)';
    return {
      row: 0,
      field: req.anyOf[0] ?? null,
      code: HEADER_INVALID,
      message: `The header has no ${req.label} column. A ${kind} file needs: ${needs}. Found: ${found}`,
    };
  }
  return null;
}

/** Build the row parser for a kind over a checked header. */
export function rowParser(kind: 'profiles', header: Header, ctx: ParseContext): RowParser<IdentityClaim>;
export function rowParser(kind: 'orders', header: Header, ctx: ParseContext): RowParser<OrderLineRow> & { orderIdOf(cells: readonly string[]): string };
export function rowParser(kind: 'catalog', header: Header, ctx: ParseContext): RowParser<CatalogItem>;
export function rowParser(kind: ImportKind, header: Header, ctx: ParseContext): RowParser<unknown> {
  switch (kind) {
    case 'profiles':
      return profileParser(header, ctx);
    case 'orders':
      return orderParser(header);
    case 'catalog':
      return catalogParser(header, ctx);
  }
}

// ---------------------------------------------------------------------------------------------

/** Pick the known columns of a row into an object for zod; absent columns read as ''. */
function picker(header: Header, known: readonly string[]): (cells: readonly string[]) => Record<string, string> {
  const positions = known.map((k) => [k, header.keys.indexOf(k)] as const);
  return (cells) => {
    const out: Record<string, string> = {};
    for (const [k, i] of positions) out[k] = i >= 0 ? (cells[i] ?? '') : '';
    return out;
  };
}

/** Row errors from a zod failure: one per column at fault, with the code the cell schema set. */
function rowErrors(error: z.ZodError, row: number, fieldOf: (path: readonly PropertyKey[]) => string = (p) => jsonPath(p)): ImportRowError[] {
  const out: ImportRowError[] = [];
  const seen = new Set<string>();
  for (const issue of error.issues) {
    const field = fieldOf(issue.path);
    if (seen.has(field)) continue;
    seen.add(field);
    const params = issue.code === 'custom' ? (issue.params as { code?: unknown } | undefined) : undefined;
    const code = typeof params?.code === 'string' ? params.code : ROW_CODES.invalid;
    out.push({ row, field, code, message: `${field}: ${issue.message}` });
  }
  return out;
}

const IDENTITY_COLUMNS = ['user_id', 'email', 'phone', 'anonymous_id'];

const ProfileRow = z.object({
  user_id: textCell(200),
  email: emailCell(),
  phone: phoneCell(),
  anonymous_id: textCell(200),
  updated_at: dateCell(),
});

/**
 * A profile row is an identity claim: the identity columns say who, every other non-empty cell is
 * a trait (email and phone too, as in Segment's identify). Traits are written last-write-wins at
 * the row's updated_at, or at the time of the import.
 */
function profileParser(header: Header, ctx: ParseContext): RowParser<IdentityClaim> {
  const pick = picker(header, [...IDENTITY_COLUMNS, 'updated_at']);
  const traitColumns = header.keys
    .map((k, i) => [k, i] as const)
    .filter(([k]) => k !== '' && k !== 'user_id' && k !== 'anonymous_id' && k !== 'updated_at');
  return {
    parse(cells, row) {
      const parsed = ProfileRow.safeParse(pick(cells));
      if (!parsed.success) return { ok: false, errors: rowErrors(parsed.error, row) };
      const r = parsed.data;
      if (!r.user_id && !r.email && !r.phone && !r.anonymous_id) {
        return { ok: false, errors: [{ row, field: 'user_id', code: ROW_CODES.missingIdentity, message: 'The row has none of user_id, email, phone, anonymous_id' }] };
      }
      const traits: Record<string, unknown> = {};
      for (const [k, i] of traitColumns) {
        const cell = cells[i] ?? '';
        if (cell === '') continue;
        traits[k] = k === 'email' || k === 'phone' ? cell : inferValue(cell);
      }
      return {
        ok: true,
        value: { userId: r.user_id, anonymousId: r.anonymous_id, email: r.email ?? null, phone: r.phone ?? null, traits, timestamp: r.updated_at ?? ctx.now, isEvent: false },
      };
    },
  };
}

const OrderRow = z.object({
  order_id: required(textCell(200)),
  user_id: textCell(200),
  email: emailCell(),
  placed_at: dateCell(),
  currency: currencyCell(),
  product_id: required(textCell(200)),
  quantity: required(numberCell({ min: 0, exclusiveMin: true })),
  price: required(numberCell({ min: 0 })),
  total: numberCell({ min: 0 }),
});
const ORDER_COLUMNS = Object.keys(OrderRow.shape);

/** One order line a row; the order-level checks (one customer, one date) happen when rows are grouped. */
function orderParser(header: Header): RowParser<OrderLineRow> & { orderIdOf(cells: readonly string[]): string } {
  const pick = picker(header, ORDER_COLUMNS);
  const orderIdIndex = header.keys.indexOf('order_id');
  return {
    orderIdOf: (cells) => cells[orderIdIndex] ?? '',
    parse(cells, row) {
      const parsed = OrderRow.safeParse(pick(cells));
      if (!parsed.success) return { ok: false, errors: rowErrors(parsed.error, row) };
      const r = parsed.data;
      return {
        ok: true,
        value: {
          orderId: r.order_id,
          userId: r.user_id,
          email: r.email,
          placedAt: r.placed_at,
          currency: r.currency,
          total: r.total,
          productId: r.product_id,
          quantity: r.quantity,
          price: r.price,
        },
      };
    },
  };
}

const CatalogRow = z.object({
  id: required(textCell(200)),
  type: textCell(20).pipe(z.enum(['product', 'content'], { error: 'must be product or content' }).optional()),
  name: textCell(500),
  description: textCell(20_000),
  category: textCell(200),
  subcategory: textCell(200),
  price: numberCell({ min: 0 }),
  currency: currencyCell(),
  in_stock: booleanCell(),
  language: textCell(10),
  url: textCell(2000),
  image_url: textCell(2000),
  brand: textCell(200),
});
const CATALOG_COLUMNS = Object.keys(CatalogRow.shape);

/** Where a CatalogItem field came from in the CSV, for error messages. */
const CATALOG_FIELD: Record<string, string> = { imageUrl: 'image_url', inStock: 'in_stock', categories: 'category', names: 'name', descriptions: 'description' };

const CJK = /[\u3400-\u9fff]/;

/**
 * A catalog row is a CatalogItem: name_<lang> / description_<lang> columns give the localised
 * texts, category and subcategory the category path, and any other column an attribute.
 */
function catalogParser(header: Header, ctx: ParseContext): RowParser<CatalogItem> {
  const pick = picker(header, CATALOG_COLUMNS);
  const names: [string, number][] = [];
  const descriptions: [string, number][] = [];
  const attributes: [string, number][] = [];
  for (const [i, k] of header.keys.entries()) {
    if (k === '' || CATALOG_COLUMNS.includes(k)) continue;
    const name = NAME_LANG.exec(k);
    const description = DESCRIPTION_LANG.exec(k);
    if (name?.[1]) names.push([name[1].replace('_', '-'), i]);
    else if (description?.[1]) descriptions.push([description[1].replace('_', '-'), i]);
    else attributes.push([k, i]);
  }
  const localised = (cols: [string, number][], cells: readonly string[]) => {
    const out: Record<string, string> = {};
    for (const [lang, i] of cols) {
      const v = cells[i] ?? '';
      if (v !== '') out[lang] = v;
    }
    return out;
  };
  return {
    parse(cells, row) {
      const parsed = CatalogRow.safeParse(pick(cells));
      if (!parsed.success) return { ok: false, errors: rowErrors(parsed.error, row) };
      const r = parsed.data;
      const nameBy = localised(names, cells);
      const descriptionBy = localised(descriptions, cells);
      const language = r.language ?? (CJK.test(r.name ?? '') || (!r.name && nameBy.zh) ? 'zh' : 'en');
      const name = r.name ?? nameBy[language] ?? nameBy.zh ?? nameBy.en ?? Object.values(nameBy)[0];
      if (!name) return { ok: false, errors: [{ row, field: 'name', code: ROW_CODES.missingValue, message: 'name: is required (or name_zh / name_en)' }] };
      const attrs: Record<string, unknown> = {};
      for (const [k, i] of attributes) {
        const v = cells[i] ?? '';
        if (v !== '') attrs[k] = inferValue(v);
      }
      const input: CatalogItemInput = {
        id: r.id,
        type: r.type ?? 'product',
        name,
        names: nameBy,
        description: r.description ?? descriptionBy[language] ?? '',
        descriptions: descriptionBy,
        categories: [r.category, r.subcategory].filter((c): c is string => !!c),
        price: r.price ?? null,
        currency: r.currency ?? ctx.currency,
        inStock: r.in_stock ?? true,
        language,
        url: r.url ?? null,
        imageUrl: r.image_url ?? null,
        brand: r.brand ?? null,
        attributes: attrs,
      };
      const item = CatalogItem.safeParse(input);
      if (!item.success) return { ok: false, errors: rowErrors(item.error, row, (p) => CATALOG_FIELD[String(p[0])] ?? String(p[0] ?? 'row')) };
      return { ok: true, value: item.data };
    },
  };
}
