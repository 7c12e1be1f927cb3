/**
 * Training data from a workspace's own events: product views, cart adds and purchases become a
 * customers × items matrix of summed weights (weights per event name, configurable), with the id
 * maps that turn rows and columns back into profile and product ids, and a compact snapshot the
 * serving layer keeps in memory (history, what kind of interaction each entry was, recent
 * popularity, pairs bought together).
 */
import { csrFromCoo, type Csr } from '../ml/sparse.js';
import { decodeFloat32, decodeInt32, decodeUint8, encodeArray } from '../ml/serialize.js';
import type { ScannedEvent } from '../events/event.store.js';
import { buildCooccurrence, type Cooccurrence } from './cooccurrence.js';
import type { InteractionWeight } from './recommend.schema.js';

const DAY_MS = 86_400_000;
/** What an interaction was, as bits (an entry can be several). */
export const KIND_VIEWED = 1;
export const KIND_CARTED = 2;
export const KIND_PURCHASED = 4;
/** "Popular this week". */
const TRENDING_DAYS = 7;

const PURCHASE_EVENTS = new Set(['Order Completed']);
const CART_EVENTS = new Set(['Product Added']);

/** Product ids an event refers to: a top-level product (Segment's product events) or its `products` list (orders). */
export function productIdsOf(properties: Record<string, unknown>): { ids: string[]; fromList: boolean } {
  const idOf = (o: Record<string, unknown>): string | null => {
    const v = o.product_id ?? o.productId ?? o.sku ?? o.id;
    return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null;
  };
  if (Array.isArray(properties.products)) {
    const ids: string[] = [];
    for (const p of properties.products) if (typeof p === 'object' && p !== null) {
      const id = idOf(p as Record<string, unknown>);
      if (id) ids.push(id);
    }
    return { ids, fromList: true };
  }
  const direct = idOf(properties);
  const nested = typeof properties.product === 'object' && properties.product !== null ? idOf(properties.product as Record<string, unknown>) : null;
  const id = direct ?? nested;
  return { ids: id ? [id] : [], fromList: false };
}

/** Everything a run trains on and serving reads. */
export interface TrainingData {
  /** Profile id of each row. */
  readonly customers: string[];
  /** Product id of each column. */
  readonly items: string[];
  /** User ids (and profile ids) → row. */
  readonly aliases: Map<string, number>;
  readonly matrix: Csr;
  /** Per stored entry of `matrix`: KIND_* bits. */
  readonly kinds: Uint8Array;
  /** Per stored entry: days since the customer last interacted with the item. */
  readonly ages: Float32Array;
  /** Weight per item over the last week. */
  readonly trending: Float32Array;
  readonly cooccurrence: Cooccurrence;
  readonly from: number | null;
  readonly to: number | null;
}

/**
 * Collects scanned events into training data. Only items in `catalog` are kept when it is not
 * empty (a recommendation must be showable); events of other names are ignored.
 */
export function createDataBuilder(weights: readonly InteractionWeight[], catalog: readonly string[], now: number) {
  const weightOf = new Map(weights.map((w) => [w.event, w.weight]));
  const known = catalog.length > 0 ? new Map(catalog.map((id, i) => [id, i])) : null;
  const itemIds: string[] = known ? [...catalog] : [];
  const itemIndex = known ?? new Map<string, number>();
  const customerIndex = new Map<string, number>();
  const customers: string[] = [];
  const aliases = new Map<string, number>();
  const rows: number[] = [];
  const cols: number[] = [];
  const vals: number[] = [];
  const entryKind = new Map<number, number>();
  const entryLast = new Map<number, number>();
  const trendingList: [number, number][] = [];
  const orders = new Map<string, number[]>();
  const carts = new Map<string, number[]>();
  let from: number | null = null;
  let to: number | null = null;

  const item = (id: string): number | undefined => {
    const hit = itemIndex.get(id);
    if (hit !== undefined || known) return hit;
    const at = itemIds.length;
    itemIds.push(id);
    itemIndex.set(id, at);
    return at;
  };

  return {
    add(e: ScannedEvent): void {
      const w = weightOf.get(e.name);
      if (w === undefined) return;
      const { ids } = productIdsOf(e.properties);
      if (ids.length === 0) return;
      let row = customerIndex.get(e.profileId);
      if (row === undefined) {
        row = customers.length;
        customers.push(e.profileId);
        customerIndex.set(e.profileId, row);
        aliases.set(e.profileId, row);
      }
      if (e.userId) aliases.set(e.userId, row);
      const kind = PURCHASE_EVENTS.has(e.name) ? KIND_PURCHASED : CART_EVENTS.has(e.name) ? KIND_CARTED : KIND_VIEWED;
      const basketItems: number[] = [];
      for (const id of ids) {
        const col = item(id);
        if (col === undefined) continue;
        rows.push(row);
        cols.push(col);
        vals.push(w);
        basketItems.push(col);
        // Keyed by row then column; rows × columns stays far below 2^53.
        const key = row * 1_048_576 + col;
        entryKind.set(key, (entryKind.get(key) ?? 0) | kind);
        if ((entryLast.get(key) ?? -Infinity) < e.timestamp) entryLast.set(key, e.timestamp);
        if (now - e.timestamp <= TRENDING_DAYS * DAY_MS) trendingList.push([col, w]);
      }
      if (basketItems.length > 0) {
        const orderId = e.properties.order_id ?? e.properties.orderId;
        const cartId = e.properties.cart_id ?? e.properties.cartId;
        if (kind === KIND_PURCHASED && (typeof orderId === 'string' || typeof orderId === 'number')) orders.set(String(orderId), basketItems);
        else if (kind === KIND_CARTED && (typeof cartId === 'string' || typeof cartId === 'number')) {
          const k = `${row}:${String(cartId)}`;
          const list = carts.get(k) ?? [];
          list.push(...basketItems);
          carts.set(k, list);
        }
      }
      from = from === null ? e.timestamp : Math.min(from, e.timestamp);
      to = to === null ? e.timestamp : Math.max(to, e.timestamp);
    },

    finish(): TrainingData {
      if (itemIds.length > 1_048_576) throw new RangeError('recommend: more than 2^20 items');
      const matrix = csrFromCoo(customers.length, itemIds.length, rows, cols, vals);
      const kinds = new Uint8Array(matrix.indices.length);
      const ages = new Float32Array(matrix.indices.length);
      for (let r = 0; r < matrix.rows; r++) {
        for (let k = matrix.indptr[r]!; k < matrix.indptr[r + 1]!; k++) {
          const key = r * 1_048_576 + matrix.indices[k]!;
          kinds[k] = entryKind.get(key) ?? KIND_VIEWED;
          ages[k] = Math.max(0, (now - (entryLast.get(key) ?? now)) / DAY_MS);
        }
      }
      const trending = new Float32Array(itemIds.length);
      for (const [col, w] of trendingList) trending[col]! += w;
      // Orders are the baskets; with few orders, carts stand in (what was considered together).
      const baskets = [...orders.values()];
      if (baskets.length < 50) baskets.push(...carts.values());
      return { customers, items: itemIds, aliases, matrix, kinds, ages, trending, cooccurrence: buildCooccurrence(baskets, itemIds.length), from, to };
    },
  };
}

/** The snapshot as JSON text (typed arrays as base64), for recommend_runs.snapshot. */
export function encodeSnapshot(d: TrainingData): string {
  const co = d.cooccurrence;
  return JSON.stringify({
    v: 1,
    customers: d.customers,
    items: d.items,
    aliases: [...d.aliases].filter(([k, row]) => d.customers[row] !== k),
    from: d.from,
    to: d.to,
    rows: d.matrix.rows,
    cols: d.matrix.cols,
    indptr: encodeArray(d.matrix.indptr),
    indices: encodeArray(d.matrix.indices),
    data: encodeArray(d.matrix.data),
    kinds: encodeArray(d.kinds),
    ages: encodeArray(d.ages),
    trending: encodeArray(d.trending),
    co: { baskets: co.baskets, itemSupport: encodeArray(co.itemSupport), indptr: encodeArray(co.indptr), partners: encodeArray(co.partners), support: encodeArray(co.support), lift: encodeArray(co.lift) },
  });
}

const isStrArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
const str = (o: Record<string, unknown>, k: string): string => {
  const v = o[k];
  if (typeof v !== 'string') throw new TypeError(`recommend snapshot: ${k} is missing`);
  return v;
};

/** Read a snapshot back, checking its shape (STYLE §7). */
export function decodeSnapshot(text: string): TrainingData {
  const raw: unknown = JSON.parse(text);
  if (typeof raw !== 'object' || raw === null) throw new TypeError('recommend snapshot: not an object');
  const o = raw as Record<string, unknown>; // checked field by field below
  if (o.v !== 1 || !isStrArray(o.customers) || !isStrArray(o.items) || !Array.isArray(o.aliases)) throw new TypeError('recommend snapshot: unknown format');
  const customers = o.customers;
  const aliases = new Map<string, number>(customers.map((c, i) => [c, i]));
  for (const pair of o.aliases) if (Array.isArray(pair) && typeof pair[0] === 'string' && typeof pair[1] === 'number') aliases.set(pair[0], pair[1]);
  const rows = Number(o.rows);
  const cols = Number(o.cols);
  const matrix: Csr = { rows, cols, indptr: decodeInt32(str(o, 'indptr')), indices: decodeInt32(str(o, 'indices')), data: decodeFloat32(str(o, 'data')) };
  if (rows !== customers.length || cols !== o.items.length || matrix.indptr.length !== rows + 1) throw new RangeError('recommend snapshot: matrix does not match the id maps');
  const co = (typeof o.co === 'object' && o.co !== null ? o.co : {}) as Record<string, unknown>; // fields checked by str()
  const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
  return {
    customers,
    items: o.items,
    aliases,
    matrix,
    kinds: decodeUint8(str(o, 'kinds')),
    ages: decodeFloat32(str(o, 'ages')),
    trending: decodeFloat32(str(o, 'trending')),
    cooccurrence: {
      items: cols,
      baskets: Number(co.baskets ?? 0),
      itemSupport: decodeInt32(str(co, 'itemSupport')),
      indptr: decodeInt32(str(co, 'indptr')),
      partners: decodeInt32(str(co, 'partners')),
      support: decodeInt32(str(co, 'support')),
      lift: decodeFloat32(str(co, 'lift')),
    },
    from: num(o.from),
    to: num(o.to),
  };
}
