import { startModuleWorker } from '../platform/threads.js';
import type { FromFitWorker } from './recommend.fit-worker.js';
import type { FitInput, FittedModel } from './recommend.fit.js';

/**
 * Run fitAll in a worker thread: training the six algorithms takes tens of seconds of CPU on a
 * real shop, which on the event loop would stall every request (and live segment updates) for as
 * long. The worker ends with the run.
 */
export function fitInThread(input: FitInput, progress: (fraction: number, note: string) => void): Promise<FittedModel[]> {
  return new Promise((resolve, reject) => {
    const worker = startModuleWorker(import.meta.url, 'recommend.fit-worker', { workerData: input });
    let settled = false;
    worker.on('message', (m: FromFitWorker) => {
      if (m.t === 'progress') return progress(m.fraction, m.note);
      settled = true;
      void worker.terminate();
      if (m.t === 'done') resolve(m.models);
      else reject(new Error(`training failed: ${m.message}`));
    });
    worker.on('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`the training thread stopped (exit code ${code})`));
    });
  });
}
