import { randomFillSync } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** Random bytes drawn a few kilobytes at a time: one call per id cost more than the rest of newId. */
const POOL_BYTES = 12 * 512;
const pool = Buffer.alloc(POOL_BYTES);
let poolAt = POOL_BYTES;

/**
 * A sortable id: 9 base-36 chars of millisecond time then 12 random chars, with a prefix
 * (`prf_…`, `evt_…`). Sorting by id roughly sorts by creation, which keeps B-tree inserts local.
 */
export function newId(prefix: string, now = Date.now()): string {
  if (poolAt + 12 > POOL_BYTES) {
    randomFillSync(pool);
    poolAt = 0;
  }
  let rand = '';
  for (let i = 0; i < 12; i++) rand += ALPHABET[(pool[poolAt + i] ?? 0) % 36];
  poolAt += 12;
  return `${prefix}_${now.toString(36).padStart(9, '0')}${rand}`;
}

export const toIso = (ms: number): string => new Date(ms).toISOString();
export const toIsoOrNull = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
