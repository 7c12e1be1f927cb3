import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { withTransaction } from '../db/transaction.js';
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
}

type Identity = { userId: string } | { anonymousId: string };

const CACHE = 10_000;

export function createProfileEventRecorder(deps: { db: Kysely<Database>; clock: Clock; profiles: ProfileService; ingest: IngestService }): ProfileEventRecorder {
  const { profiles, ingest } = deps;
  const identities = new Map<string, Identity>();

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
    if (identities.size >= CACHE) identities.delete(identities.keys().next().value ?? key);
    identities.set(key, found);
    return found;
  }

  return {
    async record(workspaceId, profileId, event) {
      const who = await identityOf(workspaceId, profileId);
      await ingest.ingest(workspaceId, [
        {
          type: 'track',
          ...who,
          event: event.name,
          messageId: `nudge-${event.id}`,
          properties: event.properties,
          timestamp: new Date(event.at).toISOString(),
          context: { library: { name: 'nudge-messaging' } },
        },
      ]);
    },
  };
}
