import type { IdentityKind } from './profile.schema.js';

/** One identifier as stored: kind + normalised value. */
export interface IdentityKey {
  kind: IdentityKind;
  value: string;
}

export const identityKeyString = (k: IdentityKey): string => `${k.kind}\u0000${k.value}`;

/** Lower-cased, trimmed email; null when it does not look like one. */
export function normalizeEmail(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const v = raw.trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v) && v.length <= 320 ? v : null;
}

/** Phone as `+` and digits (spaces, dashes, dots and brackets removed); null when fewer than 6 digits. */
export function normalizePhone(raw: unknown): string | null {
  if (typeof raw !== 'string' && typeof raw !== 'number') return null;
  const s = String(raw).trim();
  const digits = s.replace(/[\s\-().]/g, '');
  if (!/^\+?\d{6,20}$/.test(digits)) return null;
  return digits;
}

/** What one incoming record says about who it is. */
export interface IdentityClaim {
  userId?: string | undefined;
  anonymousId?: string | undefined;
  email?: string | null | undefined;
  phone?: string | null | undefined;
  /** alias: the earlier id (a userId or anonymousId) that now belongs to `userId`. */
  previousId?: string | undefined;
  /** Traits to set with last-write-wins at `timestamp`. */
  traits?: Record<string, unknown> | undefined;
  timestamp: number;
  /** Counts toward event_count / last_seen (false for CSV profile rows). */
  isEvent: boolean;
}

/** The identifiers a claim links, strongest first (a userId outranks an anonymous id). */
export function claimKeys(c: IdentityClaim): IdentityKey[] {
  const keys: IdentityKey[] = [];
  if (c.userId) keys.push({ kind: 'user_id', value: c.userId });
  if (c.email) keys.push({ kind: 'email', value: c.email });
  if (c.phone) keys.push({ kind: 'phone', value: c.phone });
  if (c.anonymousId) keys.push({ kind: 'anonymous_id', value: c.anonymousId });
  return keys;
}
