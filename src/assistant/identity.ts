import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Identity verification for the widget (the scheme Intercom and others call "identity
 * verification"): the write key is public, so anyone can claim any user id through the widget.
 * The shop's server signs the user id it knows — HMAC-SHA256(identity secret, userId), hex — and
 * passes it to `nudge.identify(userId, traits, { userHash })`. Only a conversation whose user id
 * carries a valid hash gets answers built from that customer's private data (their orders).
 */

/** The workspace's widget identity secret, derived from the instance key (nothing to store or rotate apart). */
export function widgetIdentitySecret(instanceKey: Buffer, workspaceId: string): string {
  return createHmac('sha256', instanceKey).update(`nudge.widget.identity:${workspaceId}`).digest('hex');
}

/** The hash the shop's server computes for a user id. */
export function userHash(secret: string, userId: string): string {
  return createHmac('sha256', secret).update(userId, 'utf8').digest('hex');
}

/** Whether `presented` is the hash of `userId` under `secret` (constant time). */
export function verifyUserHash(secret: string, userId: string, presented: string | null | undefined): boolean {
  if (!presented || !/^[0-9a-f]{64}$/i.test(presented)) return false;
  const a = Buffer.from(userHash(secret, userId), 'hex');
  const b = Buffer.from(presented, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
