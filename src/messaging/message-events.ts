import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { Clock } from '../platform/clock.js';
import { assertUnreachable } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import { insertMessageEvent, type MessageRow } from './message.repository.js';
import type { ProfileEventRecorder } from './profile-events.js';
import { pushTo } from '../platform/collections.js';

/** What happened to a sent message, as recorded in `message_events`. */
export type MessageEventKind = 'delivered' | 'open' | 'click' | 'bounce' | 'complaint' | 'unsubscribe';

/** The profile event each kind becomes (what segments and journeys match on). */
export function profileEventName(kind: MessageEventKind | 'sent'): string {
  switch (kind) {
    case 'sent':
      return 'message.sent';
    case 'delivered':
      return 'message.delivered';
    case 'open':
      return 'message.opened';
    case 'click':
      return 'message.clicked';
    case 'bounce':
      return 'message.bounced';
    case 'complaint':
      return 'message.complained';
    case 'unsubscribe':
      return 'message.unsubscribed';
    default:
      return assertUnreachable(kind);
  }
}

/** The properties every message event carries on the profile: which message, from where. */
export function messageProperties(m: MessageRow): Record<string, unknown> {
  return {
    messageId: m.id,
    channel: m.channel,
    templateId: m.template_id,
    templateVersion: m.template_version,
    kind: m.kind,
    source: m.source_kind,
    sourceId: m.source_id,
    ...(m.source_kind === 'journey' ? { journeyId: m.source_id } : {}),
    ...(m.source_kind === 'broadcast' ? { broadcastId: m.source_id } : {}),
    ...(m.source_node_id ? { nodeId: m.source_node_id } : {}),
    ...(m.source_entry_id ? { entryId: m.source_entry_id } : {}),
    ...(m.subscription_group_id ? { subscriptionGroupId: m.subscription_group_id } : {}),
  };
}

export interface MessageEventRecorder {
  /**
   * Record an event of a message: a `message_events` row, then the profile event. A repeated
   * `dedupeKey` (a provider re-sending its notification) records nothing. Returns whether it was new.
   */
  record(message: MessageRow, kind: MessageEventKind, data: Record<string, unknown>, options?: { dedupeKey?: string; at?: number }): Promise<boolean>;
  /** The `message.sent` profile event after a provider accepted the message (once per message). */
  sent(message: MessageRow): Promise<void>;
  /** `sent` for many messages: one ingest call per workspace (a delivery batch). */
  sentMany(messages: readonly MessageRow[]): Promise<void>;
}

export function createMessageEventRecorder(deps: { db: Kysely<Database>; clock: Clock; profileEvents: ProfileEventRecorder; onError: (err: unknown) => void }): MessageEventRecorder {
  const { db, clock, profileEvents } = deps;

  /** The profile event is best-effort after the row is committed: its failure is reported, never turned into a failed send. */
  async function onProfile(m: MessageRow, id: string, name: string, data: Record<string, unknown>, at: number): Promise<void> {
    if (!m.profile_id) return;
    try {
      await profileEvents.record(m.workspace_id, m.profile_id, { id, name, properties: { ...messageProperties(m), ...data }, at });
    } catch (err) {
      deps.onError(err);
    }
  }

  return {
    async record(m, kind, data, options = {}) {
      const at = options.at ?? clock.now();
      const id = newId('mev', at);
      const fresh = await insertMessageEvent(db, {
        workspace_id: m.workspace_id,
        id,
        message_id: m.id,
        profile_id: m.profile_id,
        kind,
        data: JSON.stringify(data),
        dedupe_key: options.dedupeKey ?? null,
        at,
      });
      if (fresh) await onProfile(m, id, profileEventName(kind), data, at);
      return fresh;
    },

    async sent(m) {
      // The message id makes the event id: a recovery that records "sent" again stores it once.
      await onProfile(m, `${m.id}-sent`, profileEventName('sent'), { locale: m.locale }, m.sent_at ?? clock.now());
    },

    async sentMany(messages) {
      const byWorkspace = new Map<string, MessageRow[]>();
      for (const m of messages) {
        if (!m.profile_id) continue;
        pushTo(byWorkspace, m.workspace_id, m);
      }
      for (const [workspaceId, list] of byWorkspace) {
        try {
          await profileEvents.recordMany(
            workspaceId,
            // Same ids, names and properties as `sent`, so either path records an event once.
            list.map((m) => ({ profileId: m.profile_id ?? '', id: `${m.id}-sent`, name: profileEventName('sent'), properties: { ...messageProperties(m), locale: m.locale }, at: m.sent_at ?? clock.now() })),
          );
        } catch (err) {
          deps.onError(err);
        }
      }
    },
  };
}
