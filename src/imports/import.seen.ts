/**
 * A set of strings kept as 64-bit hashes in one typed array (open addressing, linear probing):
 * 16 bytes a key at most, however long the keys. The orders import uses it to notice an order_id
 * that comes back after other orders, without holding every id of a large file as a string.
 * Two different ids share a 64-bit hash with probability about n²/2⁶⁵ (3·10⁻⁶ for 10 million
 * orders); that is the only way it can be wrong, and it would report a false repeat, never
 * import anything twice.
 */
export class SeenKeys {
  private table = new Uint32Array(2 * 1024);
  private used = 0;

  /** Add `key`; returns true when it was already there. */
  add(key: string): boolean {
    const [h1, h2] = hash64(key);
    if (this.used * 2 >= this.table.length / 2) this.grow();
    return this.insert(h1, h2);
  }

  get size(): number {
    return this.used;
  }

  private insert(h1: number, h2: number): boolean {
    const slots = this.table.length / 2;
    const mask = slots - 1;
    for (let i = h1 & mask; ; i = (i + 1) & mask) {
      const a = this.table[2 * i] ?? 0;
      const b = this.table[2 * i + 1] ?? 0;
      if (a === 0 && b === 0) {
        this.table[2 * i] = h1;
        this.table[2 * i + 1] = h2;
        this.used++;
        return false;
      }
      if (a === h1 && b === h2) return true;
    }
  }

  private grow(): void {
    const old = this.table;
    this.table = new Uint32Array(old.length * 2);
    this.used = 0;
    for (let i = 0; i < old.length; i += 2) {
      const a = old[i] ?? 0;
      const b = old[i + 1] ?? 0;
      if (a !== 0 || b !== 0) this.insert(a, b);
    }
  }
}

/** cyrb53's two 32-bit lanes (public domain, bryc): a fast, well-mixed string hash. (0, 0) marks an empty slot, so it is never returned. */
function hash64(s: string): [number, number] {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  const a = h1 >>> 0;
  const b = h2 >>> 0;
  return a === 0 && b === 0 ? [0, 1] : [a, b];
}
