import { readJson } from '../db/dialect.js';
import { withTransaction } from '../db/transaction.js';
import type { ProfileContact } from '../profiles/profile.contacts.js';
import { mayEnter, type PreviousEntry } from './journey.entry.js';
import { unitHash } from './journey.hash.js';
import { advance, type AdvanceResult } from './journey.interpreter.js';
import { eventTriggerKey, type JourneyEngineDeps, type WrittenEffect } from './journey.engine.js';
import * as repo from './journey.repository.js';
import type { JourneyRuntime } from './journey.run.js';
import type { JourneyDefinition } from './journey.schema.js';
import { JourneyState, TERMINAL_STATUSES, type JourneyEvent, type JourneyInput } from './journey.state.js';
import { enqueueFollowUps, entryPatch, MAX_BATCH, terminalKind, writesOf, type EntryWrites } from './journey.writes.js';
import { pushTo } from '../platform/collections.js';

/**
 * The engine's batch paths (journey.engine.ts keeps the one-entry ones): many entries read in a few
 * queries, advanced one by one by the pure interpreter, and written in ONE transaction with the same
 * per-entry rules: the re-entry lock and policy for every customer, the `seq` fence for every update,
 * entry ids derived from triggers, outbox rows keyed by idempotency key. An entry that cannot be
 * decided in the batch (its profile not found, a fence lost, an interpreter error) goes through the
 * one-entry path, which retries, re-reads and reports as before.
 */

export interface EnterItem {
  journeyId: string;
  profileId: string;
  triggerKey: string;
  event: JourneyEvent | null;
}

export type EnterManyOutcome = 'entered' | 'duplicate' | 'refused' | 'inactive' | 'requeued';

/** The engine's own collaborators, and the engine functions the batch paths lean on. */
export interface BatchDeps extends Pick<JourneyEngineDeps, 'db' | 'dialect' | 'clock' | 'queue' | 'profiles' | 'matches' | 'onLifecycle' | 'runWritten' | 'stats'> {
  /** The time zone and default send hour of a workspace (read once per batch). */
  workspace(workspaceId: string): Promise<{ timezone: string; defaultSendHour: number }>;
  definition(workspaceId: string, journeyId: string, version: number): Promise<JourneyDefinition>;
  entryIdFor(journeyId: string, profileId: string, triggerKey: string): string;
  /** The one-entry path, for entries the batch leaves to it. */
  input(workspaceId: string, entryId: string, input: JourneyInput): Promise<string>;
  /** Re-enqueue one enter as its own job (its failure is then recorded and retried on its own). */
  requeueEnter(workspaceId: string, items: readonly EnterItem[]): Promise<void>;
}

export interface BatchPaths {
  enterMany(workspaceId: string, items: readonly EnterItem[]): Promise<EnterManyOutcome[]>;
  inputMany(workspaceId: string, items: readonly { entryId: string; input: JourneyInput }[]): Promise<string[]>;
  eventMany(workspaceId: string, events: readonly { profileId: string; event: JourneyEvent }[]): Promise<void>;
  /** Of `events`, those some running entry of their customer would take (what eventMany acts on); the others need no job. `names`: listenedNames, when the caller has it. */
  listened<E extends { profileId: string; event: JourneyEvent }>(workspaceId: string, events: readonly E[], names?: ReadonlySet<string>): Promise<E[]>;
  /** The event names some version of an active journey of the workspace listens for: no other event can answer an entry. */
  listenedNames(workspaceId: string): Promise<ReadonlySet<string>>;
}

const pairKey = (journeyId: string, profileId: string) => `${journeyId}\u0000${profileId}`;

const listenedCache = new WeakMap<JourneyDefinition, ReadonlySet<string>>();

/** Event names a definition reacts to: its goal, its exit events, its wait_for_event nodes (journey.interpreter.ts onEvent). */
export function listenedNames(def: JourneyDefinition): ReadonlySet<string> {
  const hit = listenedCache.get(def);
  if (hit) return hit;
  const names = new Set<string>();
  if (def.settings.goal) names.add(def.settings.goal.event.name);
  for (const c of def.settings.exitConditions) if (c.kind === 'event') names.add(c.event.name);
  for (const n of def.nodes) if (n.type === 'wait_for_event') names.add(n.config.event.name);
  listenedCache.set(def, names);
  return names;
}

export function createBatchPaths(deps: BatchDeps): BatchPaths {
  const { db, clock, queue } = deps;

  function runtime(workspaceId: string, workspace: JourneyRuntime['workspace'], entry: JourneyRuntime['entry'], profile: Pick<ProfileContact, 'id' | 'traits'>): JourneyRuntime {
    return { clock, entry, profile: { id: profile.id, traits: profile.traits }, workspace, matches: (rule) => deps.matches(workspaceId, profile.id, rule), hash: unitHash };
  }

  async function activeJourneys(workspaceId: string, ids: Iterable<string>): Promise<Map<string, repo.JourneyRow | undefined>> {
    const out = new Map<string, repo.JourneyRow | undefined>();
    for (const id of new Set(ids)) out.set(id, await repo.findJourney(db, workspaceId, id));
    return out;
  }

  const paths: BatchPaths = {
    async enterMany(workspaceId, items) {
      const outcomes: EnterManyOutcome[] = items.map(() => 'inactive');
      const journeys = new Map<string, { version: number; def: JourneyDefinition } | null>();
      for (const [id, j] of await activeJourneys(workspaceId, items.map((i) => i.journeyId))) {
        journeys.set(id, j && j.status === 'active' && j.current_version !== null ? { version: j.current_version, def: await deps.definition(workspaceId, id, j.current_version) } : null);
      }
      type Candidate = { i: number; item: EnterItem; entryId: string; version: number; def: JourneyDefinition };
      const candidates: Candidate[] = [];
      const seen = new Set<string>();
      items.forEach((item, i) => {
        const j = journeys.get(item.journeyId);
        if (!j) return;
        const entryId = deps.entryIdFor(item.journeyId, item.profileId, item.triggerKey);
        if (seen.has(entryId)) return void (outcomes[i] = 'duplicate');
        seen.add(entryId);
        candidates.push({ i, item, entryId, ...j });
      });
      const existing = await repo.existingEntryIds(db, workspaceId, candidates.map((c) => c.entryId));
      const fresh = candidates.filter((c) => (existing.has(c.entryId) ? void (outcomes[c.i] = 'duplicate') : true));
      const profiles = await deps.profiles.contacts(workspaceId, fresh.map((c) => c.item.profileId));
      const settings = await deps.workspace(workspaceId);
      const advanced: (Candidate & { result: AdvanceResult } & EntryWrites)[] = [];
      const left: Candidate[] = [];
      for (const c of fresh) {
        const profile = profiles.get(c.item.profileId);
        if (!profile) {
          left.push(c);
          continue;
        }
        try {
          const result = await advance(c.def, null, { kind: 'start', event: c.item.event, vars: {} }, runtime(workspaceId, settings, { journeyId: c.item.journeyId, version: c.version, entryId: c.entryId }, profile));
          advanced.push({ ...c, result, ...writesOf(clock.now(), workspaceId, c.entryId, null, result) });
        } catch {
          // Left to its own job, which fails or retries on its own.
          left.push(c);
        }
      }
      const now = clock.now();
      const decided = advanced.length === 0 ? { refused: new Set<number>(), written: [] } : await withTransaction(db, async (trx) => {
        // Each customer's entries into one journey are decided one at a time (the re-entry policy reads them).
        await deps.dialect.lockKeys(trx, advanced.map((a) => `journey-entry\u0000${workspaceId}\u0000${a.item.journeyId}\u0000${a.item.profileId}`));
        const previous = new Map<string, PreviousEntry[]>();
        for (const r of await repo.entriesOfMany(trx, workspaceId, advanced.map((a) => a.item.journeyId), advanced.map((a) => a.item.profileId))) {
          pushTo(previous, pairKey(r.journey_id, r.profile_id), { enteredAt: Number(r.entered_at), endedAt: r.ended_at === null ? null : Number(r.ended_at) });
        }
        const chosen: typeof advanced = [];
        const refused = new Set<number>();
        for (const a of advanced) {
          const key = pairKey(a.item.journeyId, a.item.profileId);
          const list = previous.get(key) ?? [];
          if (!mayEnter(a.def.settings, list, now)) {
            refused.add(a.i);
            continue;
          }
          // A later trigger of the same customer in this batch sees this entry, as it would once committed.
          pushTo(previous, key, { enteredAt: a.result.state.enteredAt, endedAt: a.result.state.endedAt ?? null });
          chosen.push(a);
        }
        const inserted = await repo.insertEntries(
          trx,
          chosen.map((a) => ({
            workspace_id: workspaceId,
            id: a.entryId,
            journey_id: a.item.journeyId,
            version: a.version,
            profile_id: a.item.profileId,
            trigger_key: a.item.triggerKey,
            seq: 1,
            entered_at: a.result.state.enteredAt,
            ...entryPatch(a.result.state, now),
            state: JSON.stringify(a.result.state),
          })),
        );
        const written = chosen.filter((a) => inserted.has(a.entryId));
        await repo.writeTransitions(trx, workspaceId, written.map((a) => ({ journeyId: a.item.journeyId, writes: a.writes })));
        deps.stats?.added('journey_entries', written.length);
        deps.stats?.added('journey_effects', written.reduce((n, a) => n + a.effectIds.length, 0));
        return { refused, written };
      });
      for (const a of advanced) outcomes[a.i] = decided.refused.has(a.i) ? 'refused' : 'duplicate';
      for (const a of decided.written) {
        outcomes[a.i] = 'entered';
        const change = { workspaceId, journeyId: a.item.journeyId, version: a.version, entryId: a.entryId, profileId: a.item.profileId };
        deps.onLifecycle?.({ ...change, kind: 'entered', reason: null, at: now });
        if (TERMINAL_STATUSES.has(a.result.state.status)) deps.onLifecycle?.({ ...change, kind: terminalKind(a.result.state), reason: a.result.state.endReason ?? null, at: now });
      }
      await followUp(
        workspaceId,
        decided.written.flatMap((a) => a.timers.map((at) => ({ entryId: a.entryId, at }))),
        decided.written.flatMap((a) => a.outbox.map((effect) => ({ effect, entry: { id: a.entryId, profileId: a.item.profileId, journeyId: a.item.journeyId }, contact: profiles.get(a.item.profileId) }))),
      );
      if (left.length > 0) {
        await deps.requeueEnter(workspaceId, left.map((c) => c.item));
        for (const c of left) outcomes[c.i] = 'requeued';
      }
      return outcomes;
    },

    async inputMany(workspaceId, items) {
      const outcomes: string[] = items.map(() => '');
      // An entry given several inputs takes them in order: its k-th input goes in the k-th round.
      const rounds: number[][] = [];
      const seen = new Map<string, number>();
      items.forEach((it, i) => {
        const k = seen.get(it.entryId) ?? 0;
        seen.set(it.entryId, k + 1);
        (rounds[k] ??= []).push(i);
      });
      for (const round of rounds) await inputRound(workspaceId, round.map((i) => ({ i, entryId: items[i]?.entryId ?? '', input: items[i]?.input ?? { kind: 'timer', at: 0 } })), outcomes);
      return outcomes;
    },

    async eventMany(workspaceId, events) {
      const items = await answers(workspaceId, events);
      if (items.length > 0) await paths.inputMany(workspaceId, items);
    },

    async listenedNames(workspaceId) {
      // Versions run 1..current and never change, so their definitions come from the cache. Entries
      // of paused journeys hold whatever comes, and archived journeys' entries are let go by their
      // release job, so only active journeys' entries can take an event.
      const names = new Set<string>();
      for (const j of await repo.activeJourneysAll(db, workspaceId)) {
        for (let v = 1; v <= (j.current_version ?? 0); v++) for (const n of listenedNames(await deps.definition(workspaceId, j.id, v))) names.add(n);
      }
      return names;
    },

    async listened(workspaceId, events, names) {
      // A first cut without reading any entry: the names some version of an active journey listens for.
      const listening = names ?? (await paths.listenedNames(workspaceId));
      const candidates = events.filter((e) => listening.has(e.event.name));
      if (candidates.length === 0) return [];
      const wanted = new Set((await answers(workspaceId, candidates)).map((a) => a.event));
      return candidates.filter((e) => wanted.has(e.event));
    },
  };

  /**
   * The inputs `events` are for running entries: each event to every running entry of its customer
   * that can react to it. Of an active journey, only events it listens for can change an entry (the
   * interpreter answers any other with no_match), so the others are not read, parsed or advanced at
   * all. Entries of paused or archived journeys get every event, as before (paused holds, archived exits).
   */
  async function answers(workspaceId: string, events: readonly { profileId: string; event: JourneyEvent }[]): Promise<{ entryId: string; input: JourneyInput; event: JourneyEvent }[]> {
    const running = await repo.runningEntriesWithTrigger(db, workspaceId, events.map((e) => e.profileId));
    if (running.length === 0) return [];
    const byProfile = new Map<string, typeof running>();
    for (const r of running) pushTo(byProfile, r.profile_id, r);
    const journeys = await activeJourneys(workspaceId, running.map((r) => r.journey_id));
    const listening = new Map<string, ReadonlySet<string> | null>();
    for (const r of running) {
      const key = `${r.journey_id}\u0000${r.version}`;
      if (listening.has(key)) continue;
      listening.set(key, journeys.get(r.journey_id)?.status === 'active' ? listenedNames(await deps.definition(workspaceId, r.journey_id, r.version)) : null);
    }
    const items: { entryId: string; input: JourneyInput; event: JourneyEvent }[] = [];
    for (const { profileId, event } of events) {
      for (const e of byProfile.get(profileId) ?? []) {
        // The event that started an entry is not also an answer to its waits.
        if (event.messageId !== undefined && e.trigger_key === eventTriggerKey(event)) continue;
        const names = listening.get(`${e.journey_id}\u0000${e.version}`);
        if (names && !names.has(event.name)) continue;
        items.push({ entryId: e.id, input: { kind: 'event', event }, event });
      }
    }
    return items;
  }

  /**
   * After a batch's commit: its timers are enqueued, and its outbox rows are carried out right here
   * (the sends of a batch in one sendMany), without an effect job between. Rows this cannot finish
   * (an error) are left to effect jobs, as they would have been; a crash before they are done
   * leaves them pending for the recovery sweep. Either way each row is idempotent.
   */
  async function followUp(workspaceId: string, timers: readonly { entryId: string; at: number }[], effects: readonly WrittenEffect[]): Promise<void> {
    await enqueueFollowUps(queue, workspaceId, timers, []);
    const ids = (from: number) => effects.slice(from).map((e) => e.effect.idempotencyKey);
    const run = deps.runWritten;
    if (!run) return enqueueFollowUps(queue, workspaceId, [], ids(0));
    for (let i = 0; i < effects.length; i += MAX_BATCH) {
      try {
        await run(workspaceId, effects.slice(i, i + MAX_BATCH));
      } catch {
        // The effect job retries these (and reports what keeps failing).
        return enqueueFollowUps(queue, workspaceId, [], ids(i));
      }
    }
  }

  /** One input for each of distinct entries. */
  async function inputRound(workspaceId: string, round: readonly { i: number; entryId: string; input: JourneyInput }[], outcomes: string[]): Promise<void> {
    const rows = new Map((await repo.findEntries(db, workspaceId, round.map((r) => r.entryId))).map((r) => [r.id, r]));
    const journeys = await activeJourneys(workspaceId, [...rows.values()].map((r) => r.journey_id));
    const now = clock.now();
    type Plan = { i: number; row: repo.EntryRow; input: JourneyInput; state: JourneyState };
    const toAdvance: Plan[] = [];
    const decided: (Plan & { result: AdvanceResult })[] = [];
    const left: { i: number; entryId: string; input: JourneyInput }[] = [];
    for (const r of round) {
      const row = rows.get(r.entryId);
      if (!row) {
        outcomes[r.i] = 'missing';
        continue;
      }
      const state = JourneyState.parse(readJson(row.state, {}));
      if (TERMINAL_STATUSES.has(state.status)) {
        outcomes[r.i] = 'ended';
        continue;
      }
      // As the one-entry path: a paused journey holds its customers; an archived one lets them go.
      const journey = r.input.kind === 'effect_result' ? undefined : journeys.get(row.journey_id);
      if (journey && journey.status === 'paused') {
        outcomes[r.i] = 'paused';
        continue;
      }
      if (journey && journey.status !== 'active') {
        decided.push({ i: r.i, row, input: r.input, state, result: { state: { ...state, status: 'exited', endedAt: now, endReason: 'archived', wakeAt: undefined, waitingFor: undefined }, effects: [] } });
        continue;
      }
      toAdvance.push({ i: r.i, row, input: r.input, state });
    }
    const profiles = await deps.profiles.contacts(workspaceId, toAdvance.map((p) => p.row.profile_id));
    const settings = await deps.workspace(workspaceId);
    const rearm: { entryId: string; at: number }[] = [];
    for (const p of toAdvance) {
      const profile = profiles.get(p.row.profile_id);
      if (!profile) {
        left.push({ i: p.i, entryId: p.row.id, input: p.input });
        continue;
      }
      try {
        const def = await deps.definition(workspaceId, p.row.journey_id, p.row.version);
        const result = await advance(def, p.state, p.input, runtime(workspaceId, settings, { journeyId: p.row.journey_id, version: p.row.version, entryId: p.row.id }, profile));
        if (result.ignored !== undefined) {
          // Nothing changed; an early timer only asks to be delivered again.
          for (const e of result.effects) if (e.kind === 'schedule_timer') rearm.push({ entryId: p.row.id, at: e.at });
          outcomes[p.i] = result.ignored;
        } else decided.push({ ...p, result });
      } catch {
        left.push({ i: p.i, entryId: p.row.id, input: p.input });
      }
    }
    // Updated in id order, so two batches sharing entries on PostgreSQL wait for each other rather than deadlock.
    const planned = decided.map((d) => ({ ...d, ...writesOf(clock.now(), workspaceId, d.row.id, d.state, d.result) })).sort((a, b) => (a.row.id < b.row.id ? -1 : a.row.id > b.row.id ? 1 : 0));
    const written = planned.length === 0 ? [] : await withTransaction(db, async (trx) => {
      const done = await repo.updateEntriesFenced(trx, deps.dialect, workspaceId, planned.map((p) => ({ row: p.row, patch: entryPatch(p.result.state, now) })));
      const ok = planned.filter((p) => done.has(p.row.id));
      await repo.writeTransitions(trx, workspaceId, ok.map((p) => ({ journeyId: p.row.journey_id, writes: p.writes })));
      deps.stats?.added('journey_effects', ok.reduce((n, p) => n + p.effectIds.length, 0));
      return ok;
    });
    const applied = new Set(written.map((p) => p.i));
    for (const p of planned) {
      // Another worker moved the entry on since we read it: the one-entry path reads again and re-decides.
      if (!applied.has(p.i)) left.push({ i: p.i, entryId: p.row.id, input: p.input });
    }
    for (const p of written) {
      outcomes[p.i] = 'applied';
      if (TERMINAL_STATUSES.has(p.result.state.status)) {
        deps.onLifecycle?.({ workspaceId, journeyId: p.row.journey_id, version: p.row.version, entryId: p.row.id, profileId: p.row.profile_id, kind: terminalKind(p.result.state), reason: p.result.state.endReason ?? null, at: now });
      }
    }
    await followUp(
      workspaceId,
      [...rearm, ...written.flatMap((p) => p.timers.map((at) => ({ entryId: p.row.id, at })))],
      written.flatMap((p) => p.outbox.map((effect) => ({ effect, entry: { id: p.row.id, profileId: p.row.profile_id, journeyId: p.row.journey_id }, contact: profiles.get(p.row.profile_id) }))),
    );
    let failure: unknown;
    for (const l of left) {
      try {
        outcomes[l.i] = await deps.input(workspaceId, l.entryId, l.input);
      } catch (err) {
        failure ??= err;
      }
    }
    // The job is retried; what was applied here is then ignored as stale or already answered.
    if (failure !== undefined) throw failure;
  }

  return paths;
}
