import type { Kysely, RawBuilder } from 'kysely';
import type { Database } from '../db/database.js';
import { readJson, type DialectHelpers } from '../db/dialect.js';
import { withTransaction } from '../db/transaction.js';
import type { HeavyReader } from '../db/sqlite-reader.js';
import type { Clock } from '../platform/clock.js';
import { assertUnreachable } from '../platform/errors.js';
import { compileSegment, segmentDependencies, type CompileContext, type SegmentDependencies } from './segment.compiler.js';
import { applyMembershipDiff, countMembers, listSegments, memberIds, recordSize, updateSegment, type SegmentRow } from './segment.repository.js';
import { SegmentDefinition, type SegmentNode, type SegmentTransition } from './segment.schema.js';

/** What changed for some profiles: new events (by name), trait writes, computed-trait writes. */
export interface ProfileChange {
  workspaceId: string;
  profileIds: readonly string[];
  eventNames: readonly string[];
  traitsChanged: boolean;
  computedKeys: readonly string[];
  /**
   * Which of the profiles had which events. With it, a segment is re-checked only for the profiles
   * whose own change can affect it (a "Live Ping" re-checks the ping segment for the pinged
   * profiles, not for everyone who viewed a product in the same batch).
   * Absent: every profile in the change counts as having every change.
   */
  byEvent?: Readonly<Record<string, readonly string[]>>;
  /**
   * With byEvent: the profiles re-checked against every segment, because their traits or identity
   * changed (identify, alias: a merge brings another profile's events and drops the merged one).
   */
  identityProfileIds?: readonly string[];
}

/** The lookups a compile needs that live in other modules (computed-trait catalog, subscription groups). */
export interface CompileLookups {
  computedTraits(workspaceId: string): Promise<ReadonlyMap<string, { valueType: 'string' | 'number' | 'boolean' | 'date' }>>;
  subscriptionGroups(workspaceId: string): Promise<ReadonlyMap<string, { type: 'opt_in' | 'opt_out' }>>;
  /** Rough recent event counts by name, for full evaluations' join order (may be cached for minutes). */
  eventCounts?(workspaceId: string): Promise<ReadonlyMap<string, number>>;
}

export interface LoadedSegment {
  row: SegmentRow;
  definition: SegmentDefinition;
  deps: SegmentDependencies;
}

export interface SegmentEngine {
  /** Evaluate a segment over every profile and apply the difference (recompute job, time sweep). */
  evaluateFull(workspaceId: string, segmentId: string, progress?: (fraction: number, note: string) => Promise<void>): Promise<number>;
  /** Re-check changed profiles against every segment the change can affect, referenced segments first. */
  evaluateProfiles(change: ProfileChange): Promise<number>;
  /** A (draft) definition as SQL over `profiles p` at the clock's now, with the workspace's lookups. */
  compile(workspaceId: string, definition: SegmentDefinition): Promise<RawBuilder<boolean>>;
  /** The context a full evaluation compiles with at `now` (the benchmark compares the same query). */
  fullContext(workspaceId: string, now: number): Promise<CompileContext>;
  /** Which of `profileIds` a (draft) definition matches now: the preview's estimate over a sample. */
  matchAmong(workspaceId: string, definition: SegmentDefinition, profileIds: readonly string[]): Promise<Set<string>>;
  /** The workspace's active segments with parsed definitions (cached by id and version). */
  load(workspaceId: string): Promise<LoadedSegment[]>;
  onTransition(listener: (transitions: readonly SegmentTransition[]) => void): void;
}

/** Profiles re-checked per query in incremental evaluation. */
const ID_CHUNK = 500;
/** Chunks of one incremental evaluation in flight at once. */
const CHUNKS_AT_ONCE = 4;

export function createSegmentEngine(deps: { db: Kysely<Database>; dialect: DialectHelpers; clock: Clock; lookups: CompileLookups; read?: HeavyReader }): SegmentEngine {
  const { db, dialect, clock, lookups } = deps;
  const read: HeavyReader = deps.read ?? (async (query) => (await db.executeQuery(query)).rows);
  const listeners: ((t: readonly SegmentTransition[]) => void)[] = [];
  const parsed = new Map<string, { key: string; loaded: LoadedSegment }>();

  function parse(row: SegmentRow): LoadedSegment {
    const key = `${row.version}:${row.updated_at}`;
    const hit = parsed.get(`${row.workspace_id}/${row.id}`);
    if (hit && hit.key === key) return { ...hit.loaded, row };
    // Stored definitions were validated on save; parse again because JSON columns are outside data (STYLE §7).
    const definition = SegmentDefinition.parse(readJson(row.definition, {}));
    const loaded = { row, definition, deps: segmentDependencies(definition) };
    parsed.set(`${row.workspace_id}/${row.id}`, { key, loaded });
    return loaded;
  }

  async function load(workspaceId: string): Promise<LoadedSegment[]> {
    return (await listSegments(db, workspaceId)).map(parse);
  }

  async function context(workspaceId: string, now: number): Promise<CompileContext> {
    const [computedTraits, subscriptionGroups] = await Promise.all([lookups.computedTraits(workspaceId), lookups.subscriptionGroups(workspaceId)]);
    return { workspaceId, now, dialect, computedTraits, subscriptionGroups };
  }

  async function fullContext(workspaceId: string, now: number): Promise<CompileContext> {
    const [ctx, eventCounts] = await Promise.all([context(workspaceId, now), lookups.eventCounts?.(workspaceId)]);
    return eventCounts ? { ...ctx, eventCounts } : ctx;
  }

  function emit(transitions: SegmentTransition[]): void {
    if (transitions.length === 0) return;
    for (const l of listeners) {
      try {
        l(transitions);
      } catch {
        // A listener's failure must not undo a committed membership change.
      }
    }
  }

  /** One evaluation of a segment at a time in this process: reads happen outside the write transaction. */
  const running = new Map<string, Promise<unknown>>();
  function exclusive<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = running.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    running.set(key, settled);
    void settled.then(() => {
      if (running.get(key) === settled) running.delete(key);
    });
    return next;
  }

  /**
   * When each profile was last applied by a live (incremental) evaluation, per segment, as a
   * sequence number: a full evaluation that read before that leaves the profile alone, because the
   * live result is fresher. So live updates never wait behind a full evaluation of the same segment.
   */
  let sequence = 0;
  const liveApplied = new Map<string, Map<string, number>>();
  function markLive(key: string, profileIds: readonly string[]): void {
    let marks = liveApplied.get(key);
    if (!marks) liveApplied.set(key, (marks = new Map()));
    const at = ++sequence;
    for (const id of profileIds) marks.set(id, at);
  }

  /**
   * Evaluate, then apply the difference in a short write transaction. The evaluation is a plain
   * read: on SQLite a write transaction around it would hold the only write lock for up to a second
   * and stall ingestion. Full evaluations of one segment are serialised in this process, and so are
   * live ones; the apply is serialised across processes by a key lock. A stale read can only lag
   * behind events that arrived meanwhile, and those events queue their own re-check.
   */
  async function apply(seg: LoadedSegment, profileIds: readonly string[] | undefined, progress?: (fraction: number, note: string) => Promise<void>): Promise<SegmentTransition[]> {
    const ws = seg.row.workspace_id;
    const key = `${ws}/${seg.row.id}`;
    return exclusive(`${key}/${profileIds ? 'live' : 'full'}`, async () => {
      const now = clock.now();
      const readAt = ++sequence;
      const ctx = profileIds ? await context(ws, now) : await fullContext(ws, now);
      const fresh = await matching(seg, ctx, profileIds);
      if (progress) await progress(0.7, 'evaluated');
      if (profileIds) {
        // Most live checks change nothing: then there is nothing to write and no lock to take.
        const before = await memberIds(db, ws, seg.row.id, profileIds);
        if (before.size === fresh.size && [...fresh].every((id) => before.has(id))) {
          markLive(key, profileIds);
          return [];
        }
      }
      const result = await withTransaction(db, async (trx) => {
        await dialect.lockKeys(trx, [`${ws}\u0000segment\u0000${seg.row.id}`]);
        const current = await trx.selectFrom('segments').select(['version', 'status']).where('workspace_id', '=', ws).where('id', '=', seg.row.id).executeTakeFirst();
        if (!current || current.status !== 'active' || current.version !== seg.row.version) return null; // edited meanwhile: the newer job decides
        // No progress writes in here: on SQLite they would wait for this transaction's own connection.
        const old = await memberIds(trx, ws, seg.row.id, profileIds);
        const live = profileIds ? undefined : liveApplied.get(key);
        const settledByLive = (id: string) => (live?.get(id) ?? 0) > readAt;
        const entered = [...fresh].filter((id) => !old.has(id) && !settledByLive(id));
        const exited = [...old].filter((id) => !fresh.has(id) && !settledByLive(id));
        await applyMembershipDiff(trx, ws, seg.row.id, { entered, exited }, now);
        const size = await countMembers(trx, ws, seg.row.id);
        await updateSegment(trx, ws, seg.row.id, {
          member_count: size,
          last_evaluated_at: now,
          ...(profileIds ? {} : { membership_version: seg.row.version, compute_state: 'ready', compute_progress: 1, compute_error: null }),
        });
        if (entered.length || exited.length || !profileIds) await recordSize(trx, ws, seg.row.id, now, size);
        // Marked inside the transaction, so a full evaluation applying right after this commit sees it.
        if (profileIds) markLive(key, profileIds);
        return [
          ...entered.map((profileId) => ({ workspaceId: ws, segmentId: seg.row.id, profileId, kind: 'entered' as const, at: now })),
          ...exited.map((profileId) => ({ workspaceId: ws, segmentId: seg.row.id, profileId, kind: 'exited' as const, at: now })),
        ];
      });
      if (!profileIds) {
        // Everything applied live before this read is part of this evaluation's answer.
        const marks = liveApplied.get(key);
        if (marks) for (const [id, at] of marks) if (at <= readAt) marks.delete(id);
      }
      if (progress) await progress(1, 'applied');
      return result ?? [];
    });
  }

  /** Ids of unmerged profiles matching the segment, optionally only among `profileIds`. */
  async function matching(seg: Pick<LoadedSegment, 'definition'>, ctx: CompileContext, profileIds?: readonly string[]): Promise<Set<string>> {
    const out = new Set<string>();
    // Each chunk compiles with its own ids, which the compiler turns into `p.id = any(…)` and pushes
    // into every sub-query. No second `p.id in (…)` here: PostgreSQL multiplies the two estimates
    // and then prefers a sequential scan over the primary key (seen with 100 ids on 100k profiles).
    const run = async (ids?: readonly string[]) => {
      const where = compileSegment(seg.definition, ids ? { ...ctx, profileIds: ids } : ctx);
      const q = db.selectFrom('profiles as p').select('p.id').where('p.workspace_id', '=', ctx.workspaceId).where('p.merged_into', 'is', null).where(where);
      // A full evaluation scans every profile: off the event loop on SQLite (db/sqlite-reader.ts).
      for (const r of ids ? await q.execute() : await read(q.compile())) out.add(r.id);
    };
    if (!profileIds) {
      await run();
      return out;
    }
    // Chunks side by side: PostgreSQL spreads them over its connections and cores (a preview's
    // 4,000-profile sample is eight chunks); SQLite's one connection simply takes them in turn.
    const chunks: (readonly string[])[] = [];
    for (let i = 0; i < profileIds.length; i += ID_CHUNK) chunks.push(profileIds.slice(i, i + ID_CHUNK));
    let next = 0;
    const worker = async () => {
      for (let chunk = chunks[next++]; chunk !== undefined; chunk = chunks[next++]) await run(chunk);
    };
    await Promise.all(Array.from({ length: Math.min(CHUNKS_AT_ONCE, chunks.length) }, worker));
    return out;
  }

  /** Segments in dependency order: a segment after every segment it refers to. */
  function ordered(segments: LoadedSegment[]): LoadedSegment[] {
    const byId = new Map(segments.map((s) => [s.row.id, s]));
    const out: LoadedSegment[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (s: LoadedSegment) => {
      if (state.get(s.row.id)) return; // cycles are refused on save; 'visiting' here would be a race with an edit
      state.set(s.row.id, 'visiting');
      for (const ref of s.deps.segmentIds) {
        const r = byId.get(ref);
        if (r) visit(r);
      }
      state.set(s.row.id, 'done');
      out.push(s);
    };
    segments.forEach(visit);
    return out;
  }

  /** The changed profiles whose own change can alter their membership of `seg` (empty: skip it). */
  function affectedProfiles(seg: LoadedSegment, change: ProfileChange, changedSegments: ReadonlyMap<string, readonly string[]>): string[] {
    const d = seg.deps;
    // A rule that holds for a blank profile can be entered by a profile seen for the first time, through any event.
    if (matchesEmptyProfile(seg.definition.root)) return [...change.profileIds];
    if (change.computedKeys.some((k) => d.computedKeys.has(k))) return [...change.profileIds];
    const out = new Set<string>();
    const addAll = (ids: readonly string[]) => {
      for (const id of ids) out.add(id);
    };
    if (change.byEvent) addAll(change.identityProfileIds ?? []);
    else if (change.traitsChanged && d.traitKeys.size > 0) addAll(change.profileIds);
    for (const name of change.eventNames) {
      if (!d.eventNames.has(name)) continue;
      const ids = change.byEvent?.[name];
      addAll(ids ?? change.profileIds);
    }
    for (const s of d.segmentIds) addAll(changedSegments.get(s) ?? []);
    return [...out];
  }

  return {
    load,
    async compile(workspaceId, definition) {
      return compileSegment(definition, await context(workspaceId, clock.now()));
    },
    fullContext,
    async matchAmong(workspaceId, definition, profileIds) {
      if (profileIds.length === 0) return new Set();
      // A preview's sample is thousands of profiles: worth the (cached) event counts that pick a sequence's join order.
      const ctx = await fullContext(workspaceId, clock.now());
      return matching({ definition }, ctx, profileIds);
    },
    onTransition(listener) {
      listeners.push(listener);
    },

    async evaluateFull(workspaceId, segmentId, progress) {
      const seg = (await load(workspaceId)).find((s) => s.row.id === segmentId);
      if (!seg) return 0;
      if (progress) await progress(0.05, 'evaluating');
      const transitions = await apply(seg, undefined, progress);
      emit(transitions);
      return transitions.length;
    },

    async evaluateProfiles(change) {
      if (change.profileIds.length === 0) return 0;
      const segments = ordered(await load(change.workspaceId));
      /** Profiles that entered or left each segment in this pass: what a segment referring to it re-checks. */
      const changedSegments = new Map<string, string[]>();
      let total = 0;
      for (const seg of segments) {
        const ids = affectedProfiles(seg, change, changedSegments);
        if (ids.length === 0) continue;
        const transitions = await apply(seg, ids);
        if (transitions.length) changedSegments.set(seg.row.id, transitions.map((t) => t.profileId));
        total += transitions.length;
        emit(transitions);
      }
      return total;
    },

  };
}

const ZERO_HOLDS: Record<string, (n: number) => boolean> = {
  '=': (n) => 0 === n,
  '!=': (n) => 0 !== n,
  '>': (n) => 0 > n,
  '>=': (n) => 0 >= n,
  '<': (n) => 0 < n,
  '<=': (n) => 0 <= n,
};

/**
 * Whether a rule can hold for a profile with no traits, events or computed traits ("never
 * ordered", "plan is not gold", a hold-out bucket). A profile seen for the first time may enter
 * such a segment through any event, so these segments are re-checked for every changed profile.
 * Errs towards true: a wrong true costs one indexed query, a wrong false a missed entry.
 */
export function matchesEmptyProfile(node: SegmentNode): boolean {
  switch (node.kind) {
    case 'and':
      return node.conditions.every(matchesEmptyProfile);
    case 'or':
      return node.conditions.some(matchesEmptyProfile);
    case 'not':
      return true;
    case 'trait':
    case 'computed':
      return node.op === 'not_equals' || node.op === 'not_in' || node.op === 'not_contains' || node.op === 'not_exists';
    case 'event':
      if (!node.performed) return true;
      if (node.aggregate) return false;
      return node.count ? (ZERO_HOLDS[node.count.op]?.(node.count.value) ?? true) : false;
    case 'sequence':
      return false;
    case 'segment':
      return !node.inSegment;
    case 'subscription':
      return node.status === 'subscribed';
    case 'bucket':
      return true;
    default:
      return assertUnreachable(node);
  }
}
