/**
 * Top-K selection over a score vector with a bounded min-heap: O(n log k), no sort of all n.
 * Ties are broken by the lower index so results are deterministic.
 */

/** Indices of the k highest scores, best first. Entries where `skip(i)` is true, or whose score is -Infinity or NaN, are left out. */
export function topK(scores: ArrayLike<number>, k: number, skip?: (i: number) => boolean): Int32Array {
  // NaN or a fraction would silently give an empty heap or a RangeError from Int32Array.
  if (!(Number.isInteger(k) || k === Infinity)) throw new RangeError(`topK: k must be a whole number, got ${k}`);
  if (k <= 0) return new Int32Array(0);
  k = Math.min(k, scores.length); // the heap never holds more than n entries
  const heapIdx = new Int32Array(k);
  const heapVal = new Float64Array(k);
  let size = 0;
  // Heap order: the worst kept element is at the root (lowest score, then highest index).
  const worse = (va: number, ia: number, vb: number, ib: number) => va < vb || (va === vb && ia > ib);
  const siftDown = (at: number) => {
    for (;;) {
      const l = 2 * at + 1;
      const r = l + 1;
      let w = at;
      if (l < size && worse(heapVal[l]!, heapIdx[l]!, heapVal[w]!, heapIdx[w]!)) w = l;
      if (r < size && worse(heapVal[r]!, heapIdx[r]!, heapVal[w]!, heapIdx[w]!)) w = r;
      if (w === at) return;
      const ti = heapIdx[at]!;
      const tv = heapVal[at]!;
      heapIdx[at] = heapIdx[w]!;
      heapVal[at] = heapVal[w]!;
      heapIdx[w] = ti;
      heapVal[w] = tv;
      at = w;
    }
  };
  for (let i = 0; i < scores.length; i++) {
    const v = scores[i]!;
    if (!(v > -Infinity)) continue;
    if (skip && skip(i)) continue;
    if (size < k) {
      let at = size++;
      heapIdx[at] = i;
      heapVal[at] = v;
      while (at > 0) {
        const parent = (at - 1) >> 1;
        if (!worse(heapVal[at]!, heapIdx[at]!, heapVal[parent]!, heapIdx[parent]!)) break;
        const ti = heapIdx[at]!;
        const tv = heapVal[at]!;
        heapIdx[at] = heapIdx[parent]!;
        heapVal[at] = heapVal[parent]!;
        heapIdx[parent] = ti;
        heapVal[parent] = tv;
        at = parent;
      }
    } else if (worse(heapVal[0]!, heapIdx[0]!, v, i)) {
      heapIdx[0] = i;
      heapVal[0] = v;
      siftDown(0);
    }
  }
  // Pop worst-first into the tail so the result is best-first.
  const out = new Int32Array(size);
  for (let n = size - 1; n >= 0; n--) {
    out[n] = heapIdx[0]!;
    size--;
    heapIdx[0] = heapIdx[size]!;
    heapVal[0] = heapVal[size]!;
    siftDown(0);
  }
  return out;
}
