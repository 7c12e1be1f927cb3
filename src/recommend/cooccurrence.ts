/**
 * "Frequently bought together": item pairs counted over baskets (orders), kept when they occur in
 * at least `minSupport` baskets, ranked by lift = P(i ∧ j) / (P(i) · P(j)) = n_ij · N / (n_i · n_j)
 * (Brin et al., "Dynamic itemset counting", SIGMOD 1997, §2 calls it interest). Lift above 1
 * means the pair is bought together more often than two independent purchases would be.
 */

export interface Cooccurrence {
  readonly items: number;
  /** Baskets counted (N). */
  readonly baskets: number;
  /** Baskets containing each item (n_i). */
  readonly itemSupport: Int32Array;
  /** Per item, its partners best first: CSR layout. */
  readonly indptr: Int32Array;
  readonly partners: Int32Array;
  /** Baskets with both (n_ij), aligned with `partners`. */
  readonly support: Int32Array;
  readonly lift: Float32Array;
}

export interface CooccurrenceOptions {
  /** Pairs seen in fewer baskets are dropped (default 2): one shared order is anecdote. */
  minSupport?: number;
  /** Partners kept per item (default 20). */
  maxPerItem?: number;
  /** Baskets larger than this are skipped (default 50): a bulk order says little about pairs. */
  maxBasket?: number;
}

/** Count pairs over `baskets` (item indices; duplicates inside a basket count once). */
export function buildCooccurrence(baskets: readonly ArrayLike<number>[], items: number, options: CooccurrenceOptions = {}): Cooccurrence {
  const minSupport = options.minSupport ?? 2;
  const maxPerItem = options.maxPerItem ?? 20;
  const maxBasket = options.maxBasket ?? 50;
  if (!(Number.isInteger(minSupport) && minSupport >= 1)) throw new RangeError('cooccurrence: minSupport must be an integer ≥ 1');
  const itemSupport = new Int32Array(items);
  const pairs = new Map<number, number>();
  let counted = 0;
  for (const basket of baskets) {
    const unique = [...new Set(Array.from(basket))].filter((i) => i >= 0 && i < items).sort((a, b) => a - b);
    if (unique.length === 0 || unique.length > maxBasket) continue;
    counted++;
    for (const i of unique) itemSupport[i]! += 1;
    for (let a = 0; a < unique.length; a++) {
      for (let b = a + 1; b < unique.length; b++) {
        const key = unique[a]! * items + unique[b]!;
        pairs.set(key, (pairs.get(key) ?? 0) + 1);
      }
    }
  }
  const lists: { j: number; n: number; lift: number }[][] = Array.from({ length: items }, () => []);
  for (const [key, n] of pairs) {
    if (n < minSupport) continue;
    const i = Math.floor(key / items);
    const j = key - i * items;
    const lift = (n * counted) / (itemSupport[i]! * itemSupport[j]!);
    lists[i]!.push({ j, n, lift });
    lists[j]!.push({ j: i, n, lift });
  }
  const indptr = new Int32Array(items + 1);
  const kept = lists.map((l) => l.sort((a, b) => b.lift - a.lift || b.n - a.n || a.j - b.j).slice(0, maxPerItem));
  for (let i = 0; i < items; i++) indptr[i + 1] = indptr[i]! + kept[i]!.length;
  const total = indptr[items]!;
  const partners = new Int32Array(total);
  const support = new Int32Array(total);
  const lift = new Float32Array(total);
  for (let i = 0; i < items; i++) {
    let at = indptr[i]!;
    for (const p of kept[i]!) {
      partners[at] = p.j;
      support[at] = p.n;
      lift[at] = p.lift;
      at++;
    }
  }
  return { items, baskets: counted, itemSupport, indptr, partners, support, lift };
}

export interface BoughtTogether {
  item: number;
  /** The basket item it pairs with most strongly. */
  with: number;
  support: number;
  lift: number;
}

/** Items bought with any of `seeds`, by the strongest lift to one of them; seeds and `skip` items left out. */
export function boughtTogether(co: Cooccurrence, seeds: readonly number[], n: number, skip?: (i: number) => boolean): BoughtTogether[] {
  const best = new Map<number, BoughtTogether>();
  const seedSet = new Set(seeds);
  for (const s of seedSet) {
    if (!(s >= 0 && s < co.items)) continue;
    for (let k = co.indptr[s]!; k < co.indptr[s + 1]!; k++) {
      const j = co.partners[k]!;
      if (seedSet.has(j) || skip?.(j)) continue;
      const cand = { item: j, with: s, support: co.support[k]!, lift: co.lift[k]! };
      const prev = best.get(j);
      if (!prev || cand.lift > prev.lift || (cand.lift === prev.lift && cand.support > prev.support)) best.set(j, cand);
    }
  }
  return [...best.values()].sort((a, b) => b.lift - a.lift || b.support - a.support || a.item - b.item).slice(0, n);
}
