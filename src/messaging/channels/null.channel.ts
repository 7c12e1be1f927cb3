import { sent, temporary, type MessageChannel, type SendOptions, type SendResult } from './channel.js';

/**
 * Accepts every message at once and only counts: for benchmarks of the engine's own overhead, and
 * for tests that need a channel whose answers they script (`outcome`).
 */
export class NullChannel<M = unknown> implements MessageChannel<M> {
  /** Messages accepted (status sent). */
  sent = 0;
  /** Calls to send, whatever their result. */
  attempts = 0;
  lastIdempotencyKey: string | null = null;

  constructor(private readonly outcome?: (message: M, opts: SendOptions) => SendResult | Promise<SendResult>) {}

  async send(message: M, opts: SendOptions): Promise<SendResult> {
    this.attempts++;
    if (opts.signal?.aborted) return temporary('Send aborted');
    this.lastIdempotencyKey = opts.idempotencyKey;
    const result = this.outcome ? await this.outcome(message, opts) : sent(`null-${this.sent + 1}`);
    if (result.status === 'sent') this.sent++;
    return result;
  }
}
