import { UserError } from '../platform/errors.js';

/** Rules every queue engine shares, so a job is tried, retried and reported alike whichever engine runs it. */

export const DEFAULT_MAX_ATTEMPTS = 3;
export const DEFAULT_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 6 * 3_600_000;
const MAX_ERROR_CHARS = 2000;

/** Delay before the retry that follows failed try number `failedAttempt` (1-based): doubling from backoffMs, capped at 6 h. */
export function retryDelay(backoffMs: number, failedAttempt: number): number {
  return Math.min(MAX_BACKOFF_MS, backoffMs * 2 ** (failedAttempt - 1));
}

/** A failure as the job records it: a UserError keeps its stable code; long messages are cut. */
export function errorText(err: unknown): string {
  const text = err instanceof UserError ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : String(err);
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)}…` : text;
}

export function positiveInt(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}
