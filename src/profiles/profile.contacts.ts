import { readJson, type DbOrTrx } from '../db/dialect.js';
import { normalizeEmail, type IdentityKey } from './identity.js';
import { findIdentities } from './profile.repository.js';

/** What sending a message needs of a customer: addresses, traits and an identifier ingest resolves. */
export interface ProfileContact {
  id: string;
  userId: string | null;
  email: string | null;
  phone: string | null;
  traits: Record<string, unknown>;
  /** The first anonymous id linked to the profile, if any (profile events address a profile by it when it has no userId). */
  anonymousId: string | null;
}

const CHUNK = 400;
/** As `ProfileService.get`: a merge chain longer than this is treated as broken. */
const MAX_HOPS = 8;

/**
 * Resolve many profile ids or keys (userId, anonymousId, email) at once, as `ProfileService.get`
 * resolves one: a `prf_` id directly, else the first identity that matches in the order
 * user_id, anonymous_id, email; a merged profile leads to its survivor. A key that finds no live
 * profile is absent from the result. A handful of statements for a whole batch instead of a
 * profile read (seven statements) per message.
 */
export async function resolveContacts(db: DbOrTrx, workspaceId: string, idsOrKeys: readonly string[]): Promise<Map<string, ProfileContact>> {
  const unique = [...new Set(idsOrKeys)];
  const start = new Map<string, string>();
  const keys = unique.filter((k) => !k.startsWith('prf_'));
  for (const k of unique) if (k.startsWith('prf_')) start.set(k, k);
  if (keys.length > 0) {
    const claims: IdentityKey[] = [];
    for (const k of keys) {
      claims.push({ kind: 'user_id', value: k }, { kind: 'anonymous_id', value: k });
      const email = normalizeEmail(k);
      if (email) claims.push({ kind: 'email', value: email });
    }
    const found = await findIdentities(db, workspaceId, claims);
    for (const k of keys) {
      const email = normalizeEmail(k);
      const id = found.get(`user_id\u0000${k}`) ?? found.get(`anonymous_id\u0000${k}`) ?? (email ? found.get(`email\u0000${email}`) : undefined);
      if (id) start.set(k, id);
    }
  }
  // Follow merges hop by hop, one read per hop for the whole batch.
  const current = new Map(start);
  const live = new Map<string, Omit<ProfileContact, 'anonymousId'>>();
  for (let hop = 0; hop < MAX_HOPS && current.size > 0; hop++) {
    const rows = await contactRows(db, workspaceId, [...new Set(current.values())]);
    for (const [key, id] of [...current]) {
      const r = rows.get(id);
      if (!r) current.delete(key);
      else if (r.merged_into) current.set(key, r.merged_into);
      else {
        // Parsed once per profile, though several keys may lead to it.
        live.set(key, { id: r.id, userId: r.user_id, email: r.email, phone: r.phone, traits: r.parsed ??= readJson<Record<string, unknown>>(r.traits, {}) });
        current.delete(key);
      }
    }
  }
  const anonymous = await firstAnonymousIds(db, workspaceId, [...new Set([...live.values()].filter((p) => !p.userId).map((p) => p.id))]);
  const out = new Map<string, ProfileContact>();
  for (const [key, p] of live) out.set(key, { ...p, anonymousId: anonymous.get(p.id) ?? null });
  return out;
}

/** The columns a contact needs (not the trait timestamps a full profile read parses). */
async function contactRows(db: DbOrTrx, workspaceId: string, ids: readonly string[]) {
  const out = new Map<string, { id: string; user_id: string | null; email: string | null; phone: string | null; traits: unknown; merged_into: string | null; parsed?: Record<string, unknown> }>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await db.selectFrom('profiles').select(['id', 'user_id', 'email', 'phone', 'traits', 'merged_into']).where('workspace_id', '=', workspaceId).where('id', 'in', ids.slice(i, i + CHUNK)).execute();
    for (const r of rows) out.set(r.id, r);
  }
  return out;
}

/** The earliest anonymous id of each profile (as `ProfileService.get` lists identities, oldest first). */
async function firstAnonymousIds(db: DbOrTrx, workspaceId: string, profileIds: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let i = 0; i < profileIds.length; i += CHUNK) {
    const rows = await db
      .selectFrom('identities')
      .select(['profile_id', 'value', 'first_seen_at'])
      .where('workspace_id', '=', workspaceId)
      .where('kind', '=', 'anonymous_id')
      .where('profile_id', 'in', profileIds.slice(i, i + CHUNK))
      .orderBy('first_seen_at')
      .execute();
    for (const r of rows) if (!out.has(r.profile_id)) out.set(r.profile_id, r.value);
  }
  return out;
}
