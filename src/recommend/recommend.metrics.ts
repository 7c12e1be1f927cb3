/**
 * Online metrics: recommendations are shown in slots (one list, one id); a click on a link that
 * carries the slot id (`nrec=…`, or a `recommendation_id` property) counts for the slot, and so
 * does a purchase of a recommended item by the same customer within the attribution window.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { readJson } from '../db/dialect.js';
import { eventProperties } from '../events/event.store.js';
import type { CommittedBatch } from '../ingest/ingest.service.js';
import { findSlots, insertOutcomes, listModels, outcomeTotals, slotsOfProfile, slotTotals, type NewOutcomeRow } from './recommend.repository.js';
import type { OnlineMetrics } from './recommend.schema.js';

const DAY_MS = 86_400_000;
const SLOT_IN_URL = /[?&]nrec=(rs_[0-9a-z]+)/;

function slotIdOf(props: Record<string, unknown>, context: Record<string, unknown>): string | null {
  for (const key of ['recommendation_id', 'recommendationId', 'nrec']) {
    const v = props[key];
    if (typeof v === 'string' && v.startsWith('rs_')) return v;
  }
  const page = typeof context.page === 'object' && context.page !== null ? (context.page as Record<string, unknown>) : {}; // only string fields read
  for (const v of [props.url, props.link_url, props.href, page.url, page.search]) {
    if (typeof v !== 'string') continue;
    const m = SLOT_IN_URL.exec(v);
    if (m?.[1]) return m[1];
  }
  return null;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && Number.isFinite(Number(v)) ? Number(v) : 0);

/** Record the clicks and purchases in a committed batch against the slots they came from. */
export async function attributeBatch(db: Kysely<Database>, batch: CommittedBatch, attributionDays: (workspaceId: string) => Promise<number>): Promise<void> {
  const ws = batch.workspaceId;
  const clicks: { slotId: string; productId: string; at: number }[] = [];
  const orders: { profileId: string; at: number; lines: { productId: string; revenue: number }[] }[] = [];
  for (const e of batch.events) {
    if (e.type !== 'track' && e.type !== 'page') continue;
    // Only orders and events carrying a slot id (`rs_…`, in a property or the page URL) can count.
    if (e.name !== 'Order Completed' && !e.propertiesJson.includes('rs_') && !e.contextJson.includes('rs_')) continue;
    const props = eventProperties(e);
    if (e.name === 'Order Completed' && Array.isArray(props.products)) {
      const lines: { productId: string; revenue: number }[] = [];
      for (const p of props.products) {
        if (typeof p !== 'object' || p === null) continue;
        const line = p as Record<string, unknown>; // fields read one by one
        const id = line.product_id ?? line.productId ?? line.sku ?? line.id;
        if (typeof id === 'string' || typeof id === 'number') lines.push({ productId: String(id), revenue: num(line.price) * (num(line.quantity) || 1) });
      }
      if (lines.length) orders.push({ profileId: e.profileId, at: e.timestamp, lines });
      continue;
    }
    const slotId = slotIdOf(props, readJson<Record<string, unknown>>(e.contextJson, {}));
    if (!slotId) continue;
    const pid = props.product_id ?? props.productId ?? props.sku;
    clicks.push({ slotId, productId: typeof pid === 'string' || typeof pid === 'number' ? String(pid) : '*', at: e.timestamp });
  }
  const rows: NewOutcomeRow[] = [];
  if (clicks.length) {
    // Only slots of this workspace count: an id from elsewhere is ignored.
    const known = new Set((await findSlots(db, ws, [...new Set(clicks.map((c) => c.slotId))])).map((s) => s.id));
    for (const c of clicks) if (known.has(c.slotId)) rows.push({ workspace_id: ws, slot_id: c.slotId, kind: 'click', product_id: c.productId, revenue: 0, at: c.at });
  }
  if (orders.length) {
    const days = await attributionDays(ws);
    for (const o of orders) {
      const slots = await slotsOfProfile(db, ws, o.profileId, o.at - days * DAY_MS);
      for (const line of o.lines) {
        // The most recent slot before the purchase that showed the item gets it.
        const slot = slots.find((s) => s.created_at <= o.at && readJson<string[]>(s.items, []).includes(line.productId));
        if (slot) rows.push({ workspace_id: ws, slot_id: slot.id, kind: 'purchase', product_id: line.productId, revenue: line.revenue, at: o.at });
      }
    }
  }
  if (rows.length) await insertOutcomes(db, rows);
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);

/** CTR, conversion and revenue of slots shown in the last `days`, in total and per model. */
export async function onlineMetrics(db: Kysely<Database>, workspaceId: string, now: number, days: number): Promise<OnlineMetrics> {
  const since = now - days * DAY_MS;
  const [slots, outcomes, models] = await Promise.all([slotTotals(db, workspaceId, since), outcomeTotals(db, workspaceId, since), listModels(db, workspaceId, 500)]);
  const algorithmOf = new Map(models.map((m) => [m.id, m.algorithm]));
  const byModel = new Map<string | null, { slots: number; impressions: number; clicks: number; purchases: number; converting: number; revenue: number }>();
  const get = (id: string | null) => {
    let r = byModel.get(id);
    if (!r) {
      r = { slots: 0, impressions: 0, clicks: 0, purchases: 0, converting: 0, revenue: 0 };
      byModel.set(id, r);
    }
    return r;
  };
  for (const s of slots) Object.assign(get(s.modelId), { slots: s.slots, impressions: s.impressions });
  for (const o of outcomes) {
    const r = get(o.modelId);
    if (o.kind === 'click') r.clicks += o.count;
    else if (o.kind === 'purchase') {
      r.purchases += o.count;
      r.converting += o.slots;
      r.revenue += o.revenue;
    }
  }
  const view = (modelId: string | null, r: { slots: number; impressions: number; clicks: number; purchases: number; converting: number; revenue: number }) => ({
    modelId,
    algorithm: modelId ? (algorithmOf.get(modelId) ?? null) : null,
    slots: r.slots,
    impressions: r.impressions,
    clicks: r.clicks,
    purchases: r.purchases,
    revenue: Math.round(r.revenue * 100) / 100,
    ctr: ratio(r.clicks, r.impressions),
    conversion: ratio(r.converting, r.slots),
  });
  const total = { slots: 0, impressions: 0, clicks: 0, purchases: 0, converting: 0, revenue: 0 };
  for (const r of byModel.values()) for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += r[k]; // keys of the literal above
  return { days, total: view(null, total), byModel: [...byModel].map(([id, r]) => view(id, r)).sort((a, b) => b.slots - a.slots) };
}
