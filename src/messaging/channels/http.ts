import { permanent, temporary, type SendResult } from './channel.js';

/** An HTTP answer, read up to a bound: a misbehaving endpoint cannot make us buffer gigabytes. */
export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON, when it is JSON. */
  json: unknown;
}

const MAX_ANSWER_BYTES = 256 * 1024;

/**
 * One HTTP request with a deadline covering connect, headers and body. Redirects are not followed:
 * a provider URL that moved is a configuration problem, and following one would turn a POST into
 * a GET (RFC 9110 §15.4). Resolves with the answer, or with a temporary result for a timeout, an
 * abort or a network failure.
 */
export async function request(
  url: string,
  init: { method: string; headers: Record<string, string>; body: string },
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<HttpAnswer | SendResult> {
  const deadline = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([signal, deadline]) : deadline;
  try {
    const res = await fetch(url, { ...init, redirect: 'manual', signal: combined });
    const text = await readBounded(res);
    return { status: res.status, headers: res.headers, text, json: parseJson(text) };
  } catch (err) {
    if (deadline.aborted) return temporary(`No answer from ${new URL(url).host} within ${timeoutMs} ms`);
    if (signal?.aborted) return temporary('Send aborted');
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return temporary(`Request to ${new URL(url).host} failed (${err instanceof Error ? err.message : String(err)}${cause})`);
  }
}

async function readBounded(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size >= MAX_ANSWER_BYTES) {
      await reader.cancel();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES).toString('utf8');
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const isAnswer = (r: HttpAnswer | SendResult): r is HttpAnswer => 'headers' in r;

/** Retry-After as milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(headers: Headers, now: number): number | undefined {
  const v = headers.get('retry-after');
  if (!v) return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The shared HTTP verdict: 2xx is the caller's success; 408, 425, 429 and 5xx are worth retrying
 * (the server is busy or broken, the request may be fine); 3xx and other 4xx will fail the same way
 * again.
 */
export function httpFailure(answer: HttpAnswer, what: string, now: number): SendResult {
  const detail = answer.text.length > 500 ? `${answer.text.slice(0, 500)}…` : answer.text;
  const response = answer.json ?? (detail || undefined);
  const error = `${what} answered HTTP ${answer.status}${detail ? `: ${detail}` : ''}`;
  if (answer.status === 408 || answer.status === 425 || answer.status === 429 || answer.status >= 500) return temporary(error, response, retryAfterMs(answer.headers, now));
  if (answer.status >= 300 && answer.status < 400) return permanent(`${error} (redirect to ${answer.headers.get('location') ?? '?'} not followed; update the URL)`, response);
  return permanent(error, response);
}
