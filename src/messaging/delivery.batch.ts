import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { DialectHelpers } from '../db/dialect.js';
import type { TableStats } from '../db/table-stats.js';
import { withTransaction } from '../db/transaction.js';
import type { Clock } from '../platform/clock.js';
import { notFound, UserError } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import { say } from '../platform/language.js';
import type { ProfileContact } from '../profiles/profile.contacts.js';
import type { ProfileService } from '../profiles/profile.service.js';
import type { SendResult } from './channels/channel.js';
import { canSendMany, type KnownAddressCheck } from './consent.batch.js';
import { sendScope, sendSlot } from './consent.service.js';
import { clip, resultPatch } from './delivery.patch.js';
import { parsedTemplate, renderPayload, renderTarget, usesRecommendations, type ParsedTemplate } from './delivery.render.js';
import type { RenderPool } from './render.pool.js';
import type { RenderAnswer } from './render.wire.js';
import { groupCommit } from '../db/group-commit.js';
import { findByIds, findByKeys, insertMessages, recordOutcomes, updateFencedManyLocked, type OutcomeColumns } from './message.bulk.js';
import type { MessageEventRecorder } from './message-events.js';
import { previewOf, recipientOf, type MessagePayload, type StoredRequest } from './message.payload.js';
import type { MessagePatch, MessageRow } from './message.repository.js';
import { newMessageRow, type FreshMessageRow } from './message.rows.js';
import type { DeliveryRequest, DeliveryResult } from './message.schema.js';
import { outcomeOf } from './message.view.js';
import { profileContext } from './render-context.js';
import { findTemplate, type TemplateRow } from './template.repository.js';
import type { TemplateService } from './template.service.js';
import type { Tracking } from './tracking.js';
import { pushTo } from '../platform/collections.js';

/**
 * `sendMany`: the broadcast path. The same outbox life and the same guarantees as `send` (see
 * delivery.service.ts), with the per-message statements turned into per-batch ones:
 * - one message per idempotency key: keys already stored (and repeated within the batch) answer
 *   with the stored message's outcome, `duplicate: true`, exactly as a repeated `send` would;
 * - each new message is rendered once, before it is inserted (its id is chosen first, so links and
 *   the unsubscribe token carry it), and inserted with a multi-row insert that skips taken keys;
 * - consent for the batch in one transaction with set-based reads, the (profile, channel) keys
 *   locked first as `send` locks them, and every allowed row marked `sending` (attempts + 1) in one
 *   fenced update in that transaction, so frequency caps stay exact;
 * - provider calls with bounded concurrency; each message's end-of-data marker and its outcome are
 *   written by group commit (one statement for all the messages finishing at about the same time),
 *   so a message is recorded as promptly as `send` records it, without a commit per message;
 * - `message.sent` profile events in one ingest call per group; temporary failures scheduled on
 *   the retry queue like any other.
 * A template or customer that does not exist fails the whole call before anything is written (as
 * `send` fails for that request), so a caller never has half a batch applied.
 */
export interface BatchHooks {
  db: Kysely<Database>;
  dialect: DialectHelpers;
  clock: Clock;
  profiles: ProfileService;
  templates: TemplateService;
  tracking: Tracking;
  events: MessageEventRecorder;
  onError: (err: unknown) => void;
  /** Told how many messages each batch inserted (PostgreSQL re-plans a fast-growing table by them: table-stats.ts). */
  stats?: TableStats;
  /** Worker threads that render a batch's messages (render.pool.ts); without one, rendering runs here. */
  renderPool?: RenderPool;
  maxAttempts: number;
  leaseMs: number;
  /** Provider calls in flight at once (the SMTP pool's maxConnections bounds the real parallelism). */
  concurrency: number;
  /** Messages per batch statement group (a larger call is cut into batches of this size). */
  batchSize: number;
  /**
   * How long an end-of-data marker may wait for others to share its statement and commit: each
   * message's final dot waits for it, so it is short; one commit (fsync) per few messages instead of per message.
   */
  markLingerMs: number;
  /** How long a provider's answer may wait for others to be recorded with it (one statement, one ingest call). */
  recordLingerMs: number;
  backoff: (attempt: number, retryAfterMs?: number) => number;
  /** Continue a stored row from wherever it stands (`send` for an existing key). */
  resume: (r: MessageRow, duplicate: boolean) => Promise<DeliveryResult>;
  /** One provider call of a claimed row, bounded by the send timeout. */
  transmit: (r: MessageRow, payload: MessagePayload, attempt: number, beforeCommit: () => Promise<void>) => Promise<SendResult>;
  /** Keep renewing a claimed row's lease until `done` settles. */
  hold: (r: MessageRow, done: Promise<unknown>) => void;
  /** Whether the service is closing: claimed rows not yet started go back to the retry path. */
  stopping: () => boolean;
  settled: (r: MessageRow) => void;
  scheduleRetry: (r: MessageRow) => Promise<void>;
}

interface Claimed {
  index: number;
  row: MessageRow;
  payload: MessagePayload;
}

/** Run `f` over items with at most `limit` calls pending at once. */
async function bounded<T>(items: readonly T[], limit: number, f: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++];
      if (item !== undefined) await f(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** The columns a provider answer writes: the patch, over the claimed row for what it leaves alone. */
function outcomeColumns(row: MessageRow, patch: MessagePatch): OutcomeColumns {
  const pick = <K extends keyof OutcomeColumns>(k: K, fallback: OutcomeColumns[K]): OutcomeColumns[K] => (patch[k] === undefined ? fallback : (patch[k] as OutcomeColumns[K])); // MessagePatch columns have the row's types
  return {
    status: pick('status', row.status),
    reason: pick('reason', row.reason),
    last_error: pick('last_error', row.last_error),
    provider_message_id: pick('provider_message_id', row.provider_message_id),
    // resultPatch always sets it (the provider's answer, or null).
    provider_response: pick('provider_response', null),
    sent_at: pick('sent_at', row.sent_at),
    next_attempt_at: pick('next_attempt_at', row.next_attempt_at),
    lease_until: pick('lease_until', row.lease_until),
    updated_at: pick('updated_at', row.updated_at),
  };
}

/** What a caller of sendMany may hand over. */
export interface SendManyOptions {
  /** Customers of one workspace the caller read just now (a journey batch), by the id it asked for: they are not read again. Others are. */
  known?: { workspaceId: string; contacts: ReadonlyMap<string, ProfileContact> };
}

export function createBatchSender(h: BatchHooks): (requests: readonly DeliveryRequest[], options?: SendManyOptions) => Promise<DeliveryResult[]> {
  const { db, clock } = h;

  // Durable "the provider has the whole message" markers (committed_at), many messages a statement.
  const commitMarks = groupCommit<{ workspaceId: string; id: string; attempts: number }, boolean>(async (items) => {
    const now = clock.now();
    const changed = new Set<string>();
    for (const key of new Set(items.map((i) => `${i.workspaceId}\u0000${i.attempts}`))) {
      const group = items.filter((i) => `${i.workspaceId}\u0000${i.attempts}` === key);
      const first = group[0];
      if (!first) continue;
      for (const id of await updateFencedManyLocked(db, h.dialect, first.workspaceId, group.map((g) => g.id), { status: 'sending', attempts: first.attempts }, { committed_at: now })) changed.add(id);
    }
    return items.map((i) => changed.has(i.id));
  }, { lingerMs: h.markLingerMs });

  // Provider answers, recorded as `send` records one (sendClaimed), many messages a statement.
  // They may linger a little (recordLingerMs): for email, exactly-once rests on the end-of-data
  // marker above, written before the final dot; for a channel without such a point (webhooks) the
  // window in which a crash re-sends grows by at most the linger.
  const outcomes = groupCommit<{ row: MessageRow; result: SendResult }, DeliveryResult>(async (items) => {
    const now = clock.now();
    const afters = items.map(({ row, result }) => {
      const set = outcomeColumns(row, resultPatch(result, { attempt: row.attempts, maxAttempts: row.max_attempts, now, backoff: h.backoff }));
      return { row, set, after: { ...row, ...set } };
    });
    const changed = new Set<string>();
    for (const ws of new Set(items.map((i) => i.row.workspace_id))) {
      const group = afters.filter((a) => a.row.workspace_id === ws).map((a) => ({ id: a.row.id, attempts: a.row.attempts, set: a.set }));
      for (const id of await recordOutcomes(db, h.dialect, ws, group)) changed.add(id);
    }
    const mine = afters.filter((a) => changed.has(a.row.id)).map((a) => a.after);
    await h.events.sentMany(mine.filter((r) => r.status === 'sent'));
    for (const r of mine) if (r.status === 'queued' && r.next_attempt_at !== null) await h.scheduleRetry(r);
    for (const r of mine) h.settled(r);
    const lost = afters.filter((a) => !changed.has(a.row.id));
    const reread = new Map<string, MessageRow>();
    for (const ws of new Set(lost.map((a) => a.row.workspace_id))) {
      for (const [id, r] of await findByIds(db, ws, lost.filter((a) => a.row.workspace_id === ws).map((a) => a.row.id))) reread.set(id, r);
    }
    return afters.map((a) => {
      if (changed.has(a.row.id)) return outcomeOf(a.after, false);
      // Our lease ran out and recovery took the row over; its record wins.
      h.onError(new Error(`message ${a.row.id}: attempt ${a.row.attempts} finished after losing its lease (${a.set.status})`));
      return outcomeOf(reread.get(a.row.id) ?? a.after, false);
    });
  }, { lingerMs: h.recordLingerMs });

  async function markCommitted(r: MessageRow): Promise<void> {
    if (!(await commitMarks.add({ workspaceId: r.workspace_id, id: r.id, attempts: r.attempts }))) throw new Error(`message ${r.id}: attempt ${r.attempts} no longer owns the message`);
  }

  async function resumeAll(rows: readonly { index: number; row: MessageRow }[], results: (DeliveryResult | undefined)[]): Promise<void> {
    await bounded(rows, h.concurrency, async ({ index, row }) => {
      results[index] = await h.resume(row, true);
    });
  }

  /** What a workspace's part of a call needs, read and checked before anything is written. */
  interface Plan {
    workspaceId: string;
    fresh: { index: number; request: DeliveryRequest }[];
    stored: { index: number; row: MessageRow }[];
    /** [request position, position of the first request with the same key]. */
    repeats: [number, number][];
    templates: Map<string, TemplateRow>;
    contacts: Map<string, ProfileContact>;
  }

  async function plan(workspaceId: string, list: readonly { index: number; request: DeliveryRequest }[], known: SendManyOptions['known']): Promise<Plan> {
    const firstOf = new Map<string, number>();
    const repeats: [number, number][] = [];
    const unique: { index: number; request: DeliveryRequest }[] = [];
    for (const b of list) {
      const first = firstOf.get(b.request.idempotencyKey);
      if (first === undefined) {
        firstOf.set(b.request.idempotencyKey, b.index);
        unique.push(b);
      } else repeats.push([b.index, first]);
    }
    const byKey = await findByKeys(db, workspaceId, unique.map((u) => u.request.idempotencyKey));
    const stored = unique.flatMap((u) => {
      const row = byKey.get(u.request.idempotencyKey);
      return row ? [{ index: u.index, row }] : [];
    });
    const fresh = unique.filter((u) => !byKey.has(u.request.idempotencyKey));
    const templates = new Map<string, TemplateRow>();
    for (const id of new Set(fresh.map((f) => f.request.templateId))) {
      const t = await findTemplate(db, workspaceId, id);
      if (!t) throw notFound(say('Template', '模板'), 'templateId');
      templates.set(id, t);
    }
    const contacts = new Map<string, ProfileContact>();
    const unread: string[] = [];
    for (const f of fresh) {
      const c = known?.workspaceId === workspaceId ? known.contacts.get(f.request.profileId) : undefined;
      if (c) contacts.set(f.request.profileId, c);
      else unread.push(f.request.profileId);
    }
    if (unread.length > 0) for (const [id, c] of await h.profiles.contacts(workspaceId, unread)) contacts.set(id, c);
    for (const f of fresh) if (!contacts.has(f.request.profileId)) throw notFound(say('Profile', '客户'), 'profileId');
    return { workspaceId, fresh, stored, repeats, templates, contacts };
  }

  /** Render each new message of a batch once, into the row that is then inserted. */
  async function render(p: Plan, batch: readonly { index: number; request: DeliveryRequest }[]): Promise<{ index: number; row: FreshMessageRow; payload: MessagePayload | null }[]> {
    const build = await h.templates.contextBuilder(p.workspaceId);
    const now = clock.now();
    const rows: { index: number; row: FreshMessageRow; payload: MessagePayload | null }[] = [];
    const fresh: { index: number; request: DeliveryRequest; row: FreshMessageRow; contact: ProfileContact; template: TemplateRow }[] = [];
    for (const { index, request } of batch) {
      const contact = p.contacts.get(request.profileId);
      const template = p.templates.get(request.templateId);
      if (!contact || !template) continue; // both checked by plan()
      const row = newMessageRow({
        workspaceId: p.workspaceId,
        id: newId('msg', now),
        idempotencyKey: request.idempotencyKey,
        profileId: contact.id,
        template,
        source: request.source,
        toAddress: null,
        maxAttempts: h.maxAttempts,
        request: { event: request.event ?? null, journey: request.journey ?? null, renderProfileId: null },
        now,
      });
      fresh.push({ index, request, row, contact, template });
    }
    const rendered = (index: number, row: FreshMessageRow, payload: MessagePayload) => {
      const { subject, preview } = previewOf(payload);
      rows.push({ index, payload, row: { ...row, payload: JSON.stringify(payload), subject, preview, to_address: recipientOf(payload), locale: payload.locale } });
    };
    const failed = (index: number, row: FreshMessageRow, err: { code: string; message: string; field: string | null }) => {
      const error = `${err.code}: ${err.message}${err.field ? ` (${err.field})` : ''}`;
      rows.push({ index, payload: null, row: { ...row, status: 'failed', reason: err.code === 'NOT_FOUND' ? 'not_found' : 'render_failed', last_error: clip(error), next_attempt_at: null } });
    };
    // Off this thread where a render pool runs and the template needs nothing from it ({% recommend %} asks the recommender here).
    const pooled = h.renderPool ? fresh.filter((f) => !usesRecommendations(f.template)) : [];
    const here = pooled.length === 0 ? fresh : fresh.filter((f) => usesRecommendations(f.template));
    if (pooled.length > 0 && h.renderPool) {
      const templates: Record<string, ParsedTemplate> = {};
      for (const f of pooled) templates[f.template.id] ??= parsedTemplate(f.template);
      let answers: RenderAnswer[] | null = null;
      try {
        answers = await h.renderPool.render(
          templates,
          pooled.map((f) => {
            // The context as built here, less the recommender (a function; these templates do not use it).
            const { recommendations: _unused, ...context } = build(profileContext(f.contact), { event: f.request.event ?? null, journey: f.request.journey ?? null });
            return { template: f.template.id, target: renderTarget(f.row), context, now };
          }),
        );
      } catch (err) {
        // A worker thread died: these are rendered here instead.
        h.onError(err);
        here.push(...pooled);
      }
      if (answers) {
        for (const [i, f] of pooled.entries()) {
          const a = answers[i];
          if (!a) throw new Error(`render pool gave no answer for message ${f.row.id}`);
          if (a.ok) rendered(f.index, f.row, a.payload);
          else if ('unexpected' in a) throw new Error(`rendering message ${f.row.id} failed: ${a.unexpected}`);
          else failed(f.index, f.row, a);
        }
      }
    }
    for (const [i, { index, row, contact }] of here.entries()) {
      // Rendering is all CPU: let sockets (SMTP answers of the batch before) be served meanwhile.
      if (i % 50 === 49) await new Promise((resolve) => setImmediate(resolve));
      const context = async (_ws: string, _p: string | null, extra: Parameters<typeof build>[1]) => build(profileContext(contact), extra);
      try {
        // Read back from the stored text, as a retry reads it (our own serialisation of a StoredRequest, just written).
        const stored = JSON.parse(row.request) as StoredRequest;
        rendered(index, row, await renderPayload({ db, clock, tracking: h.tracking, template: (id) => p.templates.get(id), templates: { context } }, row, stored));
      } catch (err) {
        if (!(err instanceof UserError)) throw err;
        failed(index, row, err);
      }
    }
    return rows;
  }

  /** Decide and insert one rendered batch; fills `results` for every message not to be sent, returns the claimed ones. */
  async function prepare(p: Plan, rows: Awaited<ReturnType<typeof render>>, results: (DeliveryResult | undefined)[]): Promise<Claimed[]> {
    const decided = await decideAndInsert(p.workspaceId, rows);
    // A key taken between our read and our insert (a concurrent send): that message's outcome, as `send` gives it.
    const raced = rows.filter((r) => !decided.inserted.has(r.row.idempotency_key));
    if (raced.length) {
      const now = await findByKeys(db, p.workspaceId, raced.map((r) => r.row.idempotency_key));
      await resumeAll(
        raced.flatMap((r) => {
          const s = now.get(r.row.idempotency_key);
          return s ? [{ index: r.index, row: s }] : [];
        }),
        results,
      );
    }
    const claimed: Claimed[] = [];
    for (const r of decided.rows) {
      if (!decided.inserted.has(r.row.idempotency_key)) continue;
      if (r.row.status === 'sending' && r.payload !== null) claimed.push({ index: r.index, row: r.row, payload: r.payload });
      else {
        h.settled(r.row);
        results[r.index] = outcomeOf(r.row, false);
      }
    }
    return claimed;
  }

  /**
   * A workspace's part of the call, batch by batch, pipelined: the next batch is rendered and
   * inserted while the provider calls of the one before are in flight. With a render pool, in three
   * stages: while one batch is being sent, the next is decided and inserted here and the one after
   * that is rendered by the pool's threads. The pool starts on a batch as soon as it has finished
   * the one before, not once that one is handed on: otherwise its threads wait while this thread
   * decides and sends, and this thread then waits for them (measured: the broadcast service
   * 4,119 → 4,661 messages/s with one render thread). At most four batches are held. Batches are
   * decided in order, one transaction after another.
   */
  async function execute(p: Plan, results: (DeliveryResult | undefined)[]): Promise<void> {
    await resumeAll(p.stored, results);
    let sending: Promise<void> = Promise.resolve();
    // Handled when awaited (next turn of the loop, or below); not an unhandled rejection meanwhile.
    const quiet = <T>(x: Promise<T>): Promise<T> => (x.catch(() => {}), x);
    /** Once `decided` is claimed and the batch before it is sent, send it. */
    const send = async (decided: Promise<Claimed[]>): Promise<void> => {
      const claimed = await decided;
      await sending;
      sending = quiet(transmitAll(claimed, results));
    };
    /** The batch of new messages starting at position i. */
    const batchAt = (i: number) => p.fresh.slice(i, i + h.batchSize);
    if (!h.renderPool) {
      // Rendering here: render, decide and insert one batch while the one before is being sent
      // (rendering beside the database work would only interleave this thread's own work, and
      // gains nothing).
      for (let i = 0; i < p.fresh.length; i += h.batchSize) await send(prepare(p, await render(p, batchAt(i)), results));
    } else {
      let deciding: Promise<Claimed[]> | null = null;
      let rendering = quiet(render(p, batchAt(0)));
      for (let i = 0; i < p.fresh.length; i += h.batchSize) {
        const rows = await rendering;
        // The pool starts on the next batch at once, while this one is decided and the one before is sent.
        if (i + h.batchSize < p.fresh.length) rendering = quiet(render(p, batchAt(i + h.batchSize)));
        const before: Promise<Claimed[]> | null = deciding;
        // This batch's transaction starts once the one before it has committed.
        deciding = quiet((before ?? Promise.resolve([])).then(() => prepare(p, rows, results)));
        if (before) await send(before);
      }
      if (deciding) await send(deciding);
    }
    await sending;
    for (const [index, first] of p.repeats) {
      const r = results[first];
      if (r) results[index] = { ...r, duplicate: true };
    }
  }

  /**
   * Consent for the batch and the insert, in one transaction under the (profile, channel) locks
   * `send` takes: each new row is written once, already in the state `send` would move it to
   * (`sending` with attempts 1 and a lease, or `suppressed` / `skipped` with the reason, or
   * `failed` when it could not be rendered), so the frequency cap counts every row this batch
   * allows. A key inserted by someone else meanwhile is skipped by the insert; the cap then
   * counted one message too many for that customer, which can only hold a message back, never
   * let one too many through.
   */
  async function decideAndInsert(workspaceId: string, rows: readonly { index: number; row: FreshMessageRow; payload: MessagePayload | null }[]) {
    return withTransaction(db, async (trx) => {
      const rendered = rows.filter((r) => r.payload !== null);
      await h.dialect.lockKeys(trx, rendered.flatMap((r) => (r.row.profile_id ? [sendSlot(workspaceId, r.row.profile_id, r.row.channel)] : [])), sendScope(workspaceId));
      const checks = rendered.flatMap((r): KnownAddressCheck[] =>
        r.payload === null
          ? []
          : [
              {
                workspaceId,
                profileId: r.row.profile_id,
                channel: r.payload.channel,
                // A test send obeys suppression only: it goes to the person testing, not to a customer.
                kind: r.row.source_kind === 'test' ? 'transactional' : r.row.kind === 'transactional' ? 'transactional' : 'marketing',
                subscriptionGroupId: r.row.subscription_group_id,
                address: recipientOf(r.payload),
                messageId: r.row.id,
              },
            ],
      );
      const decisions = await canSendMany(trx, clock.now(), checks);
      const now = clock.now();
      const byId = new Map(rendered.map((r, i) => [r.row.id, decisions[i]]));
      const out = rows.map((r) => {
        const d = byId.get(r.row.id);
        if (!d) return r;
        const row: FreshMessageRow = d.ok
          ? { ...r.row, status: 'sending', attempts: r.row.attempts + 1, lease_until: now + h.leaseMs, committed_at: null, next_attempt_at: null, updated_at: now }
          : { ...r.row, status: d.reason === 'suppressed' ? 'suppressed' : 'skipped', reason: d.reason, next_attempt_at: null, updated_at: now };
        return { ...r, row };
      });
      const inserted = await insertMessages(trx, out.map((r) => r.row));
      h.stats?.added('messages', inserted.size);
      return { rows: out, inserted };
    });
  }

  /** Provider calls, `concurrency` at a time; a call's slot is free as soon as the provider answered. */
  async function transmitAll(claimed: readonly Claimed[], results: (DeliveryResult | undefined)[]): Promise<void> {
    const recorded: Promise<void>[] = [];
    const leases = new Map<string, () => void>();
    for (const c of claimed) {
      const done = new Promise<void>((resolve) => leases.set(c.row.id, resolve));
      h.hold(c.row, done);
    }
    await bounded(claimed, h.concurrency, async (c) => {
      const result: SendResult = h.stopping() ? { status: 'temporary', error: 'Delivery stopped before this message was sent' } : await h.transmit(c.row, c.payload, c.row.attempts, () => markCommitted(c.row));
      recorded.push(
        outcomes
          .add({ row: c.row, result })
          .then((r) => void (results[c.index] = r))
          .finally(() => leases.get(c.row.id)?.()),
      );
    });
    await Promise.all(recorded);
  }

  return async function sendMany(requests, options = {}) {
    const results: (DeliveryResult | undefined)[] = new Array<DeliveryResult | undefined>(requests.length);
    const byWorkspace = new Map<string, { index: number; request: DeliveryRequest }[]>();
    requests.forEach((request, index) => {
      pushTo(byWorkspace, request.workspaceId, { index, request });
    });
    // Everything that could fail the call is checked before anything is written or sent.
    const plans: Plan[] = [];
    for (const [workspaceId, list] of byWorkspace) plans.push(await plan(workspaceId, list, options.known));
    for (const p of plans) await execute(p, results);
    return results.map((r, i) => {
      if (!r) throw new Error(`sendMany: no outcome for request ${i}`);
      return r;
    });
  };
}
