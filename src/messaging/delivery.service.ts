import type { Kysely } from 'kysely';
import { createTableStats } from '../db/table-stats.js';
import type { Database } from '../db/database.js';
import { readJson, type DialectHelpers } from '../db/dialect.js';
import { withTransaction } from '../db/transaction.js';
import type { Clock } from '../platform/clock.js';
import { notFound, UserError } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import { say } from '../platform/language.js';
import type { ProfileService } from '../profiles/profile.service.js';
import type { JobQueue } from '../queue/queue.js';
import type { SendResult } from './channels/channel.js';
import { sendScope, sendSlot, type ConsentService } from './consent.service.js';
import type { MessageEventRecorder } from './message-events.js';
import { MessagePayload, previewOf, recipientOf, StoredRequest } from './message.payload.js';
import { createBatchSender, type SendManyOptions } from './delivery.batch.js';
import { createLeases } from './delivery.leases.js';
import { findByKey, findMessage, insertMessage, stuckMessages, updateFenced, type MessagePatch, type MessageRow } from './message.repository.js';
import { newMessageRow } from './message.rows.js';
import { createManualSends } from './delivery.manual.js';
import { clip, resultPatch } from './delivery.patch.js';
import type { DeliveryRequest, DeliveryResult, MessageView, SettledMessage } from './message.schema.js';
import { outcomeOf, settledOf } from './message.view.js';
import { renderPayload } from './delivery.render.js';
import { findTemplate } from './template.repository.js';
import type { TemplateService } from './template.service.js';
import type { TestSendRequest } from './template.api.schema.js';
import type { RenderPool } from './render.pool.js';
import type { Tracking } from './tracking.js';
import type { Transmitter } from './channel.factory.js';
import { sharedDeadline } from '../platform/deadline.js';

/**
 * Sending one message, exactly once per idempotency key.
 *
 * The `messages` row is the outbox. Its life: inserted `queued` (the unique key makes a repeated
 * request find the same row) → rendered once (payload stored, so every retry sends the same bytes)
 * → consent checked → `sending` with attempts+1 (a fenced update: of two workers racing, one wins)
 * → the provider call → `sent` | `queued` again with a back-off (temporary failure, retried through
 * the queue) | `failed` (permanent, or out of attempts: the dead-letter list).
 *
 * A crash can leave a row `sending`: the provider may or may not have the message. While the
 * sender lives it renews the row's lease; once the lease runs out (a repeated `send`, or the
 * recovery sweep, finds it) the channel decides (channel.factory.ts `resendsSafely`):
 * - email and webhooks are re-sent with the same identity: the Message-ID (RFC 5322 §3.6.4) and
 *   X-Nudge-Idempotency-Key are derived from the idempotency key. An SMTP server accepts a message
 *   only at the 250 reply to the end of DATA (RFC 5321 §4.1.1.4); a SIGKILL before that drops the
 *   connection and the server discards the half-sent message, so the re-send is the only copy.
 *   The one window that yields two copies is between the server's 250 and our commit of `sent`
 *   (a single UPDATE, committed before anything else is done), and the copy carries the same
 *   Message-ID, which mailbox providers and our bounce matching collapse.
 * - SMS cannot be recognised as a copy by the provider: the row becomes `unknown` and waits in the
 *   dead-letter list for a person (at most once, rather than a second text).
 * Holding every interrupted email as `unknown` instead would lose each message whose SMTP session
 * was cut before the 250 (the far larger window), so it would deliver fewer messages exactly once.
 */
export interface DeliveryService {
  send(request: DeliveryRequest): Promise<DeliveryResult>;
  /**
   * `send` for many requests at once (a broadcast, a journey step for many customers): the same
   * outcome for each, in order, with per-batch statements instead of per-message ones
   * (delivery.batch.ts). Throws, before writing anything, if a template or customer does not exist.
   */
  sendMany(requests: readonly DeliveryRequest[], options?: SendManyOptions): Promise<DeliveryResult[]>;
  /** Send a saved template once to a bare address (the editor's "send test"). */
  sendTest(workspaceId: string, templateId: string, request: TestSendRequest): Promise<MessageView>;
  /** One attempt of a stored message (the retry job, recovery, dead-letter retry). */
  attempt(workspaceId: string, messageId: string): Promise<DeliveryResult>;
  /** Move a failed or unknown message back to the outbox and try it now. */
  retry(workspaceId: string, messageId: string): Promise<MessageView>;
  /** Resolve rows left behind by a crash (the recovery sweep). Returns how many it touched. */
  recover(): Promise<number>;
  /**
   * Called in the process that made the change, once a message reaches a final state (sent,
   * failed, suppressed, skipped, unknown): how a journey waiting for the answer learns it, also
   * after retries that ran on the queue.
   */
  onSettled(listener: (message: SettledMessage) => void): void;
  close(): Promise<void>;
}

export interface DeliveryOptions {
  /** Provider attempts before a message is dead-lettered (default 5). */
  maxAttempts?: number;
  /** First retry delay; each further retry doubles it (default 60 s, at most 6 h). */
  backoffMs?: number;
  maxBackoffMs?: number;
  /**
   * Backstop deadline for one provider call (default 90 s). Channels have their own, shorter ones
   * (SMTP 60 s end to end, SMS and webhooks 10 s) that fire first; this one also covers a channel
   * that ignores its abort signal. Sends run concurrently, so one hanging provider stalls only its
   * own messages.
   */
  sendTimeoutMs?: number;
  /** How long a `sending` row stays owned without renewal (default 15 s; renewed every third of it). */
  leaseMs?: number;
  /** On close, how long sends in flight may finish before they are aborted (default 10 s). */
  closeGraceMs?: number;
  /** A `queued` row this far past due with nobody on it is picked up by the sweep (default 60 s). */
  queuedGraceMs?: number;
  /** sendMany: provider calls in flight at once (default 32; an SMTP pool's maxConnections bounds the real parallelism). */
  batchConcurrency?: number;
  /** sendMany: messages per batch of statements (default 500). */
  batchSize?: number;
  /** sendMany: how long an end-of-data marker waits to share its commit with others (default 2 ms). */
  markLingerMs?: number;
}

export const RETRY_QUEUE = 'messages.retry';


export function createDeliveryService(deps: {
  db: Kysely<Database>;
  dialect: DialectHelpers;
  clock: Clock;
  queue: JobQueue;
  profiles: ProfileService;
  templates: TemplateService;
  consent: ConsentService;
  tracking: Tracking;
  /** Worker threads for rendering batches (render.pool.ts). */
  renderPool?: RenderPool;
  transmitter: Transmitter;
  events: MessageEventRecorder;
  onError: (err: unknown) => void;
  options?: DeliveryOptions;
}): DeliveryService {
  const { db, clock, consent, transmitter } = deps;
  const o = deps.options ?? {};
  const maxAttempts = o.maxAttempts ?? 5;
  const backoffMs = o.backoffMs ?? 60_000;
  const maxBackoffMs = o.maxBackoffMs ?? 6 * 3_600_000;
  const sendTimeoutMs = o.sendTimeoutMs ?? 90_000;
  const leaseMs = o.leaseMs ?? 15_000;
  const queuedGraceMs = o.queuedGraceMs ?? 60_000;
  const closeGraceMs = o.closeGraceMs ?? 10_000;

  // Rows this process is sending: their leases are renewed together.
  const leases = createLeases({ db, dialect: deps.dialect, clock, leaseMs, onError: deps.onError });
  const shutdown = new AbortController();
  let closing = false;

  const backoff = (attempt: number, retryAfter?: number) => Math.min(maxBackoffMs, Math.max(retryAfter ?? 0, backoffMs * 2 ** Math.max(0, attempt - 1)));

  const listeners: ((m: SettledMessage) => void)[] = [];
  /** Tell listeners about a row this call moved to a final state; a listener's failure is reported, not thrown. */
  function settled(r: MessageRow): void {
    const s = settledOf(r);
    if (!s) return;
    for (const l of listeners) {
      try {
        l(s);
      } catch (err) {
        deps.onError(err);
      }
    }
  }

  async function reread(r: MessageRow): Promise<MessageRow> {
    const fresh = await findMessage(db, r.workspace_id, r.id);
    if (!fresh) throw notFound(say('Message', '消息'), 'id');
    return fresh;
  }

  /** Continue a row from wherever it stands. */
  async function resume(r: MessageRow, duplicate: boolean): Promise<DeliveryResult> {
    const now = clock.now();
    switch (r.status) {
      case 'queued':
        if ((r.next_attempt_at ?? 0) > now) return outcomeOf(r, duplicate);
        return { ...(await process(r)), duplicate };
      case 'sending':
        if ((r.lease_until ?? 0) >= now) return outcomeOf(r, duplicate);
        return { ...(await recoverSending(r)), duplicate };
      default:
        return outcomeOf(r, duplicate);
    }
  }

  /** Fail a row that can never be sent as it stands (render error, customer gone). */
  async function failQueued(r: MessageRow, reason: string, error: string): Promise<DeliveryResult> {
    const moved = await updateFenced(db, r.workspace_id, r.id, { status: 'queued', attempts: r.attempts }, { status: 'failed', reason, last_error: clip(error), next_attempt_at: null, updated_at: clock.now() });
    const after = await reread(r);
    if (moved) settled(after);
    return outcomeOf(after, false);
  }

  /** Render the message once and store it on the row. */
  async function prepare(r: MessageRow): Promise<{ row: MessageRow; payload: MessagePayload } | DeliveryResult> {
    if (r.payload !== null) return { row: r, payload: MessagePayload.parse(readJson(r.payload, {})) };
    let payload: MessagePayload;
    try {
      payload = await renderPayload({ templates: deps.templates, tracking: deps.tracking, db, clock }, r, StoredRequest.parse(readJson(r.request, {})));
    } catch (err) {
      if (err instanceof UserError) return failQueued(r, err.code === 'NOT_FOUND' ? 'not_found' : 'render_failed', `${err.code}: ${err.message}${err.field ? ` (${err.field})` : ''}`);
      throw err;
    }
    const { subject, preview } = previewOf(payload);
    const patch: MessagePatch = { payload: JSON.stringify(payload), subject, preview, to_address: recipientOf(payload), locale: payload.locale, updated_at: clock.now() };
    if (!(await updateFenced(db, r.workspace_id, r.id, { status: 'queued', attempts: r.attempts }, patch))) return resume(await reread(r), false);
    return { row: await reread(r), payload };
  }

  /** Consent, then the fenced claim, in one transaction: the frequency cap is counted under a lock. */
  async function claim(r: MessageRow, payload: MessagePayload): Promise<'claimed' | 'blocked' | 'lost'> {
    return withTransaction(db, async (trx) => {
      if (r.profile_id) await deps.dialect.lockKeys(trx, [sendSlot(r.workspace_id, r.profile_id, r.channel)], sendScope(r.workspace_id));
      const decision = await consent.canSend(
        {
          workspaceId: r.workspace_id,
          profileId: r.profile_id,
          channel: payload.channel,
          // A test send obeys suppression only: it goes to the person testing, not to a customer.
          kind: r.source_kind === 'test' ? 'transactional' : r.kind === 'transactional' ? 'transactional' : 'marketing',
          subscriptionGroupId: r.subscription_group_id,
          address: recipientOf(payload),
          messageId: r.id,
        },
        trx,
      );
      const now = clock.now();
      const fence = { status: 'queued', attempts: r.attempts };
      if (!decision.ok) {
        const status = decision.reason === 'suppressed' ? 'suppressed' : 'skipped';
        return (await updateFenced(trx, r.workspace_id, r.id, fence, { status, reason: decision.reason, next_attempt_at: null, updated_at: now })) ? 'blocked' : 'lost';
      }
      const ok = await updateFenced(trx, r.workspace_id, r.id, fence, { status: 'sending', attempts: r.attempts + 1, lease_until: now + leaseMs, committed_at: null, next_attempt_at: null, updated_at: now });
      return ok ? 'claimed' : 'lost';
    });
  }

  const sendSignal = sharedDeadline(sendTimeoutMs, shutdown.signal);

  /** The provider call, bounded by the send timeout even if a channel ignores its abort signal. */
  async function transmit(r: MessageRow, payload: MessagePayload, attempt: number, commitMark?: () => Promise<void>): Promise<SendResult> {
    // Durable before the provider passes its point of no return, so recovery knows which side of it a crash fell on.
    const beforeCommit =
      commitMark ??
      (async (): Promise<void> => {
        const marked = await updateFenced(db, r.workspace_id, r.id, { status: 'sending', attempts: attempt }, { committed_at: clock.now() });
        if (!marked) throw new Error(`message ${r.id}: attempt ${attempt} no longer owns the message`);
      });
    const signal = sendSignal();
    let timer: NodeJS.Timeout | undefined;
    const guard = new Promise<SendResult>((resolve) => {
      timer = setTimeout(() => resolve({ status: 'temporary', error: `The provider did not answer within ${sendTimeoutMs} ms` }), sendTimeoutMs + 1000);
    });
    try {
      return await Promise.race([transmitter.transmit(r.workspace_id, payload, { idempotencyKey: r.idempotency_key, messageId: r.id, signal, beforeCommit }), guard]);
    } catch (err) {
      // A channel throws only on a bug; the message is kept for a retry rather than lost.
      deps.onError(err);
      return { status: 'temporary', error: `Channel error: ${err instanceof Error ? err.message : String(err)}` };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Send a claimed row (status `sending`, attempts = `attempt`) and record the answer. */
  async function sendClaimed(r: MessageRow, payload: MessagePayload, attempt: number): Promise<DeliveryResult> {
    const call = transmit(r, payload, attempt);
    leases.hold(r.workspace_id, r.id, attempt, call);
    const result = await call;
    const now = clock.now();
    const fence = { status: 'sending', attempts: attempt };
    const patch = resultPatch(result, { attempt, maxAttempts: r.max_attempts, now, backoff });
    if (!(await updateFenced(db, r.workspace_id, r.id, fence, patch))) {
      // Our lease ran out and recovery took the row over; its record wins.
      deps.onError(new Error(`message ${r.id}: attempt ${attempt} finished after losing its lease (${result.status})`));
      return outcomeOf(await reread(r), false);
    }
    const after = await reread(r);
    if (after.status === 'sent') await deps.events.sent(after);
    if (after.status === 'queued' && after.next_attempt_at !== null) await scheduleRetry(after);
    settled(after);
    return outcomeOf(after, false);
  }

  async function scheduleRetry(r: MessageRow): Promise<void> {
    // If this enqueue is lost (crash), the sweep finds the row queued past due.
    await deps.queue
      .enqueue(RETRY_QUEUE, { workspaceId: r.workspace_id, messageId: r.id }, { workspaceId: r.workspace_id, runAt: r.next_attempt_at ?? clock.now(), dedupeKey: `${r.id}:${r.attempts}` })
      .catch(deps.onError);
  }

  async function process(r: MessageRow): Promise<DeliveryResult> {
    const prepared = await prepare(r);
    if (!('payload' in prepared)) return prepared;
    const { row, payload } = prepared;
    const claimed = await claim(row, payload);
    if (claimed === 'lost') return outcomeOf(await reread(row), false);
    if (claimed === 'blocked') {
      const after = await reread(row);
      settled(after);
      return outcomeOf(after, false);
    }
    return sendClaimed(row, payload, row.attempts + 1);
  }

  /** A `sending` row whose sender stopped renewing its lease: re-send where the channel dedupes, else `unknown`. */
  async function recoverSending(r: MessageRow): Promise<DeliveryResult> {
    const now = clock.now();
    const fence = { status: 'sending', attempts: r.attempts };
    const payload = r.payload === null ? null : MessagePayload.parse(readJson(r.payload, {}));
    if (r.committed_at !== null) {
      // The provider had the whole message before the crash (it accepts at the end of data): sending
      // it again would be the duplicate. Counted as sent, and said so. (A crash inside the commit of
      // the marker itself, before the final dot, is the one moment this loses a message.)
      const moved = await updateFenced(db, r.workspace_id, r.id, fence, {
        status: 'sent',
        reason: 'assumed_after_interruption',
        sent_at: r.committed_at,
        lease_until: null,
        last_error: 'The sender stopped after handing the complete message to the provider; counted as sent without its answer',
        updated_at: now,
      });
      const after = await reread(r);
      if (moved) {
        await deps.events.sent(after);
        settled(after);
      }
      return outcomeOf(after, false);
    }
    if (payload && transmitter.resendsSafely(payload.channel) && r.attempts < r.max_attempts) {
      if (!(await updateFenced(db, r.workspace_id, r.id, fence, { attempts: r.attempts + 1, lease_until: now + leaseMs, last_error: 'The sender stopped during the provider call; re-sent with the same message identity', updated_at: now }))) {
        return outcomeOf(await reread(r), false);
      }
      return sendClaimed(r, payload, r.attempts + 1);
    }
    const moved = await updateFenced(db, r.workspace_id, r.id, fence, {
      status: 'unknown',
      reason: 'interrupted',
      lease_until: null,
      last_error: 'The sender stopped during the provider call; the provider may or may not have the message, and it cannot recognise a copy, so it was not re-sent',
      updated_at: now,
    });
    const after = await reread(r);
    if (moved) settled(after);
    return outcomeOf(after, false);
  }

  deps.queue.register<{ workspaceId: string; messageId: string }>(
    RETRY_QUEUE,
    async (job) => {
      const result = await service.attempt(String(job.workspaceId), String(job.messageId));
      return { status: result.status };
    },
    { concurrency: 8, maxAttempts: 3 },
  );

  const manual = createManualSends({ db, clock, profiles: deps.profiles, maxAttempts, attempt: (ws, id) => service.attempt(ws, id) });

  const sendMany = createBatchSender({
    ...{ db, dialect: deps.dialect, clock, profiles: deps.profiles, templates: deps.templates, tracking: deps.tracking, events: deps.events, onError: deps.onError },
    stats: createTableStats(db, deps.dialect, deps.onError),
    ...(deps.renderPool ? { renderPool: deps.renderPool } : {}),
    ...{ maxAttempts, leaseMs, concurrency: o.batchConcurrency ?? 32, batchSize: o.batchSize ?? 500, recordLingerMs: 20, markLingerMs: o.markLingerMs ?? 2, backoff, resume, transmit, settled, scheduleRetry },
    hold: (r, done) => leases.hold(r.workspace_id, r.id, r.attempts, done),
    stopping: () => shutdown.signal.aborted || closing,
  });

  const service: DeliveryService = {
    sendMany,

    async send(request) {
      const existing = await findByKey(db, request.workspaceId, request.idempotencyKey);
      if (existing) return resume(existing, true);
      const template = await findTemplate(db, request.workspaceId, request.templateId);
      if (!template) throw notFound(say('Template', '模板'), 'templateId');
      const profile = await deps.profiles.get(request.workspaceId, request.profileId, 0);
      const now = clock.now();
      const row = newMessageRow({
        workspaceId: request.workspaceId,
        id: newId('msg', now),
        idempotencyKey: request.idempotencyKey,
        profileId: profile.id,
        template,
        source: request.source,
        toAddress: null,
        maxAttempts,
        request: { event: request.event ?? null, journey: request.journey ?? null, renderProfileId: null },
        now,
      });
      const inserted = await insertMessage(db, row);
      const stored = await findByKey(db, request.workspaceId, request.idempotencyKey);
      if (!stored) throw new Error(`message ${request.idempotencyKey} vanished after insert`);
      return resume(stored, !inserted);
    },

    async attempt(workspaceId, messageId) {
      const r = await findMessage(db, workspaceId, messageId);
      if (!r) throw notFound(say('Message', '消息'), 'id');
      return resume(r, false);
    },

    sendTest: (workspaceId, templateId, request) => manual.sendTest(workspaceId, templateId, request),
    retry: (workspaceId, messageId) => manual.retry(workspaceId, messageId),

    async recover() {
      const rows = await stuckMessages(db, clock.now(), queuedGraceMs, 200);
      for (const r of rows) await resume(r, false).catch(deps.onError);
      return rows.length;
    },

    onSettled(listener) {
      listeners.push(listener);
    },

    async close() {
      closing = true;
      // Let sends in flight finish (leases still renewed): aborting one mid-DATA is exactly the
      // ambiguous case recovery has to guess about. Only what outlasts the grace is aborted.
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, closeGraceMs);
        timer.unref();
      });
      await Promise.race([Promise.allSettled(leases.pending()), grace]);
      clearTimeout(timer);
      shutdown.abort();
      leases.stop();
      await transmitter.close();
    },
  };
  return service;
}
