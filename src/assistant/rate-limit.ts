import type { Clock } from '../platform/clock.js';
import { UserError } from '../platform/errors.js';
import { say, type Bilingual } from '../platform/language.js';

/**
 * A sliding-window limiter kept in this process's memory: each key may act `limit` times per
 * `windowMs`. Good for the embedded shape and per-instance limits behind a load balancer; a
 * shared limit across API processes would move this to the queue's Redis.
 */
export interface RateLimiter {
  /** Count one hit for `key`, or throw a 429 UserError with `code` when the key is over its limit; `what` names the action counted ("messages" / "发送消息"). */
  hit(key: string, code: string, what: Bilingual): void;
}

export function createRateLimiter(clock: Clock, limit: number, windowMs: number): RateLimiter {
  const hits = new Map<string, number[]>();
  let sweepAt = 0;
  return {
    hit(key, code, what) {
      const now = clock.now();
      if (now >= sweepAt) {
        // Forget idle keys now and then, so the map does not grow with every visitor ever seen.
        for (const [k, times] of hits) if ((times[times.length - 1] ?? 0) <= now - windowMs) hits.delete(k);
        sweepAt = now + windowMs;
      }
      const times = (hits.get(key) ?? []).filter((t) => t > now - windowMs);
      if (times.length >= limit) {
        const retryMs = Math.max(1, (times[0] ?? now) + windowMs - now);
        hits.set(key, times);
        throw new UserError(code, say(`Too many ${what.en}: at most ${limit} per ${Math.round(windowMs / 1000)} seconds. Try again in ${Math.ceil(retryMs / 1000)} s.`, `${what.zh}过于频繁：每 ${Math.round(windowMs / 1000)} 秒最多 ${limit} 次，请 ${Math.ceil(retryMs / 1000)} 秒后再试。`), { status: 429, details: { retryAfterSeconds: Math.ceil(retryMs / 1000) } });
      }
      times.push(now);
      hits.set(key, times);
    },
  };
}
