/**
 * A channel delivers one rendered message to a provider (an SMTP server, an SMS API, a webhook).
 * Every provider behaviour — acceptance, rejection, a timeout, a dropped connection — comes back as
 * a SendResult; `send` throws only for programming errors. The caller (delivery) records the
 * result: `temporary` is retried with back-off, `permanent` is final.
 */

export type SendResult =
  | {
      status: 'sent';
      /** The provider's id for the message (SMTP queue answer, Twilio SID), when it gives one. */
      providerMessageId: string | null;
      response?: unknown;
    }
  | {
      status: 'temporary';
      error: string;
      response?: unknown;
      /** The provider asked to wait this long (HTTP Retry-After, RFC 9110 §10.2.3). */
      retryAfterMs?: number;
    }
  | { status: 'permanent'; error: string; response?: unknown };

export interface SendOptions {
  /**
   * Stable for one logical message across retries and crashes (DESIGN: "a send has an idempotency
   * key"). Channels pass it to the provider so a repeated send can be recognised.
   */
  idempotencyKey: string;
  /** Aborts the attempt (shutdown); the result is then `temporary`. */
  signal?: AbortSignal;
  /**
   * Called once, just before the channel does the irrevocable part (SMTP: after the whole message
   * is written and before the end-of-data dot that makes the server accept it), so the caller can
   * durably record that point. If it throws, the send is abandoned as `temporary` and nothing is
   * delivered. A channel with no such point may leave it uncalled.
   */
  beforeCommit?: () => Promise<void>;
}

export interface MessageChannel<M> {
  send(message: M, opts: SendOptions): Promise<SendResult>;
}

export const sent = (providerMessageId: string | null, response?: unknown): SendResult => ({ status: 'sent', providerMessageId, ...(response === undefined ? {} : { response }) });
export const temporary = (error: string, response?: unknown, retryAfterMs?: number): SendResult => ({
  status: 'temporary',
  error,
  ...(response === undefined ? {} : { response }),
  ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
});
export const permanent = (error: string, response?: unknown): SendResult => ({ status: 'permanent', error, ...(response === undefined ? {} : { response }) });

/** The provider id a message answered in sandbox delivery carries (channel.factory.ts): no provider saw it. */
export const sandboxProviderId = (messageId: string): string => `sandbox-${messageId}`;
/** What a sandboxed workspace's message gets instead of a provider call: accepted, nothing sent. */
export const sandboxed = (messageId: string): SendResult => sent(sandboxProviderId(messageId), { sandbox: true });
