import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { EventRow } from '../events/event.store.js';
import type { CommittedBatch } from '../ingest/ingest.service.js';
import type { Clock } from '../platform/clock.js';
import type { ProfileService } from '../profiles/profile.service.js';
import type { JobQueue } from '../queue/queue.js';
import type { SegmentTransition } from '../segments/segment.schema.js';
import { entryMatchesEvent, scheduledOccurrence } from './journey.entry.js';
import { ENTER_QUEUE, EVENT_QUEUE, type EnterPayload, type JourneyEngine } from './journey.engine.js';
import { customerTimeZone } from './journey.interpreter.js';
import * as repo from './journey.repository.js';
import type { JourneyDefinition } from './journey.schema.js';
import type { JourneyEvent, JsonValue } from './journey.state.js';

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
  let properties: Record<string, JsonValue> = {};
  try {
    const parsed: unknown = JSON.parse(e.propertiesJson);
    // Properties were validated as a JSON object at ingest.
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) properties = parsed as Record<string, JsonValue>;
  } catch {
    // Unreadable properties: matched as none.
  }
  return { name: e.name, properties, timestamp: e.timestamp, messageId: e.messageId };
}

export function createTriggers(deps: { db: Kysely<Database>; clock: Clock; queue: JobQueue; profiles: ProfileService; engine: JourneyEngine }): Triggers {
  const { db, clock, queue, engine } = deps;

  const enter = (p: EnterPayload, runAt?: number) =>
    queue.enqueue(ENTER_QUEUE, p, { workspaceId: p.workspaceId, dedupeKey: `${p.journeyId}:${p.profileId}:${p.triggerKey}`, ...(runAt !== undefined ? { runAt } : {}) });

  async function published(rows: readonly repo.JourneyRow[]): Promise<Array<{ row: repo.JourneyRow; def: JourneyDefinition }>> {
    const out: Array<{ row: repo.JourneyRow; def: JourneyDefinition }> = [];
    for (const row of rows) if (row.current_version !== null) out.push({ row, def: await engine.definition(row.workspace_id, row.id, row.current_version) });
    return out;
  }

  const triggers: Triggers = {
    async onCommitted(batch) {
      const events = batch.events.flatMap((e) => {
        const ev = journeyEvent(e);
        return ev ? [{ profileId: e.profileId, event: ev }] : [];
      });
      if (events.length === 0) return;
      const now = clock.now();
      for (const { row, def } of await published(await repo.activeJourneys(db, batch.workspaceId, ['event']))) {
        for (const { profileId, event } of events) {
          if (entryMatchesEvent(def.entry, event, now)) await enter({ workspaceId: batch.workspaceId, journeyId: row.id, profileId, triggerKey: `event:${event.messageId ?? ''}`, event });
        }
      }
      const running = new Set((await repo.runningEntriesOf(db, batch.workspaceId, [...new Set(events.map((e) => e.profileId))])).map((r) => r.profile_id));
      for (const { profileId, event } of events) {
        if (!running.has(profileId)) continue;
        await queue.enqueue(EVENT_QUEUE, { workspaceId: batch.workspaceId, profileId, event }, { workspaceId: batch.workspaceId, dedupeKey: `${profileId}:${event.messageId ?? ''}` });
      }
    },

    async onTransitions(transitions) {
      const byWorkspace = new Map<string, SegmentTransition[]>();
      for (const t of transitions) byWorkspace.set(t.workspaceId, [...(byWorkspace.get(t.workspaceId) ?? []), t]);
      for (const [workspaceId, list] of byWorkspace) {
        for (const { row, def } of await published(await repo.activeJourneys(db, workspaceId, ['segment_entered', 'segment_exited']))) {
          const entry = def.entry;
          if (entry.kind !== 'segment_entered' && entry.kind !== 'segment_exited') continue;
          const kind = entry.kind === 'segment_entered' ? 'entered' : 'exited';
          for (const t of list) {
            if (t.segmentId !== entry.segmentId || t.kind !== kind) continue;
            const event: JourneyEvent = { name: `segment_${kind}`, properties: { segmentId: t.segmentId }, timestamp: t.at };
            await enter({ workspaceId, journeyId: row.id, profileId: t.profileId, triggerKey: `segment:${t.segmentId}:${kind}:${t.at}`, event });
          }
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
          for (const p of page.items) {
            const at = scheduledOccurrence(entry, p.traits, customerTimeZone(p.traits, def, 'UTC'), now);
            if (at === null || at >= now + DAY) continue;
            const event: JourneyEvent = { name: 'scheduled', properties: { trait: entry.trait }, timestamp: at };
            await enter({ workspaceId: row.workspace_id, journeyId: row.id, profileId: p.id, triggerKey: `schedule:${at}`, event }, at);
            n++;
          }
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
