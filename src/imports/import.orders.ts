import type { OrderLine } from '../profiles/order.repository.js';
import type { ImportRowError } from './import.schema.js';
import type { OrderLineRow, RowParser } from './import.rows.js';
import { SeenKeys } from './import.seen.js';
import type { RowPipeline, Sink } from './import.units.js';
import { ROW_CODES } from './import.values.js';

export const ORDER_CODES = {
  notContiguous: 'IMPORT_ORDER_NOT_CONTIGUOUS',
  inconsistent: 'IMPORT_ORDER_INCONSISTENT',
  rejected: 'IMPORT_ORDER_REJECTED',
  incomplete: 'IMPORT_ORDER_INCOMPLETE',
  tooLarge: 'IMPORT_ORDER_TOO_LARGE',
} as const;

/** An order read from the file, ready to store once its customer is resolved. */
export interface ImportedOrder {
  orderId: string;
  userId: string | undefined;
  email: string | undefined;
  placedAt: number;
  currency: string;
  total: number;
  lines: OrderLine[];
}

/** More lines than this in one order is refused: it bounds the memory one open order can take. */
export const MAX_ORDER_LINES = 10_000;

interface Group {
  orderId: string;
  firstRow: number;
  /** A second run of an order_id seen earlier in the file. */
  repeat: boolean;
  rows: number;
  okRows: number[];
  lines: OrderLine[];
  userId: string | undefined;
  email: string | undefined;
  placedAt: number | undefined;
  currency: string | undefined;
  total: number | undefined;
  errors: ImportRowError[];
}

type OrderField = 'userId' | 'email' | 'placedAt' | 'currency' | 'total';
const COLUMN: Record<OrderField, string> = { userId: 'user_id', email: 'email', placedAt: 'placed_at', currency: 'currency', total: 'total' };

/**
 * Group order rows: consecutive rows with the same order_id are one order (one line a row).
 * Order-level cells (user_id, email, placed_at, currency, total) may be repeated on every row
 * or left empty after the first, but must not contradict each other. An order with any bad row
 * is refused whole and every one of its rows is reported. An order_id that comes back after
 * other orders is refused (IMPORT_ORDER_NOT_CONTIGUOUS): rows of one order must be adjacent.
 */
export function orderPipeline(
  parser: RowParser<OrderLineRow> & { orderIdOf(cells: readonly string[]): string },
  sink: Sink<ImportedOrder>,
  ctx: { currency: string },
): RowPipeline {
  const seen = new SeenKeys();
  let group: Group | null = null;

  const open = (orderId: string, row: number): Group => ({
    orderId,
    firstRow: row,
    repeat: seen.add(orderId),
    rows: 0,
    okRows: [],
    lines: [],
    userId: undefined,
    email: undefined,
    placedAt: undefined,
    currency: undefined,
    total: undefined,
    errors: [],
  });

  function merge<K extends OrderField>(g: Group, field: K, value: Group[K], row: number): void {
    if (value === undefined) return;
    const current = g[field];
    if (current === undefined) {
      g[field] = value;
      return;
    }
    if (current === value) return;
    const show = (v: string | number) => (field === 'placedAt' ? new Date(v).toISOString() : String(v));
    g.errors.push({
      row,
      field: COLUMN[field],
      code: ORDER_CODES.inconsistent,
      message: `${COLUMN[field]}: "${show(value)}" contradicts "${show(current)}" on an earlier row of order ${g.orderId}`,
    });
  }

  const reject = (g: Group, code: string, why: string) => {
    const errors = [...g.errors];
    for (const row of g.okRows) errors.push({ row, field: 'order_id', code, message: why });
    errors.sort((a, b) => a.row - b.row);
    sink.reject(g.rows, errors);
  };

  const close = (g: Group, complete: boolean) => {
    if (!complete) {
      reject(g, ORDER_CODES.incomplete, `Order ${g.orderId} was not imported: reading stopped inside it, so it may have more lines`);
      return;
    }
    if (g.errors.length > 0) {
      const first = g.errors[0]?.row ?? g.firstRow;
      reject(g, ORDER_CODES.rejected, `Order ${g.orderId} was not imported because its row ${first} is invalid (an order is imported whole or not at all)`);
      return;
    }
    if (!g.userId && !g.email) {
      g.errors.push({ row: g.firstRow, field: 'user_id', code: ROW_CODES.missingIdentity, message: `Order ${g.orderId} has no user_id or email on any of its rows` });
      reject(g, ORDER_CODES.rejected, `Order ${g.orderId} was not imported: it names no customer`);
      return;
    }
    if (g.placedAt === undefined) {
      g.errors.push({ row: g.firstRow, field: 'placed_at', code: ROW_CODES.missingValue, message: `placed_at: order ${g.orderId} has no date on any of its rows` });
      reject(g, ORDER_CODES.rejected, `Order ${g.orderId} was not imported: it has no placed_at`);
      return;
    }
    const sum = g.lines.reduce((s, l) => s + l.price * l.quantity, 0);
    sink.unit({
      value: {
        orderId: g.orderId,
        userId: g.userId,
        email: g.email,
        placedAt: g.placedAt,
        currency: g.currency ?? ctx.currency,
        // Rounded to 6 decimals so 19.9 × 3 is 59.7, not 59.699999999999996.
        total: g.total ?? Math.round(sum * 1e6) / 1e6,
        lines: g.lines,
      },
      rows: g.rows,
    });
  };

  return {
    push(cells, row, invalid) {
      // A row with a wrong column count still names its order (order_id is read by position), so the order is refused whole.
      const orderId = parser.orderIdOf(cells);
      const parsed = invalid ? { ok: false as const, errors: [...invalid] } : parser.parse(cells, row);
      if (orderId === '') {
        // No order to attach it to: refused on its own (parsing reports the empty order_id).
        sink.reject(1, parsed.ok ? [{ row, field: 'order_id', code: ROW_CODES.missingValue, message: 'order_id: is required' }] : parsed.errors);
        return;
      }
      if (group && group.orderId !== orderId) {
        close(group, true);
        group = null;
      }
      group ??= open(orderId, row);
      const g = group;
      g.rows++;
      if (g.repeat) {
        g.errors.push({
          row,
          field: 'order_id',
          code: ORDER_CODES.notContiguous,
          message: `order_id: order ${orderId} already appeared earlier in the file; rows of one order must be adjacent`,
        });
        return;
      }
      if (g.rows > MAX_ORDER_LINES) {
        if (g.rows === MAX_ORDER_LINES + 1) g.errors.push({ row, field: 'order_id', code: ORDER_CODES.tooLarge, message: `Order ${orderId} has more than ${MAX_ORDER_LINES} lines` });
        return;
      }
      if (!parsed.ok) {
        g.errors.push(...parsed.errors);
        return;
      }
      const line = parsed.value;
      const before = g.errors.length;
      merge(g, 'userId', line.userId, row);
      merge(g, 'email', line.email, row);
      merge(g, 'placedAt', line.placedAt, row);
      merge(g, 'currency', line.currency, row);
      merge(g, 'total', line.total, row);
      if (g.errors.length > before) return;
      g.okRows.push(row);
      g.lines.push({ productId: line.productId, quantity: line.quantity, price: line.price });
    },
    end(complete) {
      if (group) close(group, complete);
      group = null;
    },
  };
}
