import { z } from 'zod';
import { BilingualError } from '../platform/errors.js';
import type { Bilingual, Language } from '../platform/language.js';

/** Rules every queue engine shares, so a job is tried, retried and reported alike whichever engine runs it. */

export const DEFAULT_MAX_ATTEMPTS = 3;
export const DEFAULT_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 6 * 3_600_000;
const MAX_ERROR_CHARS = 2000;

/** Delay before the retry that follows failed try number `failedAttempt` (1-based): doubling from backoffMs, capped at 6 h. */
export function retryDelay(backoffMs: number, failedAttempt: number): number {
  return Math.min(MAX_BACKOFF_MS, backoffMs * 2 ** (failedAttempt - 1));
}

const cut = (text: string): string => (text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)}…` : text);

/** A job's last failure: its stable code when it has one, and its words in both languages. */
export interface JobFailure {
  code: string | null;
  message: Bilingual;
}

/** What a thrown value says as a job failure. Errors written for people (BilingualError: UserError, OperationalError) bring their code and Chinese; anything else is a developer's message, the same in both. */
export function failureOf(err: unknown): JobFailure {
  if (err instanceof BilingualError) return { code: err.code, message: { en: err.message, zh: err.zh } };
  const text = err instanceof Error ? err.message : String(err);
  return { code: null, message: { en: text, zh: text } };
}

/**
 * A failure as the engines store it (a jobs row's `error`, BullMQ's failedReason): JSON
 * `{"code", "en", "zh"}` when it has a code, else the bare message. Long messages are cut.
 */
export function storedFailure(f: JobFailure): string {
  if (f.code === null && f.message.en === f.message.zh) return cut(f.message.en);
  return JSON.stringify({ code: f.code, en: cut(f.message.en), zh: cut(f.message.zh) });
}

/** errorText for a thrown value: storedFailure(failureOf(err)). */
export const errorText = (err: unknown): string => storedFailure(failureOf(err));

/** storedFailure's JSON shape, checked as it is read back (STYLE §7). */
const StoredFailure = z.object({ code: z.string().nullable(), en: z.string(), zh: z.string() });

/** A stored failure read back (a bare message, from storedFailure or a row written before codes were kept, is the same in both languages). */
export function readFailure(stored: string): JobFailure {
  if (stored.startsWith('{')) {
    try {
      const v = StoredFailure.safeParse(JSON.parse(stored));
      if (v.success) return { code: v.data.code, message: { en: v.data.en, zh: v.data.zh } };
    } catch {
      // Not JSON: a message that happens to start with a brace.
    }
  }
  return { code: null, message: { en: stored, zh: stored } };
}

/** The JobInfo fields of a stored failure, in `language`. */
export function failureFields(stored: string | null, language: Language): { error: string | null; errorCode: string | null } {
  if (stored === null) return { error: null, errorCode: null };
  const f = readFailure(stored);
  return { error: f.message[language], errorCode: f.code };
}

/** A failure that happened after an earlier one: the earlier's words follow in each language, and the new code stands. */
export function afterEarlier(f: JobFailure, earlier: string | null): JobFailure {
  if (earlier === null) return f;
  const e = readFailure(earlier).message;
  return { code: f.code, message: { en: `${f.message.en}; before that: ${e.en}`, zh: `${f.message.zh}；此前：${e.zh}` } };
}

export function positiveInt(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}
