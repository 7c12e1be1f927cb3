/**
 * Worker side of ./parallel.ts: runs its share of a GEMM on matrices in shared memory and
 * signals completion through the job's shared counter (Atomics), so the main thread can wait
 * synchronously.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { gemm, type GemmOptions, type Matrix } from './dense.js';

export interface GemmJob {
  readonly a: Matrix;
  readonly b: Matrix;
  readonly c: Matrix;
  readonly options: GemmOptions;
  /** [finished count, failed count] shared with the main thread. */
  readonly done: Int32Array;
}

const port = parentPort;
if (!port) throw new Error('parallel.worker.ts must run as a worker thread');
// Safe: parallel.ts always starts this worker with an Int32Array over shared memory.
const ready = workerData as Int32Array;
port.on('message', (job: GemmJob) => {
  try {
    gemm(job.a, job.b, job.c, job.options);
  } catch {
    Atomics.add(job.done, 1, 1);
  }
  Atomics.add(job.done, 0, 1);
  Atomics.notify(job.done, 0);
});
Atomics.store(ready, 0, 1);
Atomics.notify(ready, 0);
