import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/database.js';
import { readJson, type DialectHelpers } from '../db/dialect.js';
import type { TableStats } from '../db/table-stats.js';
import { withTransaction } from '../db/transaction.js';
import type { Clock } from '../platform/clock.js';
import { OperationalError, UnexpectedError } from '../platform/errors.js';
import { say } from '../platform/language.js';
import type { ProfileContact } from '../profiles/profile.contacts.js';
import type { ProfileService } from '../profiles/profile.service.js';
import type { JobQueue } from '../queue/queue.js';
import type { SegmentDefinition } from '../segments/segment.schema.js';
import { mayEnter } from './journey.entry.js';
import { unitHash } from './journey.hash.js';
import { createBatchPaths, type EnterItem, type EnterManyOutcome } from './journey.batch.js';
import { advance, type AdvanceResult } from './journey.interpreter.js';
import * as repo from './journey.repository.js';
import type { JourneyRuntime } from './journey.run.js';
import { JourneyDefinition } from './journey.schema.js';
import { JourneyEvent, JourneyInput, JourneyState, TERMINAL_STATUSES } from './journey.state.js';
import { EFFECT_QUEUE, enqueueFollowUps, entryPatch, terminalKind, TIMER_QUEUE, writesOf, type OutboxEffect } from './journey.writes.js';

export { EFFECT_QUEUE, TIMER_QUEUE } from './journey.writes.js';

/**
 * The durable journey runner. Every change to an entry is one transaction: the new state (fenced by
 * the row's `seq`, so of two workers that read the same state only one writes), the effects it asks
 * for (the outbox, keyed by their idempotency key), its steps and the canvas counters. Jobs are
 * enqueued after the commit; a crash in between is repaired by the recovery sweep (waits past due,
 * outbox rows left pending), and every job is safe to run twice: stale timers and answers are
 * ignored by the interpreter, entries have ids derived from their trigger, sends are idempotent.
 */

export const ENTER_QUEUE = 'journeys.enter';
export const EVENT_QUEUE = 'journeys.event';
export const RECOVER_QUEUE = 'journeys.recover';
/** After an archive: the customers still inside exit. */
export const RELEASE_QUEUE = 'journeys.release';
export const ReleasePayload = z.object({ workspaceId: z.string(), journeyId: z.string() });

export const EnterPayload = z.object({
  workspaceId: z.string(),
  journeyId: z.string(),
  profileId: z.string(),
  /** What started it (`event:<messageId>`, `segment:<id>:entered:<at>`, `schedule:<at>`): one entry per trigger. */
  triggerKey: z.string(),
  event: JourneyEvent.nullable(),
});
export type EnterPayload = z.infer<typeof EnterPayload>;
export const TimerPayload = z.object({ workspaceId: z.string(), entryId: z.string(), at: z.number() });
export const EventPayload = z.object({ workspaceId: z.string(), profileId: z.string(), event: JourneyEvent });
export const EffectPayload = z.object({ workspaceId: z.string(), effectId: z.string() });
/** Batch jobs: many triggers, timers, events or outbox rows of one workspace (the single shapes above stay accepted). */
export const EnterBatchPayload = z.object({ workspaceId: z.string(), items: z.array(EnterPayload.omit({ workspaceId: true })) });
export type EnterBatchPayload = z.infer<typeof EnterBatchPayload>;
export const TimerBatchPayload = z.object({ workspaceId: z.string(), timers: z.array(z.object({ entryId: z.string(), at: z.number() })) });
export const EventBatchPayload = z.object({ workspaceId: z.string(), events: z.array(z.object({ profileId: z.string(), event: JourneyEvent })) });
export type EventBatchPayload = z.infer<typeof EventBatchPayload>;
export const EffectBatchPayload = z.object({ workspaceId: z.string(), effectIds: z.array(z.string()) });
const EnterJob = z.union([EnterBatchPayload, EnterPayload]);
const TimerJob = z.union([TimerBatchPayload, TimerPayload]);
const EventJob = z.union([EventBatchPayload, EventPayload]);
const EffectJob = z.union([EffectBatchPayload, EffectPayload]);

export type EnterOutcome = 'entered' | 'duplicate' | 'refused' | 'inactive';

/** The dedupe key of a trigger's enter job. */
export const enterDedupeKey = (p: { journeyId: string; profileId: string; triggerKey: string }): string => `${p.journeyId}:${p.profileId}:${p.triggerKey}`;

export interface JourneyEngine {
  /** Start an entry if the journey is active and the re-entry policy allows it. */
  enter(p: EnterPayload): Promise<EnterOutcome>;
  /** `enter` for many triggers of one workspace, in one transaction; entries it cannot decide are re-enqueued as single jobs ('requeued'). */
  enterMany(workspaceId: string, items: readonly EnterItem[]): Promise<EnterManyOutcome[]>;
  /** `input` for many entries of one workspace, in one transaction (an entry given several inputs takes them in order). */
  inputMany(workspaceId: string, items: readonly { entryId: string; input: JourneyInput }[]): Promise<string[]>;
  /** `event` for many events of one workspace. */
  eventMany(workspaceId: string, events: readonly { profileId: string; event: JourneyEvent }[]): Promise<void>;
  /** Of `events`, those a running entry would take: the rest need no event job (journey.batch.ts). `names`: listenedNames, when the caller has it. */
  listened<E extends { profileId: string; event: JourneyEvent }>(workspaceId: string, events: readonly E[], names?: ReadonlySet<string>): Promise<E[]>;
  /** The event names running entries of active journeys could take (journey.batch.ts). */
  listenedNames(workspaceId: string): Promise<ReadonlySet<string>>;
  /** Feed one input to an entry; returns why it was ignored, or 'applied'. */
  input(workspaceId: string, entryId: string, input: JourneyInput): Promise<string>;
  /** Every running entry of the profile gets the event (waits, goals, exit events). */
  event(workspaceId: string, profileId: string, event: JourneyEvent): Promise<void>;
  /** A journey version's definition (immutable, so cached). */
  definition(workspaceId: string, journeyId: string, version: number): Promise<JourneyDefinition>;
  /** Re-enqueue timers past due and outbox rows left pending (crash recovery). Returns how many. */
  recover(): Promise<number>;
  /** Let every customer still inside an archived journey exit (the archive job). Returns how many. */
  release(workspaceId: string, journeyId: string): Promise<number>;
}

export interface JourneyEngineDeps {
  db: Kysely<Database>;
  dialect: DialectHelpers;
  clock: Clock;
  queue: JobQueue;
  profiles: ProfileService;
  matches(workspaceId: string, profileId: string, rule: SegmentDefinition): Promise<boolean>;
  /** Runs one outbox row (journey.effects.ts); registered by the module. */
  runEffect(workspaceId: string, effectId: string): Promise<void>;
  /** Runs many outbox rows at once (sends in one sendMany call); default: runEffect for each. */
  runEffects?(workspaceId: string, effectIds: readonly string[]): Promise<void>;
  /** runEffects for rows just committed, given as written (nothing read back). */
  runWritten?(workspaceId: string, items: readonly WrittenEffect[]): Promise<void>;
  onError: (err: unknown) => void;
  workspace?: { timezone: string; defaultSendHour: number };
  /** The workspace's own time zone (for customers without a timezone trait) and default send hour (over `workspace`). */
  workspaceSending?(workspaceId: string): Promise<{ timezone: string; defaultSendHour: number }>;
  /** How long past due a wait or a pending effect must be before the sweep re-enqueues it (default 60 s). */
  recoverGraceMs?: number;
  /** Told how many entries and outbox rows batches insert (PostgreSQL re-plans fast-growing tables: table-stats.ts). */
  stats?: TableStats;
  /** After the commit that made it: a customer entered or ended an entry (the module records it on the profile). */
  onLifecycle?: (change: JourneyLifecycleChange) => void;
}

/** An outbox row just written: its effect, and the entry that asked for it. */
export interface WrittenEffect {
  effect: OutboxEffect;
  entry: { id: string; profileId: string; journeyId: string };
  /** The customer as the batch that advanced the entry read them moments ago: its send reads them no second time. */
  contact?: ProfileContact;
}

/** An entry's start or end, as `journey.entered` / `journey.completed` / `journey.exited` / `journey.converted` events. */
export interface JourneyLifecycleChange {
  workspaceId: string;
  journeyId: string;
  version: number;
  entryId: string;
  profileId: string;
  kind: 'entered' | 'completed' | 'exited' | 'converted';
  reason: string | null;
  at: number;
}

/**
 * The entry id for a trigger: a retried enter job finds the entry it created. It starts with the
 * trigger's time, read off the end of its key (`…:<at>`, `event:…@<at>`), and ends with a hash of
 * the key, so entries, their outbox rows and their messages (whose keys start with it) are written
 * next to the others of their moment instead of all over their indexes. A batch of random keys
 * dirtied a page per row: on SQLite, 200,000 rows committed in 3.6 s with random keys and 0.4 s with
 * time-ordered ones.
 */
export const entryIdFor = (journeyId: string, profileId: string, triggerKey: string): string => {
  const at = /[:@](\d{1,15})$/.exec(triggerKey)?.[1];
  const time = at === undefined ? '000000000' : Number(at).toString(36).padStart(9, '0').slice(-9);
  return `ent_${time}${createHash('sha256').update(`${journeyId}\u0000${profileId}\u0000${triggerKey}`).digest('hex').slice(0, 23)}`;
};

/** The trigger key of an event entry: the event's message id and time (the same stored event gives the same key). */
export const eventTriggerKey = (event: Pick<JourneyEvent, 'messageId' | 'timestamp'>): string => `event:${event.messageId ?? ''}@${event.timestamp ?? 0}`;

const MAX_FENCE_RETRIES = 8;
const MAX_DEFINITIONS = 500;

export function createJourneyEngine(deps: JourneyEngineDeps): JourneyEngine {
  const { db, clock, queue } = deps;
  const defaults = deps.workspace ?? { timezone: 'UTC', defaultSendHour: 10 };
  const workspace = async (workspaceId: string): Promise<{ timezone: string; defaultSendHour: number }> =>
    deps.workspaceSending ? deps.workspaceSending(workspaceId) : defaults;
  const grace = deps.recoverGraceMs ?? 60_000;
  const definitions = new Map<string, JourneyDefinition>();

  async function definition(workspaceId: string, journeyId: string, version: number): Promise<JourneyDefinition> {
    const key = `${workspaceId}\u0000${journeyId}\u0000${version}`;
    const hit = definitions.get(key);
    if (hit) return hit;
    const row = await repo.findVersion(db, workspaceId, journeyId, version);
    if (!row) throw new UnexpectedError(`journey ${journeyId} has no version ${version}`);
    // Stored only after validation on publish; parsed again as JSON read back (STYLE §7).
    const def = JourneyDefinition.parse(readJson(row.definition, {}));
    if (definitions.size >= MAX_DEFINITIONS) definitions.clear();
    definitions.set(key, def);
    return def;
  }

  async function runtime(workspaceId: string, entry: JourneyRuntime['entry'], profileId: string): Promise<JourneyRuntime> {
    const profile = await deps.profiles.get(workspaceId, profileId, 0);
    return {
      clock,
      entry,
      profile: { id: profile.id, traits: profile.traits },
      workspace: await workspace(workspaceId),
      matches: (rule) => deps.matches(workspaceId, profile.id, rule),
      hash: unitHash,
    };
  }

  const afterCommit = (workspaceId: string, entryId: string, timers: readonly number[], effectIds: readonly string[]): Promise<void> =>
    enqueueFollowUps(queue, workspaceId, timers.map((at) => ({ entryId, at })), effectIds);

  const batch = createBatchPaths({
    ...{ db, dialect: deps.dialect, clock, queue, profiles: deps.profiles, matches: deps.matches, workspace, definition, entryIdFor, onLifecycle: deps.onLifecycle, runWritten: deps.runWritten, stats: deps.stats },
    input: (workspaceId, entryId, input) => engine.input(workspaceId, entryId, input),
    requeueEnter: async (workspaceId, items) => {
      await queue.enqueueMany(ENTER_QUEUE, items.map((item) => ({ payload: { workspaceId, ...item }, options: { workspaceId, dedupeKey: enterDedupeKey(item) } })));
    },
  });

  const engine: JourneyEngine = {
    definition,
    enterMany: batch.enterMany,
    inputMany: batch.inputMany,
    eventMany: batch.eventMany,
    listened: batch.listened,
    listenedNames: batch.listenedNames,

    async enter(p) {
      const journey = await repo.findJourney(db, p.workspaceId, p.journeyId);
      if (!journey || journey.status !== 'active' || journey.current_version === null) return 'inactive';
      const version = journey.current_version;
      const def = await definition(p.workspaceId, p.journeyId, version);
      const entryId = entryIdFor(p.journeyId, p.profileId, p.triggerKey);
      if (await repo.findEntry(db, p.workspaceId, entryId)) return 'duplicate';
      const ctx = await runtime(p.workspaceId, { journeyId: p.journeyId, version, entryId }, p.profileId);
      const result = await advance(def, null, { kind: 'start', event: p.event, vars: {} }, ctx);
      const now = clock.now();
      const { writes, timers, effectIds } = writesOf(clock.now(), p.workspaceId, entryId, null, result);
      const outcome = await withTransaction(db, async (trx): Promise<EnterOutcome> => {
        // One customer's entries into one journey are decided one at a time (the re-entry policy reads them).
        await deps.dialect.lockKeys(trx, [`journey-entry\u0000${p.workspaceId}\u0000${p.journeyId}\u0000${p.profileId}`]);
        const previous = await repo.entriesOf(trx, p.workspaceId, p.journeyId, p.profileId);
        if (!mayEnter(def.settings, previous.map((e) => ({ enteredAt: e.entered_at, endedAt: e.ended_at })), now)) return 'refused';
        const inserted = await repo.insertEntry(trx, {
          workspace_id: p.workspaceId,
          id: entryId,
          journey_id: p.journeyId,
          version,
          profile_id: p.profileId,
          trigger_key: p.triggerKey,
          seq: 1,
          entered_at: result.state.enteredAt,
          ...entryPatch(result.state, now),
          state: JSON.stringify(result.state),
        });
        if (!inserted) return 'duplicate';
        await repo.writeTransition(trx, p.workspaceId, p.journeyId, writes);
        return 'entered';
      });
      if (outcome === 'entered') {
        const change = { workspaceId: p.workspaceId, journeyId: p.journeyId, version, entryId, profileId: p.profileId };
        deps.onLifecycle?.({ ...change, kind: 'entered', reason: null, at: now });
        if (TERMINAL_STATUSES.has(result.state.status)) deps.onLifecycle?.({ ...change, kind: terminalKind(result.state), reason: result.state.endReason ?? null, at: now });
        await afterCommit(p.workspaceId, entryId, timers, effectIds);
      }
      return outcome;
    },

    async input(workspaceId, entryId, input) {
      for (let attempt = 0; attempt < MAX_FENCE_RETRIES; attempt++) {
        const row = await repo.findEntry(db, workspaceId, entryId);
        if (!row) return 'missing';
        const state = JourneyState.parse(readJson(row.state, {}));
        if (TERMINAL_STATUSES.has(state.status)) return 'ended';
        // A paused (or archived) journey holds its customers where they are: timers and events do not
        // move them on, so nothing is sent. The recovery sweep re-delivers overdue timers once the
        // journey is active again. Answers to effects already under way are still taken: they are
        // delivered once, and the interpreter stops at the next wait anyway.
        const journey = input.kind === 'effect_result' ? undefined : await repo.findJourney(db, workspaceId, row.journey_id);
        if (journey && journey.status === 'paused') return 'paused';
        // An archived journey lets its customers go: whatever they were waiting for, they exit here.
        const now = clock.now();
        const result: AdvanceResult =
          journey && journey.status !== 'active'
            ? { state: { ...state, status: 'exited', endedAt: now, endReason: 'archived', wakeAt: undefined, waitingFor: undefined }, effects: [] }
            : await advance(await definition(workspaceId, row.journey_id, row.version), state, input, await runtime(workspaceId, { journeyId: row.journey_id, version: row.version, entryId }, row.profile_id));
        if (result.ignored !== undefined) {
          // Nothing changed; an early timer only asks to be delivered again.
          const again = result.effects.flatMap((e) => (e.kind === 'schedule_timer' ? [e.at] : []));
          await afterCommit(workspaceId, entryId, again, []);
          return result.ignored;
        }
        const { writes, timers, effectIds } = writesOf(clock.now(), workspaceId, entryId, state, result);
        const written = await withTransaction(db, async (trx) => {
          if (!(await repo.updateEntryFenced(trx, row, entryPatch(result.state, now)))) return false;
          await repo.writeTransition(trx, workspaceId, row.journey_id, writes);
          return true;
        });
        if (written) {
          if (TERMINAL_STATUSES.has(result.state.status)) {
            deps.onLifecycle?.({ workspaceId, journeyId: row.journey_id, version: row.version, entryId, profileId: row.profile_id, kind: terminalKind(result.state), reason: result.state.endReason ?? null, at: now });
          }
          await afterCommit(workspaceId, entryId, timers, effectIds);
          return 'applied';
        }
        // Another worker moved the entry on since we read it: read again and re-decide.
      }
      throw new OperationalError('JOURNEY_ENTRY_CONFLICT', say(`Entry ${entryId} kept changing; the job is retried`, `旅程实例 ${entryId} 持续被修改，任务将重试`));
    },

    async event(workspaceId, profileId, event) {
      const running = await repo.runningEntriesOf(db, workspaceId, [profileId]);
      for (const e of running) {
        const row = await repo.findEntry(db, workspaceId, e.id);
        // The event that started an entry is not also an answer to its waits.
        if (event.messageId !== undefined && row?.trigger_key === eventTriggerKey(event)) continue;
        await engine.input(workspaceId, e.id, { kind: 'event', event });
      }
    },

    async release(workspaceId, journeyId) {
      let n = 0;
      for (;;) {
        const page = await repo.runningEntriesOfJourney(db, workspaceId, journeyId, 200);
        if (page.length === 0) return n;
        let moved = 0;
        for (const e of page) if ((await engine.input(workspaceId, e.id, { kind: 'timer', at: clock.now() })) === 'applied') moved++;
        n += moved;
        // A page nothing could move would come back forever.
        if (page.length < 200 || moved === 0) return n;
      }
    },

    async recover() {
      const before = clock.now() - grace;
      // Single-item jobs with the single-item dedupe keys, enqueued together.
      const waits = (await repo.overdueWaits(db, before, 500)).flatMap((w) => (w.wake_at === null ? [] : [{ ...w, wake_at: w.wake_at }]));
      await queue.enqueueMany(TIMER_QUEUE, waits.map((w) => ({ payload: { workspaceId: w.workspace_id, entryId: w.id, at: w.wake_at }, options: { workspaceId: w.workspace_id, dedupeKey: `${w.id}@${w.wake_at}` } })));
      const stale = await repo.stalePendingEffects(db, before, 500);
      for (const e of stale) await repo.touchEffect(db, e.workspace_id, e.id, clock.now());
      await queue.enqueueMany(EFFECT_QUEUE, stale.map((e) => ({ payload: { workspaceId: e.workspace_id, effectId: e.id }, options: { workspaceId: e.workspace_id, dedupeKey: e.id } })));
      return waits.length + stale.length;
    },
  };

  const tally = (outcomes: readonly string[]): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const o of outcomes) out[o] = (out[o] ?? 0) + 1;
    return out;
  };
  // A batch job carries up to journey.writes.ts MAX_BATCH items in one transaction, so a few running at once keep the writer busy.
  queue.register(ENTER_QUEUE, async (raw) => {
    const p = EnterJob.parse(raw);
    if ('items' in p) return { outcomes: tally(await engine.enterMany(p.workspaceId, p.items)) };
    return { outcome: await engine.enter(p) };
  }, { concurrency: 4 });
  queue.register(TIMER_QUEUE, async (raw) => {
    const p = TimerJob.parse(raw);
    if ('timers' in p) return { outcomes: tally(await engine.inputMany(p.workspaceId, p.timers.map((t) => ({ entryId: t.entryId, input: { kind: 'timer', at: t.at } })))) };
    return { outcome: await engine.input(p.workspaceId, p.entryId, { kind: 'timer', at: p.at }) };
  }, { concurrency: 4 });
  queue.register(EVENT_QUEUE, async (raw) => {
    const p = EventJob.parse(raw);
    if ('events' in p) await engine.eventMany(p.workspaceId, p.events);
    else await engine.event(p.workspaceId, p.profileId, p.event);
    return {};
  }, { concurrency: 4 });
  queue.register(EFFECT_QUEUE, async (raw) => {
    const p = EffectJob.parse(raw);
    if (!('effectIds' in p)) await deps.runEffect(p.workspaceId, p.effectId);
    else if (deps.runEffects) await deps.runEffects(p.workspaceId, p.effectIds);
    else for (const id of p.effectIds) await deps.runEffect(p.workspaceId, id);
    return {};
  }, { concurrency: 4, maxAttempts: 5 });
  queue.register(RECOVER_QUEUE, async () => ({ touched: await engine.recover() }), { maxAttempts: 1 });
  queue.register(RELEASE_QUEUE, async (raw) => {
    const p = ReleasePayload.parse(raw);
    return { exited: await engine.release(p.workspaceId, p.journeyId) };
  });
  queue.every(RECOVER_QUEUE, 60_000, {}, { firstDelayMs: 5_000 });
  return engine;
}
