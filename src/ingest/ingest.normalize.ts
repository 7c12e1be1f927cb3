import { z } from 'zod';
import { encodeStagedEvent, type AcceptedEvent } from '../events/event.store.js';
import { jsonPath, UserError } from '../platform/errors.js';
import { say } from '../platform/language.js';
import { zodIssueZh } from '../platform/zod-text.js';
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

/**
 * The event schema with zod's generated fast path (about 3x faster on valid events); anything it
 * rejects goes through the ordinary parser, so errors are exactly the schema's own.
 */
const CompiledSegmentEvent = z.compile(SegmentEvent);

/** Milliseconds from a Segment timestamp; ISO strings without an offset are read as UTC. */
export function parseTimestamp(value: string | number, field: string): number {
  if (typeof value === 'number') return value;
  const iso = /[zZ]|[+-]\d\d:?\d\d$/.test(value) || value.length === 10 ? value : `${value}Z`;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new UserError('EVENT_INVALID_TIMESTAMP', say(`Not a valid timestamp: ${value}`, `时间戳无效：${value}`), { field });
  return ms;
}

function zodToUserError(error: z.ZodError, prefix: string): UserError {
  const issue = error.issues[0];
  const field = jsonPath(issue?.path ?? [], prefix);
  const isType = issue?.path.length === 1 && issue.path[0] === 'type';
  const code = isType ? 'EVENT_UNKNOWN_TYPE' : 'EVENT_INVALID';
  const message = isType
    ? say('type must be one of identify, track, page, screen, group, alias', 'type 必须是 identify, track, page, screen, group, alias 之一')
    : say(`${field}: ${issue?.message ?? 'invalid'}`, `${field}: ${issue?.message ?? '无效'}`);
  return new UserError(code, message, { field, details: error.issues.slice(0, 10).map((i) => ({ field: jsonPath(i.path, prefix), message: say(i.message, zodIssueZh(i)) })) });
}

/** Validate one raw event and apply Segment's rules. Throws UserError naming the field at fault. */
export function normalizeEvent(raw: unknown, opts: NormalizeOptions): AcceptedEvent {
  const { path } = opts;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new UserError('EVENT_INVALID', say('An event must be a JSON object', '事件必须是 JSON 对象'), { field: path || null });
  }
  const input = opts.forcedType ? { ...raw, type: opts.forcedType } : raw;
  const parsed = CompiledSegmentEvent.safeParse(input);
  if (!parsed.success) throw zodToUserError(parsed.error, path);
  const ev = parsed.data;
  const at = (f: string) => (path ? `${path}.${f}` : f);
  if (!ev.userId && !ev.anonymousId) {
    throw new UserError('EVENT_MISSING_IDENTITY', say('Every event needs a userId or an anonymousId', '每个事件都需要 userId 或 anonymousId'), { field: at('userId') });
  }
  if (ev.type === 'alias' && !ev.userId) {
    throw new UserError('EVENT_MISSING_IDENTITY', say('An alias call needs the new userId', 'alias 调用需要提供新的 userId'), { field: at('userId') });
  }

  // Segment: timestamp = receivedAt - (sentAt - originalTimestamp), correcting the client's clock skew.
  const originalRaw = ev.originalTimestamp ?? ev.timestamp;
  const sentRaw = ev.sentAt ?? opts.batchSentAt;
  const original = originalRaw == null ? null : parseTimestamp(originalRaw, at(ev.originalTimestamp != null ? 'originalTimestamp' : 'timestamp'));
  const sentAt = sentRaw == null ? null : parseTimestamp(sentRaw, at('sentAt'));
  let timestamp = opts.receivedAt;
  if (original !== null) timestamp = sentAt !== null ? opts.receivedAt - (sentAt - original) : original;

  // The parsed context is already the schema's own copy: merge only when there is a batch context.
  const context = opts.batchContext ? { ...opts.batchContext, ...(ev.context ?? {}) } : (ev.context ?? {});
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

  return {
    messageId: ev.messageId ?? opts.makeMessageId(),
    type: ev.type,
    name,
    userId: ev.userId ?? null,
    anonymousId: ev.anonymousId ?? null,
    properties,
    context,
    timestamp,
    receivedAt: opts.receivedAt,
    sentAt,
  };
}

/**
 * The JSON with every U+0000 removed from its strings (and keys): PostgreSQL's text and jsonb cannot
 * hold NUL, so an event carrying one would fail its whole batch there; on SQLite it would be stored
 * and shown differently. JSON.stringify writes NUL as the escape \u0000; one preceded by an odd
 * run of backslashes is a literal backslash followed by "u0000" and is kept.
 */
function withoutNul(json: string): string {
  return json.includes('\\u0000') ? json.replace(/(?<!\\)((?:\\\\)*)\\u0000/g, '$1') : json;
}

/**
 * The inbox text of an accepted event, refused when over Segment's 32 KB limit. The size is that of
 * the serialised event, counted from the one serialisation the request path does anyway.
 */
export function encodeAccepted(e: AcceptedEvent, path: string): string {
  const json = withoutNul(encodeStagedEvent(e));
  // UTF-16 length bounds the UTF-8 size from below (and by 3x from above): count bytes only near the limit.
  const bytes = json.length * 3 <= MAX_EVENT_BYTES ? json.length : Buffer.byteLength(json);
  if (bytes > MAX_EVENT_BYTES) {
    throw new UserError('EVENT_TOO_LARGE', say(`An event may be at most 32 KB (${MAX_EVENT_BYTES} bytes); this one is about ${bytes} bytes`, `单个事件不能超过 32 KB（${MAX_EVENT_BYTES} 字节），该事件约 ${bytes} 字节`), {
      status: 413,
      field: path || null,
    });
  }
  return json;
}
