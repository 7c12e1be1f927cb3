import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/database.js';
import { readJson } from '../db/dialect.js';
import { withTransaction } from '../db/transaction.js';
import type { Messaging } from '../messaging/messaging.module.js';
import type { DeliveryResult } from '../messaging/message.schema.js';
import { audit } from '../platform/audit.js';
import type { Clock } from '../platform/clock.js';
import { assertUnreachable, notFound, UserError } from '../platform/errors.js';
import { newId, toIso, toIsoOrNull } from '../platform/ids.js';
import { say } from '../platform/language.js';
import type { ProfileService } from '../profiles/profile.service.js';
import type { SegmentService } from '../segments/segment.service.js';
import type { JobQueue } from '../queue/queue.js';
import * as repo from './broadcast.repository.js';
import { AbTest, BroadcastQuietHours, BroadcastStatus, type BroadcastCounts, type BroadcastCreate, type BroadcastView } from './broadcast.schema.js';
import { unitHash } from './journey.hash.js';
import { firstTimeZone, localMinutes, nextTimeOfDay, parseTimeOfDay } from './journey.time.js';

/**
 * Broadcasts: a snapshot of the segment's members at start, then a tick job that sends what is due,
 * at most `throttlePerMinute` a minute, deferring customers inside quiet hours (in their zone) to the
 * end of them. With an A/B test, an exact share (by hash) gets the variants and the rest are held until the
 * window ends, then get the variant with the best open or click rate. Every send's key is
 * `broadcast:<id>:<profile>`, so a tick run twice sends nobody twice.
 */

export interface BroadcastService {
  list(workspaceId: string): Promise<BroadcastView[]>;
  get(workspaceId: string, id: string): Promise<BroadcastView>;
  create(workspaceId: string, input: BroadcastCreate, actor: string): Promise<BroadcastView>;
  /** Replace a draft's settings (the same shape and checks as create); a broadcast past draft is refused. */
  update(workspaceId: string, id: string, input: BroadcastCreate, actor: string): Promise<BroadcastView>;
  /** Send now, or at scheduledAt when it is set. */
  send(workspaceId: string, id: string, actor: string): Promise<BroadcastView>;
  /** A scheduled broadcast that has not started goes back to draft, to be edited and sent again. */
  unschedule(workspaceId: string, id: string, actor: string): Promise<BroadcastView>;
  cancel(workspaceId: string, id: string, actor: string): Promise<BroadcastView>;
  /** Snapshot the recipients and start ticking (the start job, which says which scheduled time it was enqueued for). */
  start(workspaceId: string, id: string, scheduledAt?: number | null): Promise<void>;
  /** Send what is due and schedule the next tick (the tick job). */
  tick(workspaceId: string, id: string): Promise<void>;
}

export const BROADCAST_START_QUEUE = 'broadcasts.start';
export const BROADCAST_TICK_QUEUE = 'broadcasts.tick';
const Payload = z.object({ workspaceId: z.string(), broadcastId: z.string() });
/**
 * A start job also carries the scheduled time it was enqueued for (null: send now). A broadcast
 * taken back to draft and sent again at another time leaves its first start job in the queue; that
 * job then finds a different time on the row and does nothing. Jobs enqueued before this field
 * existed carry none and start as before.
 */
const StartPayload = Payload.extend({ scheduledAt: z.number().nullable().optional() });
const MINUTE = 60_000;
const PAGE = 1000;
/** Sends per tick without a throttle: the tick re-enqueues itself at once for the rest. */
const UNTHROTTLED_BATCH = 10_000;

export function createBroadcastService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  queue: JobQueue;
  profiles: ProfileService;
  segments: SegmentService;
  messaging: Messaging;
  segmentExists(workspaceId: string, segmentId: string): Promise<boolean>;
  /** The workspace's time zone, for members without a timezone trait (default UTC). */
  workspaceTimezone?(workspaceId: string): Promise<string>;
  onError: (err: unknown) => void;
}): BroadcastService {
  const { db, clock, queue, messaging } = deps;

  async function row(workspaceId: string, id: string): Promise<repo.BroadcastRow> {
    const r = await repo.findBroadcast(db, workspaceId, id);
    if (!r) throw notFound(say('Broadcast', '群发'), 'id');
    return r;
  }

  async function view(r: repo.BroadcastRow): Promise<BroadcastView> {
    const counts: BroadcastCounts = { recipients: 0, pending: 0, held: 0, sent: 0, failed: 0, suppressed: 0, retrying: 0 };
    for (const c of await repo.statusCounts(db, r.workspace_id, r.id)) {
      const n = Number(c.n);
      counts.recipients += n;
      if (c.status === 'pending' || c.status === 'held' || c.status === 'sent' || c.status === 'failed' || c.status === 'suppressed' || c.status === 'retrying') counts[c.status] += n;
    }
    return {
      id: r.id,
      name: r.name,
      segmentId: r.segment_id,
      templateId: r.template_id,
      status: BroadcastStatus.parse(r.status),
      scheduledAt: toIsoOrNull(r.scheduled_at),
      throttlePerMinute: r.throttle_per_minute,
      quietHours: r.quiet_hours === null ? null : BroadcastQuietHours.parse(readJson(r.quiet_hours, {})),
      abTest: abTestOf(r),
      winner: r.winner,
      startedAt: toIsoOrNull(r.started_at),
      finishedAt: toIsoOrNull(r.finished_at),
      counts,
      // Read only when someone was held back (the progress poll stays one query otherwise).
      heldBack: counts.suppressed === 0 ? [] : (await repo.heldBackCounts(db, r.workspace_id, r.id)).map((h) => ({ reason: h.reason ?? 'unknown', count: Number(h.n) })),
      createdAt: toIso(r.created_at),
    };
  }

  const enqueueTick = (workspaceId: string, broadcastId: string, runAt: number) =>
    queue.enqueue(BROADCAST_TICK_QUEUE, { workspaceId, broadcastId }, { workspaceId, runAt, dedupeKey: `${broadcastId}@${runAt}` });

  /** What create and update check before writing: the segment and every template exist. */
  async function checkSettings(workspaceId: string, input: BroadcastCreate): Promise<void> {
    if (!(await deps.segmentExists(workspaceId, input.segmentId))) throw new UserError('BROADCAST_UNKNOWN_SEGMENT', say(`There is no segment "${input.segmentId}"`, `分群 "${input.segmentId}" 不存在`), { field: 'segmentId' });
    await checkTemplate(workspaceId, input.templateId, 'templateId');
    for (const [i, v] of (input.abTest?.variants ?? []).entries()) await checkTemplate(workspaceId, v.templateId, `abTest.variants[${i}].templateId`);
  }

  async function checkTemplate(workspaceId: string, templateId: string, field: string): Promise<void> {
    try {
      await messaging.templates.get(workspaceId, templateId);
    } catch (err) {
      if (err instanceof UserError && err.status === 404) throw new UserError('BROADCAST_UNKNOWN_TEMPLATE', say(`There is no template "${templateId}"`, `模板 "${templateId}" 不存在`), { field });
      throw err;
    }
  }

  /** The A/B winner: best rate of opens (or clicks) per sent message; ties go to the earlier variant. */
  async function pickWinner(r: repo.BroadcastRow, ab: AbTest): Promise<string> {
    let best = { key: ab.variants[0]?.key ?? '', rate: -1 };
    for (const v of ab.variants) {
      const sent = await repo.sentOfVariant(db, r.workspace_id, r.id, v.key);
      const ids = sent.flatMap((s) => (s.message_id ? [s.message_id] : []));
      const hits = ids.length === 0 ? 0 : (await messaging.messages.withEvent(r.workspace_id, ids, ab.winnerMetric)).size;
      const rate = sent.length === 0 ? 0 : hits / sent.length;
      if (rate > best.rate) best = { key: v.key, rate };
    }
    return best.key;
  }

  /** The instant quiet hours end when `now` falls inside them in `zone`, else null. */
  function quietUntil(q: BroadcastQuietHours | null, now: number, zone: string): number | null {
    if (!q) return null;
    const [sh, sm] = parseTimeOfDay(q.start);
    const [eh, em] = parseTimeOfDay(q.end);
    const start = sh * 60 + sm;
    const end = eh * 60 + em;
    const m = localMinutes(now, zone);
    // A window such as 21:00–08:00 wraps past midnight.
    const inside = start < end ? m >= start && m < end : m >= start || m < end;
    return inside ? nextTimeOfDay(now, q.end, zone) : null;
  }

  const service: BroadcastService = {
    async list(workspaceId) {
      return Promise.all((await repo.listBroadcasts(db, workspaceId)).map(view));
    },

    async get(workspaceId, id) {
      return view(await row(workspaceId, id));
    },

    async create(workspaceId, input, actor) {
      await checkSettings(workspaceId, input);
      const now = clock.now();
      const id = newId('bc', now);
      await repo.insertBroadcast(db, {
        workspace_id: workspaceId,
        id,
        ...settingsOf(input),
        status: 'draft',
        winner: null,
        started_at: null,
        finished_at: null,
        created_at: now,
        updated_at: now,
      });
      await audit(db, { workspaceId, actor, action: 'broadcast.create', target: id, data: { name: input.name }, at: now });
      return view(await row(workspaceId, id));
    },

    async update(workspaceId, id, input, actor) {
      const r = await row(workspaceId, id);
      if (r.status !== 'draft') throw notDraft(r.status);
      await checkSettings(workspaceId, input);
      const now = clock.now();
      // Fenced on draft: a send that won the race keeps the settings it was sent with.
      if (!(await repo.updateBroadcast(db, workspaceId, id, ['draft'], { ...settingsOf(input), updated_at: now }))) throw notDraft((await row(workspaceId, id)).status);
      await audit(db, { workspaceId, actor, action: 'broadcast.update', target: id, data: { name: input.name }, at: now });
      return view(await row(workspaceId, id));
    },

    async send(workspaceId, id, actor) {
      const r = await row(workspaceId, id);
      const now = clock.now();
      if (!(await repo.updateBroadcast(db, workspaceId, id, ['draft'], { status: 'scheduled', updated_at: now }))) throw notDraft(r.status);
      const runAt = Math.max(now, r.scheduled_at ?? now);
      // Keyed by the scheduled time: sent again for the same time, a broadcast finds its pending start job.
      await queue.enqueue(BROADCAST_START_QUEUE, { workspaceId, broadcastId: id, scheduledAt: r.scheduled_at }, { workspaceId, runAt, dedupeKey: `${id}:start:${r.scheduled_at ?? 'now'}` });
      await audit(db, { workspaceId, actor, action: 'broadcast.send', target: id, data: { runAt }, at: now });
      return view(await row(workspaceId, id));
    },

    async unschedule(workspaceId, id, actor) {
      const r = await row(workspaceId, id);
      const now = clock.now();
      if (!(await repo.updateBroadcast(db, workspaceId, id, ['scheduled'], { status: 'draft', updated_at: now }))) {
        throw new UserError('BROADCAST_NOT_SCHEDULED', say(`Only a scheduled broadcast that has not started can go back to draft; this one is ${r.status}`, `只有尚未开始的定时群发才能退回草稿；该群发当前为“${statusZh(r.status)}”`), { status: 409 });
      }
      await audit(db, { workspaceId, actor, action: 'broadcast.unschedule', target: id, data: {}, at: now });
      return view(await row(workspaceId, id));
    },

    async cancel(workspaceId, id, actor) {
      const r = await row(workspaceId, id);
      const now = clock.now();
      if (!(await repo.updateBroadcast(db, workspaceId, id, ['draft', 'scheduled', 'sending'], { status: 'cancelled', finished_at: now, updated_at: now }))) {
        throw new UserError('BROADCAST_FINISHED', say(`The broadcast is already ${r.status}`, `该群发已是“${statusZh(r.status)}”状态`), { status: 409 });
      }
      await audit(db, { workspaceId, actor, action: 'broadcast.cancel', target: id, data: {}, at: now });
      return view(await row(workspaceId, id));
    },

    async start(workspaceId, id, scheduledAt) {
      const r = await repo.findBroadcast(db, workspaceId, id);
      // 'sending' too: a start job that crashed after the status change resumes the snapshot.
      if (!r || (r.status !== 'scheduled' && r.status !== 'sending')) return;
      // A job for a time the broadcast no longer has (taken back to draft and rescheduled).
      if (scheduledAt !== undefined && scheduledAt !== r.scheduled_at) return;
      const now = clock.now();
      const startedAt = r.started_at ?? now;
      await repo.updateBroadcast(db, workspaceId, id, ['scheduled', 'sending'], { status: 'sending', started_at: startedAt, updated_at: now });
      const ab = abTestOf(r);
      const split = { seen: 0, tested: 0 };
      // Quiet hours are read in each customer's zone; without a timezone trait, in the workspace's.
      const zone = deps.workspaceTimezone ? await deps.workspaceTimezone(workspaceId) : 'UTC';
      // By profile id, a page after the other: every member once, however large the segment, while members come and go.
      for (let after: string | null = null; ; ) {
        const page = await deps.segments.memberPage(workspaceId, r.segment_id, after, PAGE);
        const variants = ab ? testShare(id, ab, page, split) : null;
        await repo.insertRecipients(
          db,
          page.map((m) => {
            const variant = variants?.get(m.id) ?? null;
            const held = ab !== null && variant === null;
            return {
              workspace_id: workspaceId,
              broadcast_id: id,
              profile_id: m.id,
              variant,
              time_zone: firstTimeZone(m.traits.timezone, zone, 'UTC'),
              status: held ? 'held' : 'pending',
              send_at: held ? startedAt + (ab?.testWindowMinutes ?? 0) * MINUTE : startedAt,
              message_id: null,
              reason: null,
              updated_at: now,
            };
          }),
        );
        const last = page[page.length - 1];
        if (!last || page.length < PAGE) break;
        after = last.id;
      }
      await enqueueTick(workspaceId, id, now);
    },

    async tick(workspaceId, id) {
      /** sendMany refuses a batch naming a customer deleted since the snapshot: then one at a time, so the others still go. */
      const sendAll = async (requests: Parameters<typeof messaging.delivery.sendMany>[0]): Promise<DeliveryResult[]> => {
        try {
          return await messaging.delivery.sendMany(requests);
        } catch (err) {
          if (!(err instanceof UserError)) throw err;
          const out: DeliveryResult[] = [];
          for (const r of requests) {
            try {
              out.push(await messaging.delivery.send(r));
            } catch (one) {
              if (!(one instanceof UserError)) throw one;
              out.push({ status: 'failed', messageId: '', error: one.code, duplicate: false });
            }
          }
          return out;
        }
      };
      const r = await repo.findBroadcast(db, workspaceId, id);
      if (!r || r.status !== 'sending') return;
      const now = clock.now();
      const ab = abTestOf(r);
      if (ab && r.winner === null && r.started_at !== null && now >= r.started_at + ab.testWindowMinutes * MINUTE) {
        const winner = await pickWinner(r, ab);
        await repo.updateBroadcast(db, workspaceId, id, ['sending'], { winner, updated_at: now });
        await repo.releaseHeld(db, workspaceId, id, winner, now);
      }
      const quiet = r.quiet_hours === null ? null : BroadcastQuietHours.parse(readJson(r.quiet_hours, {}));
      const budget = r.throttle_per_minute ?? UNTHROTTLED_BATCH;
      const templateOf = (variant: string | null) => ab?.variants.find((v) => v.key === variant)?.templateId ?? r.template_id;
      let sent = 0;
      // Deferred customers do not use up the minute's budget: read on until it is spent or nothing is due.
      for (;;) {
        const due = await repo.dueRecipients(db, workspaceId, id, now, budget - sent);
        if (due.length === 0) break;
        const ready: typeof due = [];
        const deferred: Array<{ profileId: string; until: number }> = [];
        for (const rec of due) {
          const until = quietUntil(quiet, now, rec.time_zone ?? 'UTC');
          if (until === null) ready.push(rec);
          else deferred.push({ profileId: rec.profile_id, until });
        }
        if (deferred.length > 0) {
          await withTransaction(db, async (trx) => {
            for (const d of deferred) await repo.updateRecipient(trx, workspaceId, id, d.profileId, { send_at: d.until, updated_at: now });
          });
        }
        if (ready.length === 0) continue;
        // The whole due batch at once (delivery.batch.ts: set-based consent and a few statements per
        // batch); the same outcome per customer as one send() each, under the same idempotency keys.
        const requests = ready.map((rec) => ({
          workspaceId,
          profileId: rec.profile_id,
          templateId: templateOf(rec.variant),
          idempotencyKey: `broadcast:${id}:${rec.profile_id}`,
          source: { kind: 'broadcast' as const, id },
        }));
        const results = await sendAll(requests);
        sent += ready.length;
        const at = clock.now();
        await repo.recordRecipients(
          db,
          workspaceId,
          id,
          ready.flatMap((rec, i) => {
            const result = results[i];
            return result ? [{ profileId: rec.profile_id, ...recipientOutcome(result), messageId: result.messageId === '' ? null : result.messageId }] : [];
          }),
          at,
        );
        if (sent >= budget) break;
      }
      const next = await repo.nextSendAt(db, workspaceId, id);
      if (next === null) {
        await repo.updateBroadcast(db, workspaceId, id, ['sending'], { status: 'sent', finished_at: now, updated_at: now });
        return;
      }
      // A full throttled batch waits out the minute; otherwise the next due recipient sets the time.
      await enqueueTick(workspaceId, id, Math.max(next, sent >= budget ? now + (r.throttle_per_minute !== null ? MINUTE : 0) : now));
    },
  };

  queue.register(BROADCAST_START_QUEUE, async (raw) => {
    const p = StartPayload.parse(raw);
    await service.start(p.workspaceId, p.broadcastId, p.scheduledAt);
    return {};
  });
  queue.register(BROADCAST_TICK_QUEUE, async (raw) => {
    const p = Payload.parse(raw);
    await service.tick(p.workspaceId, p.broadcastId);
    return {};
  });
  return service;
}

/**
 * The A/B test share of one snapshot page, each tested member with its variant; the others are held
 * for the winner. Exact over the whole snapshot: after each page round(seen × percent) members are in
 * the test, the page's lowest hashes first (a hash per member alone gives a small segment a test of
 * any size: all four of four customers once in sixteen broadcasts). Tested members take the variants
 * in turn, so their sizes differ by at most one.
 */
function testShare(broadcastId: string, ab: AbTest, page: readonly { id: string }[], split: { seen: number; tested: number }): Map<string, string> {
  split.seen += page.length;
  const take = Math.round((split.seen * ab.testPercent) / 100) - split.tested;
  const ranked = page.map((m) => ({ id: m.id, h: unitHash(`broadcast:${broadcastId}:${m.id}`) })).sort((a, b) => a.h - b.h || (a.id < b.id ? -1 : 1));
  const out = new Map<string, string>();
  for (const m of ranked.slice(0, Math.max(0, take))) {
    const v = ab.variants[split.tested % ab.variants.length];
    if (v) out.set(m.id, v.key);
    split.tested++;
  }
  return out;
}

/** The columns a broadcast's settings fill, the same for a new draft and an edited one. */
function settingsOf(input: BroadcastCreate) {
  return {
    name: input.name,
    segment_id: input.segmentId,
    template_id: input.templateId,
    scheduled_at: input.scheduledAt ? Date.parse(input.scheduledAt) : null,
    throttle_per_minute: input.throttlePerMinute ?? null,
    quiet_hours: input.quietHours ? JSON.stringify(input.quietHours) : null,
    variants: JSON.stringify(input.abTest?.variants ?? []),
    test_percent: input.abTest?.testPercent ?? 0,
    winner_metric: input.abTest?.winnerMetric ?? 'open',
    test_window_minutes: input.abTest?.testWindowMinutes ?? 0,
  };
}

/** A status as the dashboard names it in Chinese (journeys.zh.ts). */
const STATUS_ZH: Record<string, string> = { draft: '草稿', scheduled: '已定时', sending: '发送中', sent: '已发送', cancelled: '已取消' } satisfies Record<BroadcastStatus, string>;
const statusZh = (status: string): string => STATUS_ZH[status] ?? status;
const notDraft = (status: string) => new UserError('BROADCAST_NOT_DRAFT', say(`The broadcast is already ${status}; only a draft can be changed or sent`, `该群发已是“${statusZh(status)}”状态；只有草稿可以修改或发送`), { status: 409 });

function abTestOf(r: repo.BroadcastRow): AbTest | null {
  const variants = readJson<unknown[]>(r.variants, []);
  if (variants.length < 2) return null;
  return AbTest.parse({ variants, testPercent: r.test_percent, winnerMetric: r.winner_metric, testWindowMinutes: r.test_window_minutes });
}

function recipientOutcome(result: DeliveryResult): { status: string; reason: string | null } {
  switch (result.status) {
    case 'sent':
      return { status: 'sent', reason: null };
    case 'suppressed':
    case 'skipped':
      return { status: 'suppressed', reason: result.reason };
    case 'failed':
    case 'unknown':
      return { status: 'failed', reason: result.error };
    case 'queued':
    case 'sending':
      return { status: 'retrying', reason: null };
    default:
      return assertUnreachable(result);
  }
}
