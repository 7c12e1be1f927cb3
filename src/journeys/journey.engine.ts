import { createHash } from 'node:crypto';
import type { Insertable, Kysely } from 'kysely';
import { z } from 'zod';
import type { Database, JourneyEffectTable, JourneyStepTable } from '../db/database.js';
import { readJson, type DialectHelpers } from '../db/dialect.js';
import { withTransaction } from '../db/transaction.js';
import type { Clock } from '../platform/clock.js';
import { OperationalError, UnexpectedError } from '../platform/errors.js';
import type { ProfileService } from '../profiles/profile.service.js';
import type { JobQueue } from '../queue/queue.js';
import type { SegmentDefinition } from '../segments/segment.schema.js';
import { mayEnter } from './journey.entry.js';
import { unitHash } from './journey.hash.js';
import { advance, type AdvanceResult } from './journey.interpreter.js';
import * as repo from './journey.repository.js';
import type { JourneyRuntime } from './journey.run.js';
import { JourneyDefinition } from './journey.schema.js';
import { JourneyEvent, JourneyInput, JourneyState, TERMINAL_STATUSES, type JourneyEffect } from './journey.state.js';

/**
 * The durable journey runner. Every change to an entry is one transaction: the new state (fenced by
 * the row's `seq`, so of two workers that read the same state only one writes), the effects it asks
 * for (the outbox, keyed by their idempotency key), its steps and the canvas counters. Jobs are
 * enqueued after the commit; a crash in between is repaired by the recovery sweep (waits past due,
 * outbox rows left pending), and every job is safe to run twice: stale timers and answers are
 * ignored by the interpreter, entries have ids derived from their trigger, sends are idempotent.
 */

export const ENTER_QUEUE = 'journeys.enter';
export const TIMER_QUEUE = 'journeys.timer';
export const EVENT_QUEUE = 'journeys.event';
export const EFFECT_QUEUE = 'journeys.effect';
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

export type EnterOutcome = 'entered' | 'duplicate' | 'refused' | 'inactive';

export interface JourneyEngine {
  /** Start an entry if the journey is active and the re-entry policy allows it. */
  enter(p: EnterPayload): Promise<EnterOutcome>;
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
  onError: (err: unknown) => void;
  workspace?: { timezone: string; defaultSendHour: number };
  /** How long past due a wait or a pending effect must be before the sweep re-enqueues it (default 60 s). */
  recoverGraceMs?: number;
  /** After the commit that made it: a customer entered or ended an entry (the module records it on the profile). */
  onLifecycle?: (change: JourneyLifecycleChange) => void;
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

/** How an ended state is announced. */
function terminalKind(state: JourneyState): 'completed' | 'exited' | 'converted' {
  return state.status === 'converted' ? 'converted' : state.status === 'exited' ? 'exited' : 'completed';
}

/** The entry id for a trigger: a retried enter job finds the entry it created. */
export const entryIdFor = (journeyId: string, profileId: string, triggerKey: string): string =>
  `ent_${createHash('sha256').update(`${journeyId}\u0000${profileId}\u0000${triggerKey}`).digest('hex').slice(0, 32)}`;

const OUTBOX_KINDS = new Set<JourneyEffect['kind']>(['send', 'update_trait', 'call_webhook']);
const MAX_FENCE_RETRIES = 8;
const MAX_DEFINITIONS = 500;

export function createJourneyEngine(deps: JourneyEngineDeps): JourneyEngine {
  const { db, clock, queue } = deps;
  const workspace = deps.workspace ?? { timezone: 'UTC', defaultSendHour: 10 };
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
      workspace,
      matches: (rule) => deps.matches(workspaceId, profile.id, rule),
      hash: unitHash,
    };
  }

  /** The rows one advance writes besides the entry, and the jobs to enqueue once it is committed. */
  function writesOf(workspaceId: string, entryId: string, before: JourneyState | null, result: AdvanceResult) {
    const now = clock.now();
    const effects: Insertable<JourneyEffectTable>[] = [];
    const steps: Insertable<JourneyStepTable>[] = [];
    const timers: number[] = [];
    for (const e of result.effects) {
      if (e.kind === 'record_step') steps.push({ workspace_id: workspaceId, entry_id: entryId, node_id: e.nodeId, outcome: e.outcome, handle: e.handle ?? null, at: e.at });
      else if (e.kind === 'schedule_timer') timers.push(e.at);
      else if (OUTBOX_KINDS.has(e.kind)) {
        effects.push({ workspace_id: workspaceId, id: e.idempotencyKey, entry_id: entryId, kind: e.kind, effect: JSON.stringify(e), status: 'pending', result: null, created_at: now, updated_at: now });
      }
    }
    const stats = new Map<string, { entered: number; ended: number; converted: number }>();
    const stat = (node: string) => {
      let s = stats.get(node);
      if (!s) stats.set(node, (s = { entered: 0, ended: 0, converted: 0 }));
      return s;
    };
    const after = result.state;
    for (const [node, visits] of Object.entries(after.visits)) {
      const added = visits - (before?.visits[node] ?? 0);
      if (added > 0) stat(node).entered += added;
    }
    const endedNow = TERMINAL_STATUSES.has(after.status) && !(before && TERMINAL_STATUSES.has(before.status));
    if (endedNow && after.nodeId !== null) stat(after.nodeId).ended += 1;
    if (endedNow && after.status === 'converted') for (const node of Object.keys(after.visits)) stat(node).converted += 1;
    return { writes: { effects, steps, stats }, timers, effectIds: effects.map((e) => e.id) };
  }

  const entryPatch = (state: JourneyState, now: number) => ({
    state, // serialised by updateEntryFenced
    status: state.status,
    node_id: state.nodeId,
    wake_at: state.status === 'waiting' ? (state.wakeAt ?? null) : null,
    ended_at: state.endedAt ?? null,
    updated_at: now,
  });

  async function afterCommit(workspaceId: string, entryId: string, timers: readonly number[], effectIds: readonly string[]): Promise<void> {
    for (const at of timers) await queue.enqueue(TIMER_QUEUE, { workspaceId, entryId, at }, { workspaceId, runAt: at, dedupeKey: `${entryId}@${at}` });
    for (const effectId of effectIds) await queue.enqueue(EFFECT_QUEUE, { workspaceId, effectId }, { workspaceId, dedupeKey: effectId });
  }

  const engine: JourneyEngine = {
    definition,

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
      const { writes, timers, effectIds } = writesOf(p.workspaceId, entryId, null, result);
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
        const { writes, timers, effectIds } = writesOf(workspaceId, entryId, state, result);
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
      throw new OperationalError('JOURNEY_ENTRY_CONFLICT', `Entry ${entryId} kept changing; the job is retried`);
    },

    async event(workspaceId, profileId, event) {
      const running = await repo.runningEntriesOf(db, workspaceId, [profileId]);
      for (const e of running) {
        const row = await repo.findEntry(db, workspaceId, e.id);
        // The event that started an entry is not also an answer to its waits.
        if (event.messageId !== undefined && row?.trigger_key === `event:${event.messageId}`) continue;
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
      let n = 0;
      for (const w of await repo.overdueWaits(db, before, 500)) {
        if (w.wake_at === null) continue;
        await queue.enqueue(TIMER_QUEUE, { workspaceId: w.workspace_id, entryId: w.id, at: w.wake_at }, { workspaceId: w.workspace_id, dedupeKey: `${w.id}@${w.wake_at}` });
        n++;
      }
      for (const e of await repo.stalePendingEffects(db, before, 500)) {
        await repo.touchEffect(db, e.workspace_id, e.id, clock.now());
        await queue.enqueue(EFFECT_QUEUE, { workspaceId: e.workspace_id, effectId: e.id }, { workspaceId: e.workspace_id, dedupeKey: e.id });
        n++;
      }
      return n;
    },
  };

  queue.register(ENTER_QUEUE, async (raw) => ({ outcome: await engine.enter(EnterPayload.parse(raw)) }), { concurrency: 4 });
  queue.register(TIMER_QUEUE, async (raw) => {
    const p = TimerPayload.parse(raw);
    return { outcome: await engine.input(p.workspaceId, p.entryId, { kind: 'timer', at: p.at }) };
  }, { concurrency: 4 });
  queue.register(EVENT_QUEUE, async (raw) => {
    const p = EventPayload.parse(raw);
    await engine.event(p.workspaceId, p.profileId, p.event);
    return {};
  }, { concurrency: 4 });
  queue.register(EFFECT_QUEUE, async (raw) => {
    const p = EffectPayload.parse(raw);
    await deps.runEffect(p.workspaceId, p.effectId);
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
