import type { ImportRowError } from './import.schema.js';
import type { RowParser } from './import.rows.js';

/**
 * What an import writes, in whole units: a profile row, a catalog row, or an order with all its
 * lines. A unit is never split across transactions, so no import ever writes half a row or half
 * an order.
 */
export interface Unit<T> {
  value: T;
  /** CSV data rows the unit came from. */
  rows: number;
}

/** Where row pipelines deliver: units to write, and rows refused with their errors. */
export interface Sink<T> {
  unit(unit: Unit<T>): void;
  reject(rows: number, errors: readonly ImportRowError[]): void;
}

/** Turns CSV rows into units; `end(false)` when reading stopped early at a malformed spot. */
export interface RowPipeline {
  /** One data row; `invalid` when it is already known bad (a wrong column count), so it is not parsed. */
  push(cells: readonly string[], row: number, invalid?: readonly ImportRowError[]): void;
  end(complete: boolean): void;
}

/** One row, one unit (profiles, catalog). */
export function rowPerUnit<T>(parser: RowParser<T>, sink: Sink<T>): RowPipeline {
  return {
    push(cells, row, invalid) {
      if (invalid) {
        sink.reject(1, invalid);
        return;
      }
      const r = parser.parse(cells, row);
      if (r.ok) sink.unit({ value: r.value, rows: 1 });
      else sink.reject(1, r.errors);
    },
    end() {},
  };
}
