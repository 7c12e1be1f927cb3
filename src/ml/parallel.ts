/**
 * A GEMM split over worker threads, for the O(n³) products of ../ml/dense.solve.ts's
 * invertSpd (EASE's inverse). Rows of C are divided between the calling thread and the
 * workers; the matrices live in SharedArrayBuffers so nothing is copied, and the caller waits
 * synchronously (Atomics.wait) so the GEMM keeps gemm's synchronous contract.
 *
 * Opt-in: nothing uses a pool unless its caller passes `pool.gemm` and `pool.allocate` (e.g.
 * to trainEase). On the shared 2-core machine it was written on no speed-up could be measured
 * (other work kept both cores busy), so it is not the default; measure on the target machine
 * before turning it on. Workers start on first use (or `ready()`), are unref'd so they never
 * keep the process alive, and stop on `close()`. Until they have started, and for products too
 * small to be worth a hand-off, the GEMM runs on the calling thread.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { gemm, matrix, view, type GemmOptions, type Matrix } from './dense.js';
import type { GemmFn } from './dense.solve.js';
import type { GemmJob } from './parallel.worker.js';

export interface PoolOptions {
  /** Threads including the caller's (default: available parallelism, at most 4). */
  readonly threads?: number;
  /** Products with fewer multiply–adds (m·n·k) than this run on the calling thread (default 2²¹ ≈ 2M, ~1 ms). */
  readonly minWork?: number;
}

export interface GemmPool {
  readonly threads: number;
  /** gemm's contract, split over the pool when every matrix is in shared memory and the product is large enough. */
  readonly gemm: GemmFn;
  /** A zeroed rows × cols Float64 matrix in shared memory (what `gemm` can split). */
  allocate(rows: number, cols: number): Matrix;
  /** Resolves once every worker has started; rejects with the error of one that could not. */
  ready(): Promise<void>;
  /** Stop the workers; later calls run on the calling thread. */
  close(): Promise<void>;
}

interface Slot {
  readonly worker: Worker;
  /** 0 starting, 1 running, 2 failed or exited. */
  readonly started: Int32Array;
  error?: Error;
}

/**
 * Start the worker module. Under tsx (Nudge runs its TypeScript sources directly) a worker
 * thread does not inherit the main thread's loader hooks, so a small bootstrap registers tsx
 * in the worker before importing the .ts module; compiled .js loads directly.
 */
function startWorker(started: Int32Array): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./parallel.worker.js', import.meta.url), { workerData: started });
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./parallel.worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true, workerData: started });
}

/** A pool of GEMM worker threads, started lazily. */
export function createGemmPool(options: PoolOptions = {}): GemmPool {
  const threads = options.threads ?? Math.min(4, os.availableParallelism());
  const minWork = options.minWork ?? 2 ** 21;
  if (!(Number.isInteger(threads) && threads >= 1)) throw new RangeError(`createGemmPool: threads must be a positive integer, got ${threads}`);
  let slots: Slot[] | undefined;
  let closed = false;
  const done = new Int32Array(new SharedArrayBuffer(8));

  const start = (): Slot[] => {
    if (slots) return slots;
    slots = Array.from({ length: threads - 1 }, () => {
      const started = new Int32Array(new SharedArrayBuffer(4));
      const slot: Slot = { worker: startWorker(started), started };
      // A worker that fails to start (or dies) is marked 2 and never handed work.
      slot.worker.on('error', (err: Error) => {
        slot.error = err;
        Atomics.store(started, 0, 2);
      });
      slot.worker.on('exit', () => Atomics.store(started, 0, 2));
      slot.worker.unref();
      return slot;
    });
    return slots;
  };

  const parallelGemm: GemmFn = (a, b, c, opts: GemmOptions = {}) => {
    const k = opts.transA ? a.rows : a.cols;
    const shared = a.data.buffer instanceof SharedArrayBuffer && b.data.buffer instanceof SharedArrayBuffer && c.data.buffer instanceof SharedArrayBuffer;
    if (closed || threads === 1 || !shared || c.rows * c.cols * k < minWork || c.rows < 8 * threads) return gemm(a, b, c, opts);
    const ready = start().filter((s) => Atomics.load(s.started, 0) === 1);
    if (ready.length === 0) return gemm(a, b, c, opts);
    // Split C's rows in multiples of 4 (the micro-kernel's tile height) between caller and workers.
    const parts = ready.length + 1;
    const step = Math.ceil(c.rows / parts / 4) * 4;
    const rowsOf = (i: number): [number, number] => [Math.min(c.rows, i * step), Math.min(c.rows, (i + 1) * step)];
    const part = (r0: number, r1: number): { a: Matrix; c: Matrix } => ({
      a: opts.transA ? view(a, 0, r0, a.rows, r1 - r0) : view(a, r0, 0, r1 - r0, a.cols),
      c: view(c, r0, 0, r1 - r0, c.cols),
    });
    Atomics.store(done, 0, 0);
    Atomics.store(done, 1, 0);
    let posted = 0;
    ready.forEach((s, w) => {
      const [r0, r1] = rowsOf(w + 1);
      if (r1 <= r0) return;
      const job: GemmJob = { ...part(r0, r1), b, options: opts, done };
      s.worker.postMessage(job);
      posted++;
    });
    const [r0, r1] = rowsOf(0);
    const mine = part(r0, r1);
    gemm(mine.a, b, mine.c, opts);
    // A worker can only fail to answer by dying outright (it catches errors); give up after a minute without progress.
    for (let seen = Atomics.load(done, 0); seen < posted; seen = Atomics.load(done, 0)) {
      if (Atomics.wait(done, 0, seen, 60_000) === 'timed-out') throw new Error('parallel gemm: a worker stopped answering');
    }
    if (Atomics.load(done, 1) > 0) throw new Error('parallel gemm: a worker failed');
  };

  return {
    threads,
    gemm: parallelGemm,
    allocate: (rows, cols) => matrix(rows, cols, new Float64Array(new SharedArrayBuffer(rows * cols * 8))),
    ready: async () => {
      if (closed || threads === 1) return;
      for (const s of start()) {
        // Atomics.waitAsync is not in every Node 20 typing; poll the flag on the event loop instead.
        while (Atomics.load(s.started, 0) === 0) await new Promise((resolve) => setTimeout(resolve, 5));
        if (Atomics.load(s.started, 0) !== 1 && !closed) throw new Error(`parallel gemm: a worker failed to start: ${s.error?.message ?? 'it exited'}`);
      }
    },
    close: async () => {
      closed = true;
      const current = slots ?? [];
      slots = undefined;
      await Promise.all(current.map((s) => s.worker.terminate()));
    },
  };
}
