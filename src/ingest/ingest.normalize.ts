import type { z } from 'zod';
import type { StagedEvent } from '../events/event.store.js';
import { jsonPath, UserError } from '../platform/errors.js';
import { normalizeEmail, normalizePhone, type IdentityClaim } from '../profiles/identity.js';
import type { OrderLine } from '../profiles/order.repository.js';
import { MAX_EVENT_BYTES, SegmentEvent, type EventType } from './ingest.schema.js';

export interface NormalizeOptions {
  workspaceId: string;
  receivedAt: number;
  /** Batch-level sentAt and context (Segment's batch envelope). */
  batchSentAt?: string | number | null | undefined;
  batchContext?: Record<string, unknown> | null | undefined;
  /** Single-event endpoints: the type comes from the path. */
  forcedType?: EventType;
  /** Prefix of the JSON path in error messages, e.g. `batch[3]`. */
  path: string;
  /** Fallback message id generator when the client sent none. */
  makeMessageId: () => string;
}

/** Milliseconds from a Segment timestamp; ISO strings without an offset are read as UTC. */
export function parseTimestamp(value: string | number, field: string): number {
  if (typeof value === 'number') return value;
  const iso = /[zZ]|[+-]\d\d:?\d\d$/.test(value) || value.length === 10 ? value : `${value}Z`;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new UserError('EVENT_INVALID_TIMESTAMP', `Not a valid timestamp: ${value}`, { field });
  return ms;
}

function zodToUserError(error: z.ZodError, prefix: string): UserError {
  const issue = error.issues[0];
  const field = jsonPath(issue?.path ?? [], prefix);
  const isType = issue?.path.length === 1 && issue.path[0] === 'type';
  const code = isType ? 'EVENT_UNKNOWN_TYPE' : 'EVENT_INVALID';
  const message = isType ? 'type must be one of identify, track, page, screen, group, alias' : `${field}: ${issue?.message ?? 'invalid'}`;
  return new UserError(code, message, { field, details: error.issues.slice(0, 10).map((i) => ({ field: jsonPath(i.path, prefix), message: i.message })) });
}

/** Validate one raw event and apply Segment's rules. Throws UserError naming the field at fault. */
export function normalizeEvent(raw: unknown, opts: NormalizeOptions): StagedEvent {
  const { path } = opts;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new UserError('EVENT_INVALID', 'An event must be a JSON object', { field: path || null });
  }
  const input = opts.forcedType ? { ...raw, type: opts.forcedType } : raw;
  const parsed = SegmentEvent.safeParse(input);
  if (!parsed.success) throw zodToUserError(parsed.error, path);
  const ev = parsed.data;
  const at = (f: string) => (path ? `${path}.${f}` : f);
  if (!ev.userId && !ev.anonymousId) {
    throw new UserError('EVENT_MISSING_IDENTITY', 'Every event needs a userId or an anonymousId', { field: at('userId') });
  }
  if (ev.type === 'alias' && !ev.userId) {
    throw new UserError('EVENT_MISSING_IDENTITY', 'An alias call needs the new userId', { field: at('userId') });
  }

  // Segment: timestamp = receivedAt - (sentAt - originalTimestamp), correcting the client's clock skew.
  const originalRaw = ev.originalTimestamp ?? ev.timestamp;
  const sentRaw = ev.sentAt ?? opts.batchSentAt;
  const original = originalRaw == null ? null : parseTimestamp(originalRaw, at(ev.originalTimestamp != null ? 'originalTimestamp' : 'timestamp'));
  const sentAt = sentRaw == null ? null : parseTimestamp(sentRaw, at('sentAt'));
  let timestamp = opts.receivedAt;
  if (original !== null) timestamp = sentAt !== null ? opts.receivedAt - (sentAt - original) : original;

  const context = { ...(opts.batchContext ?? {}), ...(ev.context ?? {}) };
  let properties: Record<string, unknown> = {};
  let name: string | null = null;
  switch (ev.type) {
    case 'identify':
      properties = { traits: ev.traits ?? {} };
      break;
    case 'track':
      name = ev.event;
      properties = ev.properties ?? {};
      break;
    case 'page':
    case 'screen':
      name = ev.name ?? null;
      properties = { ...(ev.properties ?? {}), ...(ev.category ? { category: ev.category } : {}) };
      break;
    case 'group':
      properties = { groupId: ev.groupId, traits: ev.traits ?? {} };
      break;
    case 'alias':
      properties = { previousId: ev.previousId };
      break;
  }

  const propertiesJson = JSON.stringify(properties);
  const contextJson = JSON.stringify(context);
  // Size as Segment counts it, from the serialised parts (ids, names and times are bounded by the schema).
  const bytes = Buffer.byteLength(propertiesJson) + Buffer.byteLength(contextJson) + 600;
  if (bytes > MAX_EVENT_BYTES) {
    throw new UserError('EVENT_TOO_LARGE', `An event may be at most 32 KB (${MAX_EVENT_BYTES} bytes); this one is about ${bytes} bytes`, {
      status: 413,
      field: path || null,
    });
  }
  return {
    workspaceId: opts.workspaceId,
    messageId: ev.messageId ?? opts.makeMessageId(),
    type: ev.type,
    name,
    userId: ev.userId ?? null,
    anonymousId: ev.anonymousId ?? null,
    propertiesJson,
    contextJson,
    timestamp,
    receivedAt: opts.receivedAt,
    sentAt,
  };
}

/** What a staged event says about identity (and, for an order, the order), read back when it is processed. */
export function interpretStaged(e: StagedEvent): { claim: IdentityClaim; order: { orderId: string; total: number; currency: string; lines: OrderLine[] } | null } {
  const needsProps = e.type === 'identify' || e.type === 'alias' || e.name === 'Order Completed';
  const props: Record<string, unknown> = needsProps ? (JSON.parse(e.propertiesJson) as Record<string, unknown>) : {};
  const traits = e.type === 'identify' && typeof props.traits === 'object' && props.traits !== null ? (props.traits as Record<string, unknown>) : undefined;
  const claim: IdentityClaim = {
    userId: e.userId ?? undefined,
    anonymousId: e.anonymousId ?? undefined,
    email: traits ? normalizeEmail(traits.email) : null,
    phone: traits ? normalizePhone(traits.phone) : null,
    previousId: e.type === 'alias' && typeof props.previousId === 'string' ? props.previousId : undefined,
    traits,
    timestamp: e.timestamp,
    isEvent: true,
  };
  return { claim, order: e.type === 'track' && e.name === 'Order Completed' ? orderFrom(props) : null };
}

const num = (v: unknown): number | null => {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
};

/** Segment e-commerce spec "Order Completed" → an order with line items. */
function orderFrom(p: Record<string, unknown>): { orderId: string; total: number; currency: string; lines: OrderLine[] } | null {
  const orderId = p.order_id ?? p.orderId;
  if (typeof orderId !== 'string' && typeof orderId !== 'number') return null;
  const lines: OrderLine[] = [];
  if (Array.isArray(p.products)) {
    for (const item of p.products) {
      if (typeof item !== 'object' || item === null) continue;
      const it = item as Record<string, unknown>;
      const productId = it.product_id ?? it.productId ?? it.sku ?? it.id;
      if (typeof productId !== 'string' && typeof productId !== 'number') continue;
      lines.push({ productId: String(productId), quantity: num(it.quantity) ?? 1, price: num(it.price) ?? 0 });
    }
  }
  const total = num(p.total) ?? num(p.revenue) ?? lines.reduce((s, l) => s + l.price * l.quantity, 0);
  const currency = typeof p.currency === 'string' && p.currency.length === 3 ? p.currency.toUpperCase() : 'CNY';
  return { orderId: String(orderId), total, currency, lines };
}
