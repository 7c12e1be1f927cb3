import type { SendResult } from './channels/channel.js';
import type { MessagePatch } from './message.repository.js';

const MAX_ERROR = 2000;

/** Provider errors are kept whole up to a bound: enough to diagnose, not a megabyte of HTML. */
export const clip = (s: string): string => (s.length > MAX_ERROR ? `${s.slice(0, MAX_ERROR)}…` : s);

/**
 * How a provider's answer changes the row: sent; a temporary failure back to `queued` with a
 * back-off while attempts remain, else `failed` (retries exhausted); a permanent failure `failed`.
 * The provider's answer is kept in every case (the dead-letter list shows it).
 */
export function resultPatch(result: SendResult, o: { attempt: number; maxAttempts: number; now: number; backoff: (attempt: number, retryAfterMs?: number) => number }): MessagePatch {
  const { now } = o;
  const response = result.response !== undefined ? JSON.stringify(result.response) : null;
  switch (result.status) {
    case 'sent':
      return { status: 'sent', provider_message_id: result.providerMessageId, provider_response: response, sent_at: now, lease_until: null, last_error: null, reason: null, updated_at: now };
    case 'temporary':
      return o.attempt < o.maxAttempts
        ? // The server refused this attempt: it has nothing, whatever the end-of-data marker said.
          { status: 'queued', next_attempt_at: now + o.backoff(o.attempt, result.retryAfterMs), lease_until: null, committed_at: null, last_error: clip(result.error), provider_response: response, updated_at: now }
        : { status: 'failed', reason: 'retries_exhausted', lease_until: null, last_error: clip(result.error), provider_response: response, updated_at: now };
    case 'permanent':
      return { status: 'failed', reason: 'permanent', lease_until: null, last_error: clip(result.error), provider_response: response, updated_at: now };
  }
}
