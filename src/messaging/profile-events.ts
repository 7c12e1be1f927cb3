import type { Kysely } from 'kysely';
import { LRUCache } from 'lru-cache';
import type { Database } from '../db/database.js';
import { withTransaction } from '../db/transaction.js';
import type { AcceptedEvent } from '../events/event.store.js';
import type { IngestService } from '../ingest/ingest.service.js';
import type { Clock } from '../platform/clock.js';
import type { ProfileService } from '../profiles/profile.service.js';

/**
 * Internal events on a customer's profile (`message.delivered`, `message.clicked`, …), sent
 * through the ordinary ingest path so they are stored, deduplicated by message id and announced
 * to ingest listeners (live segments, journeys) exactly like events from an SDK.
 *
 * Ingest resolves events by userId or anonymousId, not by profile id, so the recorder addresses a
 * profile by an identifier it already has: its userId, else one of its anonymous ids. A profile
 * known only by email or phone (a CSV import) first gets the anonymous id `nudge:<profile id>`
 * through identity resolution, which attaches it to that same profile.
 */
export interface ProfileEventRecorder {
  /** `eventId` must be stable for one occurrence: a repeated call is stored once. */
  record(workspaceId: string, profileId: string, event: { id: string; name: string; properties: Record<string, unknown>; at: number }): Promise<void>;
  /** Many events of one workspace in one ingest call (a delivery batch's `message.sent`). */
  recordMany(workspaceId: string, events: readonly ProfileEvent[]): Promise<void>;
  /** Identifiers of profiles the caller has just read (a delivery batch), so recording their events reads nothing. */
  know(workspaceId: string, profiles: readonly { id: string; userId: string | null; anonymousId: string | null }[]): void;
}

export interface ProfileEvent {
  profileId: string;
  id: string;
  name: string;
  properties: Record<string, unknown>;
  at: number;
}

type Identity = { userId: string } | { anonymousId: string };

const CACHE = 10_000;

export function createProfileEventRecorder(deps: { db: Kysely<Database>; clock: Clock; profiles: ProfileService; ingest: IngestService }): ProfileEventRecorder {
  const { profiles, ingest } = deps;
  // Not a Map with delete-the-first-key eviction: V8 leaves a deleted key's slot in place until it
  // rehashes, so finding the first live key walks past every earlier eviction (6 µs a profile here).
  const identities = new LRUCache<string, Identity>({ max: CACHE });

  /** identityOf for many profiles: one contacts read, and one identity transaction for the profiles that need an anonymous id. */
  async function identitiesOf(workspaceId: string, profileIds: readonly string[]): Promise<Map<string, Identity>> {
    const out = new Map<string, Identity>();
    const missing: string[] = [];
    for (const id of new Set(profileIds)) {
      const hit = identities.get(`${workspaceId}\u0000${id}`);
      if (hit) out.set(id, hit);
      else missing.push(id);
    }
    if (missing.length === 0) return out;
    const contacts = await profiles.contacts(workspaceId, missing);
    const claims: { profileId: string; anonymousId: string; email: string | null; phone: string | null }[] = [];
    for (const id of missing) {
      const p = contacts.get(id);
      if (!p) continue;
      const found: Identity | null = p.userId ? { userId: p.userId } : p.anonymousId ? { anonymousId: p.anonymousId } : null;
      if (found) {
        out.set(id, found);
        identities.set(`${workspaceId}\u0000${id}`, found);
      } else claims.push({ profileId: id, anonymousId: `nudge:${p.id}`, email: p.email, phone: p.phone });
    }
    if (claims.length > 0) {
      const now = deps.clock.now();
      await withTransaction(deps.db, (trx) => profiles.applyClaims(trx, workspaceId, claims.map((c) => ({ anonymousId: c.anonymousId, email: c.email, phone: c.phone, timestamp: now, isEvent: false }))));
      for (const c of claims) {
        out.set(c.profileId, { anonymousId: c.anonymousId });
        identities.set(`${workspaceId}\u0000${c.profileId}`, { anonymousId: c.anonymousId });
      }
    }
    return out;
  }

  /** The event as ingest would accept the `track` call for it (our own shape: not validated again). */
  const trackOf = (who: Identity, event: { id: string; name: string; properties: Record<string, unknown>; at: number }, receivedAt: number): AcceptedEvent => ({
    messageId: `nudge-${event.id}`,
    type: 'track',
    name: event.name,
    userId: 'userId' in who ? who.userId : null,
    anonymousId: 'anonymousId' in who ? who.anonymousId : null,
    properties: event.properties,
    context: { library: { name: 'nudge-messaging' } },
    timestamp: event.at,
    receivedAt,
    sentAt: null,
  });

  async function identityOf(workspaceId: string, profileId: string): Promise<Identity> {
    const key = `${workspaceId}\u0000${profileId}`;
    const hit = identities.get(key);
    if (hit) return hit;
    const p = await profiles.get(workspaceId, profileId, 0);
    let found: Identity | null = p.userId ? { userId: p.userId } : null;
    const anon = p.identities.find((i) => i.kind === 'anonymous_id');
    if (!found && anon) found = { anonymousId: anon.value };
    if (!found) {
      const anonymousId = `nudge:${p.id}`;
      // An email or phone claim finds this profile; the new anonymous id is linked to it (no event counted).
      await withTransaction(deps.db, (trx) => profiles.applyClaims(trx, workspaceId, [{ anonymousId, email: p.email, phone: p.phone, timestamp: deps.clock.now(), isEvent: false }]));
      found = { anonymousId };
    }
    identities.set(key, found);
    return found;
  }

  return {
    async record(workspaceId, profileId, event) {
      const who = await identityOf(workspaceId, profileId);
      await ingest.ingestAccepted(workspaceId, [trackOf(who, event, deps.clock.now())]);
    },

    know(workspaceId, list) {
      for (const p of list) {
        const found: Identity | null = p.userId ? { userId: p.userId } : p.anonymousId ? { anonymousId: p.anonymousId } : null;
        if (found) identities.set(`${workspaceId}\u0000${p.id}`, found);
      }
    },

    async recordMany(workspaceId, events) {
      if (events.length === 0) return;
      const who = await identitiesOf(workspaceId, events.map((e) => e.profileId));
      const tracks: AcceptedEvent[] = [];
      const now = deps.clock.now();
      for (const e of events) {
        const w = who.get(e.profileId);
        // A profile deleted meanwhile (GDPR) gets no event, as `record` would fail for it alone.
        if (w) tracks.push(trackOf(w, e, now));
      }
      if (tracks.length > 0) await ingest.ingestAccepted(workspaceId, tracks);
    },
  };
}
