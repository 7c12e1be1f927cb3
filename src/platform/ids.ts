import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * A sortable id: 9 base-36 chars of millisecond time then 12 random chars, with a prefix
 * (`prf_…`, `evt_…`). Sorting by id roughly sorts by creation, which keeps B-tree inserts local.
 */
export function newId(prefix: string, now = Date.now()): string {
  const bytes = randomBytes(12);
  let rand = '';
  for (let i = 0; i < 12; i++) rand += ALPHABET[(bytes[i] ?? 0) % 36];
  return `${prefix}_${now.toString(36).padStart(9, '0')}${rand}`;
}

export const toIso = (ms: number): string => new Date(ms).toISOString();
export const toIsoOrNull = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
