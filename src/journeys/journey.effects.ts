import type { Kysely } from 'kysely';
import { Liquid } from 'liquidjs';
import type { Database } from '../db/database.js';
import { readJson } from '../db/dialect.js';
import { groupCommit } from '../db/group-commit.js';
import type { IngestService } from '../ingest/ingest.service.js';
import type { DeliveryService } from '../messaging/delivery.service.js';
import type { DeliveryRequest, DeliveryResult } from '../messaging/message.schema.js';
import type { Clock } from '../platform/clock.js';
import { assertUnreachable, UserError } from '../platform/errors.js';
import type { ProfileContact } from '../profiles/profile.contacts.js';
import type { ProfileService } from '../profiles/profile.service.js';
import type { JobQueue } from '../queue/queue.js';
import { EFFECT_QUEUE, type JourneyEngine, type WrittenEffect } from './journey.engine.js';
import { readPath } from './journey.match.js';
import * as repo from './journey.repository.js';
import { pushTo } from '../platform/collections.js';
import { JourneyEffect, type JourneyContext, type JourneyEffectOf, type JourneyInputOf, type JsonValue } from './journey.state.js';

/**
 * Carrying out one outbox row: a send through messaging (idempotent per key, so a retried job sends
 * nothing twice), a trait update through ingest (an identify whose messageId is the effect's key, so
 * a repeat is dropped), a webhook call with a deadline (at least once; the receiver gets an
 * Idempotency-Key header to drop copies). The answer goes back to the entry when it waits for one;
 * then the row is deleted. A crash before the delete repeats the row, which every step tolerates.
 */

export interface EffectRunnerDeps {
  db: Kysely<Database>;
  clock: Clock;
  queue: JobQueue;
  delivery: DeliveryService;
  ingest: IngestService;
  profiles: ProfileService;
  engine: () => JourneyEngine;
  webhookTimeoutMs?: number;
  fetch?: typeof fetch;
  onError?: (err: unknown) => void;
  /** How long carried-out rows wait to share one delete (default 500 ms). */
  finishLingerMs?: number;
}

type Answer = Omit<JourneyInputOf<'effect_result'>, 'kind' | 'idempotencyKey'>;

/** How long before asking messaging again about an awaited send it is still retrying. */
const RECHECK_MS = 60_000;

const liquid = new Liquid({ strictFilters: true });
/** How long rows carried out by a batch wait for other batches' to share their delete and its commit. */
const FINISH_LINGER_MS = 500;

export function createEffectRunner(deps: EffectRunnerDeps): EffectRunner {
  const { db, clock } = deps;
  const doFetch = deps.fetch ?? fetch;

  // The rows batches carried out, deleted together once every FINISH_LINGER_MS (one statement and
  // one commit a turn under load, not one per batch). A crash before the delete leaves rows whose
  // sends are stored: the recovery sweep runs them again and each finds its message by its key.
  const finishing = groupCommit<{ workspaceId: string; id: string }, void>(
    async (items) => {
      const byWorkspace = new Map<string, string[]>();
      for (const i of items) pushTo(byWorkspace, i.workspaceId, i.id);
      for (const [workspaceId, ids] of byWorkspace) await repo.finishEffects(db, workspaceId, ids);
      return items.map(() => undefined);
    },
    { lingerMs: deps.finishLingerMs ?? FINISH_LINGER_MS, max: 50_000 },
  );
  const finishLater = (workspaceId: string, ids: readonly string[]): void => {
    for (const id of ids) void finishing.add({ workspaceId, id }).catch((err: unknown) => deps.onError?.(err));
  };

  /** What Liquid in webhook and trait values can refer to. */
  async function scope(workspaceId: string, profileId: string, context: JourneyContext): Promise<Record<string, unknown>> {
    const p = await deps.profiles.get(workspaceId, profileId, 0);
    return { profile: { id: p.id, userId: p.userId, email: p.email, phone: p.phone, traits: p.traits }, traits: p.traits, event: context.event, responses: context.responses, vars: context.vars };
  }

  async function send(row: repo.EffectRow, entry: repo.EntryRow, e: JourneyEffectOf<'send'>): Promise<Answer | 'later'> {
    return sendAnswer(e, await deps.delivery.send(sendRequest(row.workspace_id, entryOf(entry), e)));
  }

  /** The delivery request of a send effect: its idempotency key makes every repeat find the same message. */
  function sendRequest(workspaceId: string, entry: WrittenEffect['entry'], e: JourneyEffectOf<'send'>): DeliveryRequest {
    return {
      workspaceId,
      profileId: entry.profileId,
      templateId: e.templateId,
      idempotencyKey: `journey:${e.idempotencyKey}`,
      source: { kind: 'journey', id: entry.journeyId, nodeId: e.nodeId, entryId: entry.id },
      event: e.context.event ? { name: e.context.event.name, properties: e.context.event.properties } : null,
      journey: { responses: e.context.responses, vars: e.context.vars },
    };
  }

  function sendAnswer(e: JourneyEffectOf<'send'>, result: DeliveryResult): Answer | 'later' {
    switch (result.status) {
      case 'sent':
        return { ok: true };
      case 'suppressed':
      case 'skipped':
        return { ok: false, error: result.reason };
      case 'failed':
      case 'unknown':
        return { ok: false, error: result.status };
      case 'queued':
      case 'sending':
        // Messaging retries it itself; only an entry waiting for the answer needs to ask again.
        return e.awaitResult ? 'later' : { ok: true };
      default:
        return assertUnreachable(result);
    }
  }

  async function webhook(row: repo.EffectRow, entry: repo.EntryRow, e: JourneyEffectOf<'call_webhook'>): Promise<Answer> {
    const vars = await scope(row.workspace_id, entry.profile_id, e.context);
    const render = async (s: string): Promise<string> => String(await liquid.parseAndRender(s, vars));
    let url: URL;
    try {
      url = new URL((await render(e.request.url)).trim());
    } catch {
      return { ok: false, error: 'bad_url' };
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, error: 'bad_url' };
    const headers: Record<string, string> = { 'idempotency-key': e.idempotencyKey };
    for (const [k, v] of Object.entries(e.request.headers)) headers[k] = await render(v);
    const body = e.request.body !== undefined && e.request.method !== 'GET' ? await render(e.request.body) : undefined;
    if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
    try {
      const res = await doFetch(url, { method: e.request.method, headers, ...(body !== undefined ? { body } : {}), signal: AbortSignal.timeout(deps.webhookTimeoutMs ?? 10_000) });
      const text = await res.text();
      let response: JsonValue = text;
      try {
        // A JSON answer is kept parsed so later nodes can read its fields.
        response = JSON.parse(text) as JsonValue;
      } catch {
        // Not JSON: kept as text.
      }
      return res.ok ? { ok: true, response } : { ok: false, response, error: `http_${res.status}` };
    } catch (err) {
      return { ok: false, error: err instanceof Error && err.name === 'TimeoutError' ? 'timeout' : 'network' };
    }
  }

  async function trait(row: repo.EffectRow, entry: repo.EntryRow, e: JourneyEffectOf<'update_trait'>): Promise<Answer> {
    const profile = await deps.profiles.get(row.workspace_id, entry.profile_id, 0);
    const anonymousId = profile.identities.find((i) => i.kind === 'anonymous_id')?.value;
    if (!profile.userId && !anonymousId) return { ok: false, error: 'no_identity' };
    const change = e.change;
    let value: unknown;
    switch (change.op) {
      case 'set':
        value = typeof change.value === 'string' ? String(await liquid.parseAndRender(change.value, await scope(row.workspace_id, entry.profile_id, e.context))) : change.value;
        break;
      case 'increment': {
        const current = readPath(profile.traits, change.key);
        value = (typeof current === 'number' ? current : 0) + change.by;
        break;
      }
      case 'unset':
        value = null;
        break;
      default:
        return assertUnreachable(change);
    }
    const [top, ...rest] = change.key.split('.');
    if (!top) return { ok: false, error: 'bad_key' };
    const traits = { [top]: rest.length === 0 ? value : nested(profile.traits[top], rest, value) };
    await deps.ingest.ingest(row.workspace_id, [
      { type: 'identify', ...(profile.userId ? { userId: profile.userId } : { anonymousId }), traits, messageId: `journey-trait:${e.idempotencyKey}`, timestamp: new Date(clock.now()).toISOString() },
    ]);
    // The entry moves on only once the trait is on the profile, so a condition right after sees it.
    await deps.ingest.flush();
    return { ok: true };
  }

  async function runner(workspaceId: string, effectId: string): Promise<void> {
    const row = await repo.findEffect(db, workspaceId, effectId);
    // Carried out already (deleted; rows from before deletion was the rule say `done`).
    if (!row || row.status === 'done') return;
    const effect = JourneyEffect.parse(readJson(row.effect, {}));
    const entry = await repo.findEntry(db, workspaceId, row.entry_id);
    if (!entry) return repo.finishEffect(db, workspaceId, effectId);
    let answer: Answer | 'later';
    let awaited = true;
    switch (effect.kind) {
      case 'send':
        awaited = effect.awaitResult;
        answer = await send(row, entry, effect);
        break;
      case 'call_webhook':
        answer = await webhook(row, entry, effect);
        break;
      case 'update_trait':
        answer = await trait(row, entry, effect);
        break;
      case 'schedule_timer':
      case 'record_step':
        return repo.finishEffect(db, workspaceId, effectId);
      default:
        return assertUnreachable(effect);
    }
    if (answer === 'later') {
      const runAt = clock.now() + RECHECK_MS;
      await repo.touchEffect(db, workspaceId, effectId, clock.now());
      await deps.queue.enqueue(EFFECT_QUEUE, { workspaceId, effectId }, { workspaceId, runAt, dedupeKey: `${effectId}@${runAt}` });
      return;
    }
    // The answer first, then the delete: a crash between them repeats an answer the entry ignores.
    if (awaited) await deps.engine().input(workspaceId, entry.id, { kind: 'effect_result', idempotencyKey: effect.idempotencyKey, ...answer });
    await repo.finishEffect(db, workspaceId, effectId);
  }

  /**
   * Many outbox rows: their sends in one delivery.sendMany call (the same idempotency keys as one
   * `send` each, so a repeat sends nothing twice), the answers awaited entries need in one
   * inputMany, then every row deleted in one transaction. Other kinds run one by one.
   */
  async function many(workspaceId: string, effectIds: readonly string[]): Promise<void> {
    const rows = (await repo.findEffects(db, workspaceId, effectIds)).filter((r) => r.status !== 'done');
    const entries = new Map((await repo.findEntries(db, workspaceId, rows.map((r) => r.entry_id))).map((e) => [e.id, e]));
    const finished: string[] = [];
    const items: WrittenEffect[] = [];
    for (const row of rows) {
      const effect = JourneyEffect.parse(readJson(row.effect, {}));
      const entry = entries.get(row.entry_id);
      if (!entry) finished.push(row.id);
      else if (effect.kind === 'send' || effect.kind === 'update_trait' || effect.kind === 'call_webhook') items.push({ effect, entry: entryOf(entry) });
      // Not an outbox kind (journey.writes.ts writes none): nothing to do, as the runner does.
      else finished.push(row.id);
    }
    await repo.finishEffects(db, workspaceId, finished);
    await written(workspaceId, items);
  }

  /** Outbox rows as written: their sends in one sendMany, other kinds one by one (through `runner`, which reads them). */
  async function written(workspaceId: string, items: readonly WrittenEffect[]): Promise<void> {
    const done: string[] = [];
    const sends: { entry: WrittenEffect['entry']; effect: JourneyEffectOf<'send'>; contact: ProfileContact | undefined }[] = [];
    const others: string[] = [];
    for (const { effect, entry, contact } of items) {
      if (effect.kind === 'send') sends.push({ entry, effect, contact });
      else others.push(effect.idempotencyKey);
    }
    let results: DeliveryResult[] | null = null;
    if (sends.length > 0) {
      try {
        const contacts = new Map<string, ProfileContact>();
        for (const s of sends) if (s.contact) contacts.set(s.entry.profileId, s.contact);
        results = await deps.delivery.sendMany(sends.map((s) => sendRequest(workspaceId, s.entry, s.effect)), { known: { workspaceId, contacts } });
      } catch (err) {
        // sendMany refuses the whole call when one template or customer is missing: each row then
        // runs on its own, so only that one fails.
        if (!(err instanceof UserError)) throw err;
        others.push(...sends.map((s) => s.effect.idempotencyKey));
      }
    }
    const answers: { entryId: string; input: JourneyInputOf<'effect_result'> }[] = [];
    if (results) {
      for (const [i, s] of sends.entries()) {
        const id = s.effect.idempotencyKey;
        const result = results[i];
        if (!result) throw new Error(`sendMany gave no result for effect ${id}`);
        const answer = sendAnswer(s.effect, result);
        if (answer === 'later') {
          const runAt = clock.now() + RECHECK_MS;
          await repo.touchEffect(db, workspaceId, id, clock.now());
          await deps.queue.enqueue(EFFECT_QUEUE, { workspaceId, effectId: id }, { workspaceId, runAt, dedupeKey: `${id}@${runAt}` });
          continue;
        }
        if (s.effect.awaitResult) answers.push({ entryId: s.entry.id, input: { kind: 'effect_result', idempotencyKey: id, ...answer } });
        done.push(id);
      }
    }
    // The answers first, then the delete: a crash between them repeats answers the entries ignore.
    if (answers.length > 0) await deps.engine().inputMany(workspaceId, answers);
    finishLater(workspaceId, done);
    for (const id of others) await runner(workspaceId, id);
  }

  return { run: runner, many, written, idle: () => finishing.idle() };
}

const entryOf = (e: repo.EntryRow): WrittenEffect['entry'] => ({ id: e.id, profileId: e.profile_id, journeyId: e.journey_id });

/** Runs one outbox row; `many` runs several together; `written` runs rows just committed, as written. */
export interface EffectRunner {
  run(workspaceId: string, effectId: string): Promise<void>;
  many(workspaceId: string, effectIds: readonly string[]): Promise<void>;
  written(workspaceId: string, items: readonly WrittenEffect[]): Promise<void>;
  /** Resolves once the rows carried out so far are deleted. */
  idle(): Promise<void>;
}

/** `base` with `value` at `path` below it (objects created on the way). */
function nested(base: unknown, path: readonly string[], value: unknown): Record<string, unknown> {
  const root: Record<string, unknown> = typeof base === 'object' && base !== null && !Array.isArray(base) ? structuredClone(base as Record<string, unknown>) : {}; // checked: a plain object
  let target = root;
  path.forEach((key, i) => {
    if (i === path.length - 1) {
      target[key] = value;
      return;
    }
    const next = target[key];
    const child: Record<string, unknown> = typeof next === 'object' && next !== null && !Array.isArray(next) ? (next as Record<string, unknown>) : {}; // checked: a plain object
    target[key] = child;
    target = child;
  });
  return root;
}
