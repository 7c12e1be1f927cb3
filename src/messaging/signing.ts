import { createHash, createHmac, createSecretKey, hkdfSync, timingSafeEqual, type KeyObject } from 'node:crypto';

/**
 * Signed tokens for links that leave Nudge in messages (click tracking, open pixel, unsubscribe).
 * Each purpose gets its own key derived from the instance key with HKDF-SHA256 (RFC 5869), so a
 * token minted for one purpose never verifies for another, and the instance key itself is never
 * used as an HMAC key directly.
 */
export type TokenPurpose = 'click' | 'open' | 'unsubscribe';

/** HMAC tags are truncated to 128 bits (NIST SP 800-107 §5.3.4 allows it): shorter links, still unforgeable. */
const TAG_BYTES = 16;

export function deriveKey(instanceKey: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', instanceKey, Buffer.alloc(0), `nudge/messaging/${purpose}`, 32));
}

export interface TokenSigner {
  /** `<payload>.<tag>`, both base64url: the fields are readable, not secret, but cannot be changed. */
  sign(purpose: TokenPurpose, fields: readonly (string | null)[]): string;
  /** The fields when the token is intact and was minted for `purpose`; null otherwise. */
  verify(purpose: TokenPurpose, token: string): (string | null)[] | null;
}

export function createTokenSigner(instanceKey: Buffer): TokenSigner {
  // Key objects, not buffers: HMAC then skips importing the key on every link of every message.
  const keys = new Map<TokenPurpose, KeyObject>();
  const key = (p: TokenPurpose): KeyObject => {
    let k = keys.get(p);
    if (!k) keys.set(p, (k = createSecretKey(deriveKey(instanceKey, p))));
    return k;
  };
  const tag = (p: TokenPurpose, payload: string) => createHmac('sha256', key(p)).update(payload).digest().subarray(0, TAG_BYTES);
  return {
    sign(purpose, fields) {
      const payload = Buffer.from(JSON.stringify(fields), 'utf8').toString('base64url');
      return `${payload}.${tag(purpose, payload).toString('base64url')}`;
    },
    verify(purpose, token) {
      const dot = token.indexOf('.');
      if (dot <= 0 || token.length > 8192) return null;
      const payload = token.slice(0, dot);
      const given = Buffer.from(token.slice(dot + 1), 'base64url');
      const expected = tag(purpose, payload);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      try {
        const parsed: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
        if (!Array.isArray(parsed) || !parsed.every((x) => x === null || typeof x === 'string')) return null;
        // Checked element by element just above.
        return parsed as (string | null)[];
      } catch {
        return null;
      }
    },
  };
}

/** Compare two secrets without leaking how much of them matched. */
export function secretsEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}
