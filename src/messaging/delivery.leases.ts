import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { DialectHelpers } from '../db/dialect.js';
import type { Clock } from '../platform/clock.js';
import { updateFencedManyLocked } from './message.bulk.js';

/**
 * The `sending` rows this process owns. While it lives it renews their leases, every third of
 * the lease, with one statement per (workspace, attempt) group — a batch holds hundreds of rows
 * at once — so recovery takes over only the rows of a sender that stopped.
 */
export interface Leases {
  /** Own the row (at this attempt) until `done` settles. */
  hold(workspaceId: string, id: string, attempts: number, done: Promise<unknown>): void;
  /** Every hold's `done` (close waits for them). */
  pending(): Promise<unknown>[];
  stop(): void;
}

export function createLeases(deps: { db: Kysely<Database>; dialect: DialectHelpers; clock: Clock; leaseMs: number; onError: (err: unknown) => void }): Leases {
  const held = new Map<string, { workspaceId: string; attempts: number; done: Promise<unknown> }>();
  const timer = setInterval(
    () => {
      if (held.size === 0) return;
      const until = deps.clock.now() + deps.leaseMs;
      const groups = new Map<string, { workspaceId: string; attempts: number; ids: string[] }>();
      for (const [id, h] of held) {
        const key = `${h.workspaceId}\u0000${h.attempts}`;
        const g = groups.get(key) ?? { workspaceId: h.workspaceId, attempts: h.attempts, ids: [] };
        g.ids.push(id);
        groups.set(key, g);
      }
      for (const g of groups.values()) updateFencedManyLocked(deps.db, deps.dialect, g.workspaceId, g.ids, { status: 'sending', attempts: g.attempts }, { lease_until: until }).catch(deps.onError);
    },
    Math.max(50, Math.floor(deps.leaseMs / 3)),
  );
  timer.unref();
  return {
    hold(workspaceId, id, attempts, done) {
      const entry = { workspaceId, attempts, done };
      held.set(id, entry);
      // A later hold of the same row (its next attempt) is not released by this one.
      const release = () => void (held.get(id) === entry && held.delete(id));
      done.then(release, release);
    },
    pending: () => [...held.values()].map((h) => h.done),
    stop: () => clearInterval(timer),
  };
}
