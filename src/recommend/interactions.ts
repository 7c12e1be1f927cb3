import { csrFromCoo, mapValues, type Csr } from '../ml/sparse.js';

/**
 * A binary customer × item matrix from (customer, item) pairs, with dense 0-based ids in order of
 * first appearance: the shape of the offline protocol, where every interaction is a positive of
 * weight 1 and a repeated pair is still one positive. Used by `nudge recommend evaluate` and the
 * benchmark's dataset loaders.
 */
export function binaryInteractions(pairs: Iterable<readonly [string, string]>): { matrix: Csr; users: number; items: number } {
  const users = new Map<string, number>();
  const items = new Map<string, number>();
  const rows: number[] = [];
  const cols: number[] = [];
  for (const [u, i] of pairs) {
    let r = users.get(u);
    if (r === undefined) users.set(u, (r = users.size));
    let c = items.get(i);
    if (c === undefined) items.set(i, (c = items.size));
    rows.push(r);
    cols.push(c);
  }
  const matrix = mapValues(csrFromCoo(users.size, items.size, rows, cols), () => 1);
  return { matrix, users: users.size, items: items.size };
}
