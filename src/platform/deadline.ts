import { setMaxListeners } from 'node:events';

/**
 * A deadline signal shared by the calls that start within a tenth of `timeoutMs` (at most a
 * second) of each other: a timeout signal (and its timer) per call costs a broadcast's sending
 * thread about 2%. Each call's deadline then falls between 90% and 100% of `timeoutMs` after it
 * starts. With `also`, the signal aborts with it too (a shutdown).
 */
export function sharedDeadline(timeoutMs: number, also?: AbortSignal): () => AbortSignal {
  let current: { signal: AbortSignal; until: number } | null = null;
  return () => {
    const t = performance.now();
    if (!current || t >= current.until) {
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = also ? AbortSignal.any([also, timeout]) : timeout;
      // Shared by design: every call of the window listens to it (Node warns of a leak past ten).
      setMaxListeners(0, signal);
      current = { signal, until: t + Math.min(1000, timeoutMs / 10) };
    }
    return current.signal;
  };
}
