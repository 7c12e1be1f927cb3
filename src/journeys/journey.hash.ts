import { createRng } from '../ml/rng.js';
import type { SplitBranch } from './journey.schema.js';

/**
 * Stable assignment for splits and the holdout group. A key hashes to a uniform number in [0, 1)
 * through the seeded RNG's key schedule (four independent 32-bit string hashes, then sfc32), so
 * the same key gives the same number on every process and every release, and keys that differ in one
 * character are unrelated. Pure JS, so the dashboard's preview assigns exactly like the engine.
 */
export type UnitHash = (key: string) => number;

export const unitHash: UnitHash = (key) => createRng(`journey:${key}`).next();

/**
 * The split's key: journey, profile and entry as asked, plus the node, so two 50/50 splits in one
 * journey are independent rather than sending a customer down the same side of both.
 */
export const splitKey = (journeyId: string, profileId: string, entryId: string, nodeId: string): string =>
  `split:${journeyId}:${profileId}:${entryId}:${nodeId}`;

/**
 * The holdout key leaves out the entry id: a control customer stays in the control group on every
 * re-entry, which keeps the comparison clean (no one is treated one week and held out the next).
 */
export const holdoutKey = (journeyId: string, profileId: string): string => `holdout:${journeyId}:${profileId}`;

/** The branch whose cumulative percentage range holds `u` ∈ [0, 1); branches at 0% are never chosen. */
export function pickBranch(branches: readonly SplitBranch[], u: number): SplitBranch | undefined {
  const total = branches.reduce((s, b) => s + b.percent, 0);
  if (total <= 0) return undefined;
  // Scaling by the actual total keeps a mis-summed split (rejected on publish) usable instead of falling off the end.
  let r = u * total;
  let last: SplitBranch | undefined;
  for (const b of branches) {
    if (b.percent <= 0) continue;
    last = b;
    r -= b.percent;
    if (r < 0) return b;
  }
  return last;
}

/** In the holdout group: the hash falls in the lowest `percent` of [0, 1). */
export function inHoldout(percent: number, u: number): boolean {
  return percent > 0 && u * 100 < percent;
}
