import type { AcceptedEvent } from '../events/event.store.js';
import type { IngestService } from '../ingest/ingest.service.js';
import type { Clock } from '../platform/clock.js';

/**
 * Nudge's own events on a customer's profile (`message.sent`, `message.clicked`,
 * `journey.entered`, …), sent through the ordinary ingest path so they are stored, deduplicated by
 * message id and announced to ingest listeners (live segments, journeys) exactly like events from
 * an SDK.
 *
 * They name their profile (AcceptedEvent.knownProfileId): ingest stores them on it, or on the
 * profile it has since been merged into, without resolving an identity, and drops them if the
 * profile was deleted meanwhile. They are records of what Nudge did and saw, not the customer
 * using your product: the profile's "last seen" time and event count stay as the customer's own
 * events left them.
 */
export interface ProfileEventRecorder {
  /** `eventId` must be stable for one occurrence: a repeated call is stored once. */
  record(workspaceId: string, profileId: string, event: { id: string; name: string; properties: Record<string, unknown>; at: number }): Promise<void>;
  /** Many events of one workspace in one ingest call (a delivery batch's `message.sent`). */
  recordMany(workspaceId: string, events: readonly ProfileEvent[]): Promise<void>;
}

export interface ProfileEvent {
  profileId: string;
  id: string;
  name: string;
  properties: Record<string, unknown>;
  at: number;
}

export function createProfileEventRecorder(deps: { clock: Clock; ingest: IngestService }): ProfileEventRecorder {
  const { ingest } = deps;

  /** The event as ingest would accept the `track` call for it (our own shape: not validated again). */
  const trackOf = (event: ProfileEvent, receivedAt: number): AcceptedEvent => ({
    messageId: `nudge-${event.id}`,
    type: 'track',
    name: event.name,
    userId: null,
    anonymousId: null,
    knownProfileId: event.profileId,
    properties: event.properties,
    context: { library: { name: 'nudge-messaging' } },
    timestamp: event.at,
    receivedAt,
    sentAt: null,
  });

  return {
    async record(workspaceId, profileId, event) {
      await ingest.ingestAccepted(workspaceId, [trackOf({ profileId, ...event }, deps.clock.now())]);
    },

    async recordMany(workspaceId, events) {
      if (events.length === 0) return;
      const now = deps.clock.now();
      await ingest.ingestAccepted(workspaceId, events.map((e) => trackOf(e, now)));
    },
  };
}
