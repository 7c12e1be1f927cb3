import type { Transaction } from 'kysely';
import type { Database } from '../db/database.js';
import type { DialectHelpers } from '../db/dialect.js';
import type { EventStore } from '../events/event.store.js';
import { newId } from '../platform/ids.js';
import { claimKeys, identityKeyString, normalizeEmail, normalizePhone, type IdentityClaim, type IdentityKey } from './identity.js';
import { reassignOrders } from './order.repository.js';
import {
  findIdentities,
  insertIdentities,
  loadProfiles,
  moveIdentities,
  recordMerge,
  saveProfiles,
  type ProfileState,
} from './profile.repository.js';

export interface ResolverDeps {
  dialect: DialectHelpers;
  eventStore: EventStore;
  now: number;
}

interface PendingMerge {
  from: string;
  into: string;
  reason: string;
}

/**
 * Resolve a batch of identity claims to profiles inside the caller's transaction: find or create
 * each claim's profile, merge profiles that the claim proves to be one person, apply traits with
 * last-write-wins by timestamp, and persist. Returns the live profile id of each claim, in order.
 *
 * Merge rule (deterministic): two profiles with different userIds are never merged (a shared
 * device); otherwise the survivor is the one holding a userId, else the one first seen earliest,
 * ties broken by the smaller id.
 */
export async function resolveClaims(db: Transaction<Database>, deps: ResolverDeps, workspaceId: string, claims: readonly IdentityClaim[]): Promise<string[]> {
  const { dialect, now } = deps;
  const allKeys: IdentityKey[] = [];
  for (const c of claims) {
    allKeys.push(...claimKeys(c));
    if (c.previousId) allKeys.push({ kind: 'user_id', value: c.previousId }, { kind: 'anonymous_id', value: c.previousId });
  }
  await dialect.lockKeys(db, allKeys.map((k) => `${workspaceId}\u0000${identityKeyString(k)}`), `${workspaceId}\u0000identity`);
  const idMap = await findIdentities(db, workspaceId, allKeys);
  const profiles = await loadProfiles(db, workspaceId, [...idMap.values()]);
  // A tombstone found through a stale identity leads to its survivor (one hop: merges re-point older tombstones).
  const survivors = [...profiles.values()].filter((p) => p.mergedInto && !profiles.has(p.mergedInto)).map((p) => p.mergedInto ?? '');
  if (survivors.length) for (const [id, p] of await loadProfiles(db, workspaceId, survivors)) profiles.set(id, p);

  const live = (id: string): ProfileState => {
    let p = profiles.get(id);
    for (let hops = 0; p?.mergedInto && hops < 64; hops++) p = profiles.get(p.mergedInto);
    if (!p) throw new Error(`profile ${id} missing from batch state`);
    return p;
  };
  const lookup = (k: IdentityKey): ProfileState | null => {
    const id = idMap.get(identityKeyString(k));
    return id ? live(id) : null;
  };

  const newIdentities = new Map<string, { key: IdentityKey; profileId: string; at: number }>();
  const merges: PendingMerge[] = [];
  const result: string[] = [];

  const merge = (a: ProfileState, b: ProfileState, reason: string): ProfileState => {
    const [into, from] = chooseSurvivor(a, b);
    from.mergedInto = into.id;
    from.dirty = true;
    into.dirty = true;
    for (const [k, t] of Object.entries(from.traitTimes)) {
      if ((into.traitTimes[k] ?? -Infinity) < t) {
        into.traits[k] = from.traits[k];
        into.traitTimes[k] = t;
      }
    }
    into.userId ??= from.userId;
    into.email ??= from.email;
    into.phone ??= from.phone;
    into.firstSeenAt = Math.min(into.firstSeenAt, from.firstSeenAt);
    into.lastSeenAt = Math.max(into.lastSeenAt, from.lastSeenAt);
    into.eventDelta += from.eventDelta + from.baseEventCount;
    from.eventDelta = -from.baseEventCount;
    for (const [k, id] of idMap) if (id === from.id) idMap.set(k, into.id);
    for (const v of newIdentities.values()) if (v.profileId === from.id) v.profileId = into.id;
    if (!from.isNew) merges.push({ from: from.id, into: into.id, reason });
    return into;
  };

  for (const claim of claims) {
    const keys = claimKeys(claim);
    let target: ProfileState | null = claim.userId ? lookup({ kind: 'user_id', value: claim.userId }) : null;
    const others: ProfileState[] = [];
    for (const k of keys) {
      const p = lookup(k);
      // A profile that belongs to another known person is not this claim's (shared device).
      if (p && claim.userId && p.userId && p.userId !== claim.userId) continue;
      if (p && p !== target && !others.includes(p)) others.push(p);
    }
    if (claim.previousId) {
      for (const k of [{ kind: 'user_id', value: claim.previousId }, { kind: 'anonymous_id', value: claim.previousId }] as const) {
        const p = lookup(k);
        if (p && p !== target && !others.includes(p)) others.push(p);
      }
    }
    if (!target) target = others.shift() ?? null;
    if (!target) {
      target = {
        id: newId('prf', now),
        userId: null,
        email: null,
        phone: null,
        traits: {},
        traitTimes: {},
        firstSeenAt: claim.timestamp,
        lastSeenAt: claim.timestamp,
        eventDelta: 0,
        baseEventCount: 0,
        createdAt: now,
        mergedInto: null,
        isNew: true,
        dirty: true,
      };
      profiles.set(target.id, target);
    }
    for (const other of others) {
      const current: ProfileState = live(target.id);
      const o = live(other.id);
      if (o === current) continue;
      if (o.userId && current.userId && o.userId !== current.userId) continue; // two known people: never merge
      target = merge(current, o, claim.previousId ? 'alias' : 'identify');
    }
    const p = live(target.id);

    for (const k of keys) {
      const ks = identityKeyString(k);
      const owner = idMap.get(ks);
      if (owner && live(owner) !== p) continue; // belongs to another known person
      if (!owner) {
        idMap.set(ks, p.id);
        newIdentities.set(ks, { key: k, profileId: p.id, at: claim.timestamp });
      }
    }
    applyClaim(p, claim);
    result.push(p.id);
  }

  // Persist: merges first (they move rows of existing profiles), then profiles and identities.
  for (const m of merges) {
    await moveIdentities(db, workspaceId, m.from, m.into);
    await deps.eventStore.reassignProfile(db, workspaceId, m.from, m.into);
    await reassignOrders(db, workspaceId, m.from, m.into);
    await recordMerge(db, { id: newId('mrg', now), workspaceId, from: m.from, into: m.into, reason: m.reason, at: now });
  }
  const toSave = [...profiles.values()].filter((p) => !(p.isNew && p.mergedInto));
  await saveProfiles(db, dialect, workspaceId, toSave, now);
  const identityRows = [...newIdentities.values()].map((v) => ({ ...v, profileId: live(v.profileId).id }));
  await insertIdentities(db, workspaceId, identityRows);
  return result.map((id) => live(id).id);
}

function chooseSurvivor(a: ProfileState, b: ProfileState): [ProfileState, ProfileState] {
  if (a.userId && !b.userId) return [a, b];
  if (b.userId && !a.userId) return [b, a];
  if (a.firstSeenAt !== b.firstSeenAt) return a.firstSeenAt < b.firstSeenAt ? [a, b] : [b, a];
  return a.id < b.id ? [a, b] : [b, a];
}

function applyClaim(p: ProfileState, claim: IdentityClaim): void {
  const ts = claim.timestamp;
  if (claim.traits) {
    for (const [k, v] of Object.entries(claim.traits)) {
      if ((p.traitTimes[k] ?? -Infinity) <= ts) {
        p.traits[k] = v;
        p.traitTimes[k] = ts;
      }
    }
  }
  if (claim.userId && !p.userId) p.userId = claim.userId;
  const traitEmail = normalizeEmail(p.traits.email);
  const traitPhone = normalizePhone(p.traits.phone);
  p.email = traitEmail ?? p.email ?? claim.email ?? null;
  p.phone = traitPhone ?? p.phone ?? claim.phone ?? null;
  if (claim.isEvent) {
    p.eventDelta += 1;
    p.lastSeenAt = Math.max(p.lastSeenAt, ts);
    p.firstSeenAt = Math.min(p.firstSeenAt, ts);
  }
  p.dirty = true;
}
