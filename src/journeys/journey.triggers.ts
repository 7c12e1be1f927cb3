import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { eventProperties, type EventRow } from '../events/event.store.js';
import type { CommittedBatch } from '../ingest/ingest.service.js';
import type { Clock } from '../platform/clock.js';
import type { ProfileService } from '../profiles/profile.service.js';
import type { EnqueueItem, JobQueue } from '../queue/queue.js';
import type { SegmentTransition } from '../segments/segment.schema.js';
import { entryMatchesEvent, scheduledOccurrence } from './journey.entry.js';
import { ENTER_QUEUE, enterDedupeKey, EVENT_QUEUE, eventTriggerKey, type EnterBatchPayload, type EnterPayload, type EventBatchPayload, type JourneyEngine } from './journey.engine.js';
import { customerTimeZone } from './journey.interpreter.js';
import * as repo from './journey.repository.js';
import type { JourneyDefinition } from './journey.schema.js';
import { MAX_BATCH } from './journey.writes.js';
import type { JourneyEvent, JsonValue } from './journey.state.js';
import { pushTo } from '../platform/collections.js';

/**
 * What starts and wakes entries, turned into queue jobs: committed events (event entries; answers to
 * waits, goals and exit events of running entries), segment transitions, and the daily sweep over
 * date traits for scheduled entries. The listeners only enqueue; the jobs decide, so a repeat or a
 * race changes nothing (entries are keyed by their trigger).
 */

export const SCHEDULE_QUEUE = 'journeys.schedule';
const DAY = 86_400_000;
const PAGE = 200;

export interface Triggers {
  onCommitted(batch: CommittedBatch): Promise<void>;
  onTransitions(transitions: readonly SegmentTransition[]): Promise<void>;
  /** Enqueue the scheduled entries falling in the next day (the daily job). Returns how many. */
  sweepSchedules(): Promise<number>;
}

/** The journey view of a stored event (track/page/screen with a name). */
export function journeyEvent(e: EventRow): JourneyEvent | null {
  if (e.name === null || (e.type !== 'track' && e.type !== 'page' && e.type !== 'screen')) return null;
  // Parsed JSON (validated as an object at ingest), so every value is a JsonValue.
  const properties = eventProperties(e) as Record<string, JsonValue>;
  return { name: e.name, properties, timestamp: e.timestamp, messageId: e.messageId };
}

export function createTriggers(deps: { db: Kysely<Database>; clock: Clock; queue: JobQueue; profiles: ProfileService; engine: JourneyEngine }): Triggers {
  const { db, clock, queue, engine } = deps;

  const single = (p: EnterPayload, runAt?: number): EnqueueItem<EnterPayload> => ({ payload: p, options: { workspaceId: p.workspaceId, dedupeKey: enterDedupeKey(p), ...(runAt !== undefined ? { runAt } : {}) } });

  /** Triggers due now, as few jobs as possible: one enter job per MAX_BATCH triggers (a lone trigger keeps the single shape). */
  async function enterAll(workspaceId: string, items: readonly EnterPayload[]): Promise<void> {
    const jobs: EnqueueItem<unknown>[] = [];
    for (let i = 0; i < items.length; i += MAX_BATCH) {
      const part = items.slice(i, i + MAX_BATCH);
      const [only] = part;
      if (part.length === 1 && only) jobs.push(single(only));
      else {
        const payload: EnterBatchPayload = { workspaceId, items: part.map(({ workspaceId: _ws, ...item }) => item) };
        jobs.push({ payload, options: { workspaceId, dedupeKey: `enter:${createHash('sha256').update(part.map(enterDedupeKey).join('\u0000')).digest('hex').slice(0, 32)}` } });
      }
    }
    if (jobs.length > 0) await queue.enqueueMany(ENTER_QUEUE, jobs);
  }

  async function published(rows: readonly repo.JourneyRow[]): Promise<Array<{ row: repo.JourneyRow; def: JourneyDefinition }>> {
    const out: Array<{ row: repo.JourneyRow; def: JourneyDefinition }> = [];
    for (const row of rows) if (row.current_version !== null) out.push({ row, def: await engine.definition(row.workspace_id, row.id, row.current_version) });
    return out;
  }

  const triggers: Triggers = {
    async onCommitted(batch) {
      const workspaceId = batch.workspaceId;
      const starting = await published(await repo.activeJourneys(db, workspaceId, ['event']));
      // Only events a journey could start with or answer are decoded (most are not: message.sent,
      // journey.entered, …); the names come from the cached definitions.
      const listening = await engine.listenedNames(workspaceId);
      const names = new Set(listening);
      for (const { def } of starting) if (def.entry.kind === 'event') names.add(def.entry.event.name);
      const events = batch.events.flatMap((e) => {
        const ev = e.name !== null && names.has(e.name) ? journeyEvent(e) : null;
        return ev ? [{ profileId: e.profileId, event: ev }] : [];
      });
      if (events.length === 0) return;
      const now = clock.now();
      const entering: EnterPayload[] = [];
      for (const { row, def } of starting) {
        for (const { profileId, event } of events) {
          if (entryMatchesEvent(def.entry, event, now)) entering.push({ workspaceId, journeyId: row.id, profileId, triggerKey: eventTriggerKey(event), event });
        }
      }
      await enterAll(workspaceId, entering);
      // Only events a running entry would take become jobs (most events, e.g. message.sent, answer no wait); the job decides again.
      const answering = await engine.listened(workspaceId, events, listening);
      const jobs: EnqueueItem<unknown>[] = [];
      for (let i = 0; i < answering.length; i += MAX_BATCH) {
        const part = answering.slice(i, i + MAX_BATCH);
        const [only] = part;
        const key = (e: { profileId: string; event: JourneyEvent }) => `${e.profileId}:${e.event.messageId ?? ''}`;
        if (part.length === 1 && only) jobs.push({ payload: { workspaceId, ...only }, options: { workspaceId, dedupeKey: key(only) } });
        else {
          const payload: EventBatchPayload = { workspaceId, events: part };
          jobs.push({ payload, options: { workspaceId, dedupeKey: `events:${createHash('sha256').update(part.map(key).join('\u0000')).digest('hex').slice(0, 32)}` } });
        }
      }
      if (jobs.length > 0) await queue.enqueueMany(EVENT_QUEUE, jobs);
    },

    async onTransitions(transitions) {
      const byWorkspace = new Map<string, SegmentTransition[]>();
      // A segment's first computation announces every member at once.
      for (const t of transitions) pushTo(byWorkspace, t.workspaceId, t);
      for (const [workspaceId, list] of byWorkspace) {
        for (const { row, def } of await published(await repo.activeJourneys(db, workspaceId, ['segment_entered', 'segment_exited']))) {
          const entry = def.entry;
          if (entry.kind !== 'segment_entered' && entry.kind !== 'segment_exited') continue;
          const kind = entry.kind === 'segment_entered' ? 'entered' : 'exited';
          const entering: EnterPayload[] = [];
          for (const t of list) {
            if (t.segmentId !== entry.segmentId || t.kind !== kind) continue;
            const event: JourneyEvent = { name: `segment_${kind}`, properties: { segmentId: t.segmentId }, timestamp: t.at };
            entering.push({ workspaceId, journeyId: row.id, profileId: t.profileId, triggerKey: `segment:${t.segmentId}:${kind}:${t.at}`, event });
          }
          await enterAll(workspaceId, entering);
        }
      }
    },

    async sweepSchedules() {
      const now = clock.now();
      let n = 0;
      for (const { row, def } of await published(await repo.scheduledJourneys(db))) {
        const entry = def.entry;
        if (entry.kind !== 'schedule') continue;
        // Every profile is read in pages through the profiles service; occurrences in the next day are queued for their instant.
        for (let offset = 0; ; offset += PAGE) {
          const page = await deps.profiles.list(row.workspace_id, { sort: 'firstSeen', limit: PAGE, offset });
          // Each at its own instant: single jobs, enqueued a page at a time.
          const jobs: EnqueueItem<EnterPayload>[] = [];
          for (const p of page.items) {
            const at = scheduledOccurrence(entry, p.traits, customerTimeZone(p.traits, def, 'UTC'), now);
            if (at === null || at >= now + DAY) continue;
            const event: JourneyEvent = { name: 'scheduled', properties: { trait: entry.trait }, timestamp: at };
            jobs.push(single({ workspaceId: row.workspace_id, journeyId: row.id, profileId: p.id, triggerKey: `schedule:${at}`, event }, at));
          }
          if (jobs.length > 0) await queue.enqueueMany(ENTER_QUEUE, jobs);
          n += jobs.length;
          if (page.items.length < PAGE) break;
        }
      }
      return n;
    },
  };

  queue.register(SCHEDULE_QUEUE, async () => ({ queued: await triggers.sweepSchedules() }), { maxAttempts: 2 });
  queue.every(SCHEDULE_QUEUE, DAY, {}, { firstDelayMs: 10_000 });
  return triggers;
}
