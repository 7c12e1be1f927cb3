/** A training run's fitting (recommend.fit.ts) in a worker thread, so serving and the API stay responsive while models train. */
import { parentPort, workerData } from 'node:worker_threads';
import { fitAll, type FitInput } from './recommend.fit.js';

export type FromFitWorker = { t: 'progress'; fraction: number; note: string } | { t: 'done'; models: ReturnType<typeof fitAll> } | { t: 'failed'; message: string };

const port = parentPort;
if (!port) throw new Error('recommend.fit-worker must run in a worker thread');
// Posted by runFit in recommend.fit-thread.ts as exactly a FitInput (typed arrays survive the structured clone).
const input = workerData as FitInput;
let last = 0;
try {
  const models = fitAll(input, (fraction, note) => {
    const now = Date.now();
    if (now - last < 200) return;
    last = now;
    port.postMessage({ t: 'progress', fraction, note } satisfies FromFitWorker);
  });
  port.postMessage({ t: 'done', models } satisfies FromFitWorker);
} catch (err) {
  port.postMessage({ t: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies FromFitWorker);
}
