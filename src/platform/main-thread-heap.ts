import v8 from 'node:v8';

/**
 * bin/node-flags.json gives the main thread a fixed 64 MB young generation (bin/nudge.js says why).
 * V8 flags also size every isolate created later, and a minimum semi-space size wins over a worker's
 * own `resourceLimits`: each worker thread (ingest, email, render) would take 128 MB of young
 * generation instead of the few MB it is given. Called once the main thread's heap is set up and
 * before any worker starts: the flags go back to V8's defaults (0), so workers get their own limits.
 */
export function youngGenerationForMainThreadOnly(): void {
  v8.setFlagsFromString('--min-semi-space-size=0');
  v8.setFlagsFromString('--max-semi-space-size=0');
}
