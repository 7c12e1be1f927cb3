/** Test data shared by the factor-model tests (als.test.ts, bpr.test.ts). */
import { createRng } from '../ml/rng.js';
import { csrFromCoo } from '../ml/sparse.js';
import type { Split } from './evaluate.js';

export const BLOCKS = 4;
export const USERS_PER_BLOCK = 15;
export const ITEMS_PER_BLOCK = 8;
export const ITEMS = BLOCKS * ITEMS_PER_BLOCK;

/**
 * Planted blocks: customer u belongs to block u mod 4 and has every item of that block but one
 * (held out, chosen at random), plus an out-of-block item for a third of them as noise. The
 * held-out item is the one unseen item of the customer's block, so a model that learned the
 * blocks ranks it first.
 */
export function planted(seed: string): Split & { heldOut: number[] } {
  const rng = createRng(seed);
  const users = BLOCKS * USERS_PER_BLOCK;
  const tr: number[] = [];
  const tc: number[] = [];
  const heldOut: number[] = [];
  for (let u = 0; u < users; u++) {
    const base = (u % BLOCKS) * ITEMS_PER_BLOCK;
    const out = base + rng.int(0, ITEMS_PER_BLOCK);
    heldOut.push(out);
    for (let i = base; i < base + ITEMS_PER_BLOCK; i++) {
      if (i === out) continue;
      tr.push(u);
      tc.push(i);
    }
    if (rng.bernoulli(1 / 3)) {
      tr.push(u);
      tc.push((base + ITEMS_PER_BLOCK + rng.int(0, ITEMS - ITEMS_PER_BLOCK)) % ITEMS);
    }
  }
  const train = csrFromCoo(users, ITEMS, tr, tc);
  const test = csrFromCoo(
    users,
    ITEMS,
    heldOut.map((_, u) => u),
    heldOut,
  );
  return { train, test, heldOut };
}
