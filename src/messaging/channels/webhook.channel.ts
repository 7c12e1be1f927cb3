import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { systemClock, type Clock } from '../../platform/clock.js';
import { sent, type MessageChannel, type SendResult } from './channel.js';
import { httpFailure, isAnswer, request } from './http.js';

/**
 * Webhooks: the rendered JSON body is sent to the template's URL, signed so the receiver can tell
 * it came from this workspace and was not replayed.
 *
 * Signature (the scheme Stripe uses, so receivers can reuse known code):
 *   X-Nudge-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
 * The receiver recomputes v1 over the raw bytes it received, compares in constant time, and rejects
 * timestamps outside its tolerance (default 5 minutes) to stop replays. During a secret rotation
 * several v1 entries may appear; any one matching is enough.
 * X-Nudge-Idempotency-Key is the same for every retry of one message: receivers dedupe on it.
 */

export const WebhookSettings = z.object({
  /** The workspace's signing secret. */
  secret: z.string().min(16).max(512),
  timeoutMs: z.number().int().positive().max(120_000).default(10_000),
  userAgent: z.string().max(200).default('Nudge-Webhook/1.0'),
});
export type WebhookSettings = z.infer<typeof WebhookSettings>;

export interface WebhookMessage {
  url: string;
  method: 'POST' | 'PUT' | 'PATCH';
  headers: Record<string, string>;
  /** JSON text, sent as is (the signature covers these exact bytes). */
  body: string;
}

export const SIGNATURE_HEADER = 'X-Nudge-Signature';
export const IDEMPOTENCY_HEADER = 'X-Nudge-Idempotency-Key';

const hmac = (secret: string, timestamp: number, body: string): string => createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');

/** The X-Nudge-Signature value for `body` at `timestamp` (unix seconds). */
export function signWebhook(secret: string, body: string, timestamp: number): string {
  return `t=${timestamp},v1=${hmac(secret, timestamp, body)}`;
}

/**
 * Verify an X-Nudge-Signature header against the raw body: true when a v1 matches one of the
 * secrets and the timestamp is within `toleranceSeconds` of `now` (ms).
 */
export function verifyWebhookSignature(
  secret: string | readonly string[],
  header: string | null | undefined,
  body: string,
  options: { toleranceSeconds?: number; now?: number } = {},
): boolean {
  if (!header) return false;
  const parts = header.split(',').map((p) => p.trim().split('='));
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  if (!Number.isInteger(t)) return false;
  const tolerance = options.toleranceSeconds ?? 300;
  if (Math.abs((options.now ?? Date.now()) / 1000 - t) > tolerance) return false;
  const given = parts.filter(([k, v]) => k === 'v1' && v !== undefined && /^[0-9a-f]{64}$/.test(v)).map(([, v]) => Buffer.from(v ?? '', 'hex'));
  const secrets = typeof secret === 'string' ? [secret] : secret;
  return secrets.some((s) => {
    const expected = Buffer.from(hmac(s, t, body), 'hex');
    return given.some((g) => timingSafeEqual(g, expected));
  });
}

/** Headers a template may not set: they carry Nudge's own guarantees. */
const RESERVED = new Set([SIGNATURE_HEADER, IDEMPOTENCY_HEADER, 'content-type', 'content-length', 'host'].map((h) => h.toLowerCase()));

export function createWebhookChannel(settings: z.input<typeof WebhookSettings>, deps: { clock?: Clock } = {}): MessageChannel<WebhookMessage> {
  const s = WebhookSettings.parse(settings);
  const clock = deps.clock ?? systemClock;
  return {
    async send(message, { idempotencyKey, signal }): Promise<SendResult> {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(message.headers)) if (!RESERVED.has(k.toLowerCase())) headers[k] = v;
      Object.assign(headers, {
        'content-type': 'application/json',
        'user-agent': s.userAgent,
        [SIGNATURE_HEADER]: signWebhook(s.secret, message.body, Math.floor(clock.now() / 1000)),
        [IDEMPOTENCY_HEADER]: idempotencyKey,
      });
      const answer = await request(message.url, { method: message.method, headers, body: message.body }, s.timeoutMs, signal);
      if (!isAnswer(answer)) return answer;
      // A journey can branch on the receiver's JSON answer, so it travels with the result.
      if (answer.status >= 200 && answer.status < 300) return sent(answer.headers.get('x-request-id'), answer.json);
      return httpFailure(answer, `Webhook ${new URL(message.url).host}`, clock.now());
    },
  };
}
