import { createHash } from 'node:crypto';
import type { Insertable } from 'kysely';
import type { JourneyEffectTable, JourneyStepTable } from '../db/database.js';
import type { EnqueueItem, EnqueueOptions, JobQueue } from '../queue/queue.js';
import type { AdvanceResult } from './journey.interpreter.js';
import type { TransitionWrites } from './journey.repository.js';
import { TERMINAL_STATUSES, type JourneyEffect, type JourneyState, type JourneyStep } from './journey.state.js';
import { pushTo } from '../platform/collections.js';

/**
 * What one advance of an entry writes (outbox rows, steps, canvas counters, the entry's columns),
 * and the jobs enqueued once that is committed: timers and effects, batched when many entries move
 * on together (one timer job for entries waking within the same second, one effect job per batch).
 */

export const TIMER_QUEUE = 'journeys.timer';
export const EFFECT_QUEUE = 'journeys.effect';

/** Timers falling in the same bucket share a job, due at the latest of them (so none is early). */
const TIMER_BUCKET_MS = 1000;
/** Entries per timer job and outbox rows per effect job (a sendMany call's batch). */
export const MAX_BATCH = 1000;

/** How an ended state is announced. */
export function terminalKind(state: JourneyState): 'completed' | 'exited' | 'converted' {
  return state.status === 'converted' ? 'converted' : state.status === 'exited' ? 'exited' : 'completed';
}

export interface EntryWrites {
  writes: TransitionWrites;
  timers: number[];
  effectIds: string[];
  /** The outbox rows' effects, as written (their ids are their idempotency keys). */
  outbox: OutboxEffect[];
}

export type OutboxEffect = Extract<JourneyEffect, { kind: 'send' | 'update_trait' | 'call_webhook' }>;

/** The rows one advance writes besides the entry, and the jobs to enqueue once it is committed. */
export function writesOf(now: number, workspaceId: string, entryId: string, before: JourneyState | null, result: AdvanceResult): EntryWrites {
  const effects: Insertable<JourneyEffectTable>[] = [];
  const steps: Insertable<JourneyStepTable>[] = [];
  const timers: number[] = [];
  const outbox: OutboxEffect[] = [];
  const recorded: JourneyStep[] = [];
  for (const e of result.effects) {
    if (e.kind === 'record_step') recorded.push(e);
    else if (e.kind === 'schedule_timer') timers.push(e.at);
    else if (e.kind === 'send' || e.kind === 'update_trait' || e.kind === 'call_webhook') {
      outbox.push(e);
      effects.push({ workspace_id: workspaceId, id: e.idempotencyKey, entry_id: entryId, kind: e.kind, effect: JSON.stringify(e), status: 'pending', result: null, created_at: now, updated_at: now });
    }
  }
  for (const step of evictedSteps(before, result.state, recorded)) steps.push({ workspace_id: workspaceId, entry_id: entryId, node_id: step.nodeId, outcome: step.outcome, handle: step.handle ?? null, at: step.at });
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
  return { writes: { effects, steps, stats }, timers, effectIds: effects.map((e) => e.id), outbox };
}

/**
 * The steps this advance pushed out of the state's history (its last MAX_HISTORY steps), oldest
 * first: only those go to `journey_steps`, so an entry's whole history is the table's rows followed
 * by the state's, and the usual short journey writes no step rows at all. `recorded` are the steps
 * the advance appended, in order (one per record_step effect; each also counted in stepCount).
 */
function evictedSteps(before: JourneyState | null, after: JourneyState, recorded: readonly JourneyStep[]): JourneyStep[] {
  const countBefore = before?.stepCount ?? 0;
  const heldBefore = before?.steps ?? [];
  const firstHeldBefore = countBefore - heldBefore.length;
  const firstHeldAfter = after.stepCount - after.steps.length;
  const out: JourneyStep[] = [];
  for (let i = firstHeldBefore; i < firstHeldAfter; i++) {
    const step = i < countBefore ? heldBefore[i - firstHeldBefore] : recorded[i - countBefore];
    if (step) out.push(step);
  }
  return out;
}

/** The entry columns an advance sets. */
export const entryPatch = (state: JourneyState, now: number) => ({
  state, // serialised by updateEntryFenced
  status: state.status,
  node_id: state.nodeId,
  wake_at: state.status === 'waiting' ? (state.wakeAt ?? null) : null,
  ended_at: state.endedAt ?? null,
  updated_at: now,
});

const digest = (parts: readonly string[]): string => createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);

/**
 * Enqueue the timers and effects committed entries asked for. A lone timer or effect keeps its
 * single-item job and dedupe key (`<entryId>@<at>`, the effect id), as the recovery sweep enqueues
 * them; several become batch jobs keyed by what they carry.
 */
export async function enqueueFollowUps(queue: JobQueue, workspaceId: string, timers: readonly { entryId: string; at: number }[], effectIds: readonly string[]): Promise<void> {
  const base: EnqueueOptions = { workspaceId };
  if (timers.length > 0) {
    const buckets = new Map<number, { entryId: string; at: number }[]>();
    for (const t of timers) pushTo(buckets, Math.ceil(t.at / TIMER_BUCKET_MS), t);
    const jobs: EnqueueItem<unknown>[] = [];
    for (const list of buckets.values()) {
      for (let i = 0; i < list.length; i += MAX_BATCH) {
        const part = list.slice(i, i + MAX_BATCH);
        const [only] = part;
        if (part.length === 1 && only) jobs.push({ payload: { workspaceId, entryId: only.entryId, at: only.at }, options: { ...base, runAt: only.at, dedupeKey: `${only.entryId}@${only.at}` } });
        else {
          const runAt = part.reduce((max, t) => Math.max(max, t.at), 0);
          jobs.push({ payload: { workspaceId, timers: part }, options: { ...base, runAt, dedupeKey: `timers:${digest(part.map((t) => `${t.entryId}@${t.at}`))}` } });
        }
      }
    }
    await queue.enqueueMany(TIMER_QUEUE, jobs);
  }
  if (effectIds.length > 0) {
    const jobs: EnqueueItem<unknown>[] = [];
    for (let i = 0; i < effectIds.length; i += MAX_BATCH) {
      const part = effectIds.slice(i, i + MAX_BATCH);
      const [only] = part;
      if (part.length === 1 && only) jobs.push({ payload: { workspaceId, effectId: only }, options: { ...base, dedupeKey: only } });
      else jobs.push({ payload: { workspaceId, effectIds: part }, options: { ...base, dedupeKey: `effects:${digest(part)}` } });
    }
    await queue.enqueueMany(EFFECT_QUEUE, jobs);
  }
}
