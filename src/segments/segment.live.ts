import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { CommittedBatch } from '../ingest/ingest.service.js';
import type { JobQueue } from '../queue/queue.js';
import type { ProfileChange, SegmentEngine } from './segment.engine.js';
import { listSegments, updateSegment, workspacesWithSegments } from './segment.repository.js';
import type { RecomputeScheduler } from './segment.service.js';

export const QUEUE_PROFILES = 'segments.profiles';
export const QUEUE_RECOMPUTE = 'segments.recompute';
export const QUEUE_SWEEP = 'segments.sweep';
export const QUEUE_TIME = 'segments.time';

/** Changes gathered for this long go out as one job: under load, one evaluation covers many events. */
const GATHER_MS = 40;
/** A gathered change is sent at once when it reaches this many profiles. */
const MAX_GATHER = 2000;
/** While an evaluation of this process's is running, gather at most this long before sending anyway. */
const MAX_WAIT_MS = 400;

export interface LiveSegmentsOptions {
  /** How often time-window segments are re-evaluated as time passes. */
  sweepEveryMs: number;
}

export interface LiveSegments extends RecomputeScheduler {
  /** Feed a change (from ingest or a computed-trait write); evaluated through the queue within moments. */
  changed(change: ProfileChange): void;
  /** Ingest's committed batches, as a change per workspace. */
  ingested(batch: CommittedBatch): void;
  /** Send gathered changes now (tests, shutdown). */
  flush(): Promise<void>;
  /** Re-evaluate every time-dependent segment of every workspace (the sweep job). */
  sweep(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Keeps segment membership live: ingest and computed-trait changes become `segments.profiles`
 * jobs, definition edits `segments.recompute` jobs, and a recurring `segments.sweep` moves
 * customers across relative time windows as time passes. Everything runs through the job queue,
 * so the same code works in one process (embedded) and on `nudge worker` processes (scaled).
 */
export function createLiveSegments(deps: { db: Kysely<Database>; queue: JobQueue; engine: SegmentEngine; onError: (err: unknown) => void }, options: LiveSegmentsOptions): LiveSegments {
  const { db, queue, engine } = deps;
  interface Gathered {
    profileIds: Set<string>;
    eventNames: Set<string>;
    traitsChanged: boolean;
    computedKeys: Set<string>;
    /** Per event name, the profiles that had it; `exact` false once a change came without that detail. */
    byEvent: Map<string, Set<string>>;
    identityProfileIds: Set<string>;
    exact: boolean;
  }
  const gathered = new Map<string, Gathered>();
  let timer: NodeJS.Timeout | null = null;
  const sending = new Set<Promise<unknown>>();

  // Jobs this process sent that a handler in this process has not finished: while one runs, changes
  // keep gathering (up to MAX_WAIT_MS), so a busy evaluator gets fewer, larger jobs instead of a backlog.
  let inFlight = 0;
  let lastSent = 0;
  queue.register<ProfileChange>(
    QUEUE_PROFILES,
    async (change) => {
      try {
        return await engine.evaluateProfiles(change);
      } finally {
        inFlight = Math.max(0, inFlight - 1);
      }
    },
    { concurrency: 1, maxAttempts: 5 },
  );

  queue.register<{ workspaceId: string; segmentId: string; version: number }>(
    QUEUE_RECOMPUTE,
    async (job, ctx) => {
      try {
        return await engine.evaluateFull(job.workspaceId, job.segmentId, async (fraction, note) => {
          await ctx.progress(fraction, note);
          await updateSegment(db, job.workspaceId, job.segmentId, { compute_progress: fraction });
        });
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        await updateSegment(db, job.workspaceId, job.segmentId, { compute_state: 'failed', compute_error: message.slice(0, 500) });
        throw err;
      }
    },
    { concurrency: 1, maxAttempts: 3 },
  );

  async function sweep(): Promise<void> {
    for (const ws of await workspacesWithSegments(db)) {
      for (const seg of await listSegments(db, ws)) {
        // A recompute interrupted by a crash (membership still of an older version) is scheduled again.
        if (seg.membership_version !== seg.version && seg.compute_state !== 'failed') {
          await queue.enqueue(QUEUE_RECOMPUTE, { workspaceId: ws, segmentId: seg.id, version: seg.version }, { workspaceId: ws, dedupeKey: `${ws}:${seg.id}:${seg.version}` });
        } else if (seg.time_dependent === 1) {
          // One job per segment, so live updates run between them rather than after the whole sweep.
          await queue.enqueue(QUEUE_TIME, { workspaceId: ws, segmentId: seg.id }, { workspaceId: ws, dedupeKey: `${ws}:${seg.id}:time` });
        }
      }
    }
  }
  queue.register(QUEUE_SWEEP, async () => sweep(), { concurrency: 1, maxAttempts: 1 });
  queue.register<{ workspaceId: string; segmentId: string }>(QUEUE_TIME, async (job) => engine.evaluateFull(job.workspaceId, job.segmentId), { concurrency: 1, maxAttempts: 3 });
  queue.every(QUEUE_SWEEP, options.sweepEveryMs, {}, { dedupeKey: 'sweep', firstDelayMs: Math.min(5_000, options.sweepEveryMs) });

  // Workspaces without segments skip the job entirely; the answer is cached briefly so busy ingest reads it rarely.
  const hasSegments = new Map<string, { at: number; yes: boolean }>();
  async function anySegments(workspaceId: string): Promise<boolean> {
    const hit = hasSegments.get(workspaceId);
    const now = Date.now();
    if (hit && now - hit.at < 2_000) return hit.yes;
    const yes = (await listSegments(db, workspaceId)).length > 0;
    hasSegments.set(workspaceId, { at: now, yes });
    return yes;
  }

  function send(): Promise<void> {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    const jobs = [...gathered].map(([workspaceId, g]): ProfileChange => ({
      workspaceId,
      profileIds: [...g.profileIds],
      eventNames: [...g.eventNames],
      traitsChanged: g.traitsChanged,
      computedKeys: [...g.computedKeys],
      ...(g.exact ? { byEvent: Object.fromEntries([...g.byEvent].map(([name, ids]) => [name, [...ids]])), identityProfileIds: [...g.identityProfileIds] } : {}),
    }));
    gathered.clear();
    inFlight += jobs.length;
    lastSent = Date.now();
    const p = Promise.all(
      jobs.map(async (change) => {
        try {
          if (await anySegments(change.workspaceId)) await queue.enqueue(QUEUE_PROFILES, change, { workspaceId: change.workspaceId });
          else inFlight = Math.max(0, inFlight - 1);
        } catch (err) {
          inFlight = Math.max(0, inFlight - 1);
          throw err;
        }
      }),
    ).then(
      () => undefined,
      (err: unknown) => deps.onError(err),
    );
    sending.add(p);
    void p.finally(() => sending.delete(p));
    return p;
  }

  function changed(change: ProfileChange): void {
    if (change.profileIds.length === 0) return;
    let g = gathered.get(change.workspaceId);
    if (!g) {
      g = { profileIds: new Set(), eventNames: new Set(), traitsChanged: false, computedKeys: new Set(), byEvent: new Map(), identityProfileIds: new Set(), exact: true };
      gathered.set(change.workspaceId, g);
    }
    for (const id of change.profileIds) g.profileIds.add(id);
    for (const n of change.eventNames) g.eventNames.add(n);
    for (const k of change.computedKeys) g.computedKeys.add(k);
    g.traitsChanged ||= change.traitsChanged;
    // Computed-trait changes name no events and no traits: they stay exact (their segments re-check every id).
    const detailed = change.byEvent !== undefined && change.identityProfileIds !== undefined;
    if (!detailed && (change.eventNames.length > 0 || change.traitsChanged)) g.exact = false;
    if (g.exact) {
      for (const [name, ids] of Object.entries(change.byEvent ?? {})) {
        let set = g.byEvent.get(name);
        if (!set) g.byEvent.set(name, (set = new Set()));
        for (const id of ids) set.add(id);
      }
      for (const id of change.identityProfileIds ?? []) g.identityProfileIds.add(id);
    }
    if (g.profileIds.size >= MAX_GATHER) void send();
    else if (!timer) timer = setTimeout(trySend, GATHER_MS);
  }

  function trySend(): void {
    timer = null;
    if (inFlight > 0 && Date.now() - lastSent < MAX_WAIT_MS) timer = setTimeout(trySend, GATHER_MS);
    else void send();
  }

  return {
    changed,
    ingested(batch) {
      const byEvent = new Map<string, string[]>();
      const identity = new Set<string>();
      const withEvent = new Set<string>();
      let traitsChanged = false;
      for (const e of batch.events) {
        withEvent.add(e.profileId);
        if (e.name) {
          let ids = byEvent.get(e.name);
          if (!ids) byEvent.set(e.name, (ids = []));
          ids.push(e.profileId);
        }
        if (e.type === 'identify' || e.type === 'alias') traitsChanged = true;
        if (e.type === 'identify' || e.type === 'alias' || !e.name) identity.add(e.profileId);
      }
      // Profiles the batch touched without an event of their own (merged away, merged into): everything may have changed.
      for (const id of batch.profileIds) if (!withEvent.has(id)) identity.add(id);
      const identityProfileIds = [...identity];
      changed({
        workspaceId: batch.workspaceId,
        profileIds: [...new Set(batch.profileIds)],
        eventNames: [...byEvent.keys()],
        traitsChanged,
        computedKeys: [],
        byEvent: Object.fromEntries(byEvent),
        identityProfileIds,
      });
    },
    async schedule(workspaceId, segmentId, version) {
      hasSegments.delete(workspaceId);
      return queue.enqueue(QUEUE_RECOMPUTE, { workspaceId, segmentId, version }, { workspaceId, dedupeKey: `${workspaceId}:${segmentId}:${version}` });
    },
    async flush() {
      await send();
      await Promise.all([...sending]);
    },
    sweep,
    async stop() {
      await this.flush();
    },
  };
}
