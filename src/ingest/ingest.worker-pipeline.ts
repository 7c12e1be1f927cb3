import type { Worker } from 'node:worker_threads';
import type { DatabaseSource } from '../db/connection.js';
import type { DialectName } from '../db/dialect.js';
import type { StagedBatch } from '../events/event.store.js';
import type { Clock } from '../platform/clock.js';
import { OperationalError, UnexpectedError } from '../platform/errors.js';
import { say } from '../platform/language.js';
import { startModuleWorker } from '../platform/threads.js';
import type { IngestPipeline } from './ingest.pipeline.js';
import type { ProcessedBatch } from './ingest.processor.js';

/** Messages to the ingest worker. `now` carries this thread's clock, which the worker uses as its own. */
export type ToWorker =
  | { t: 'stage'; id: number; batch: StagedBatch; now: number }
  | { t: 'flush'; id: number; now: number }
  | { t: 'listen'; durable: boolean }
  | { t: 'stop'; id: number };

/** Messages from the ingest worker. */
export type FromWorker =
  | { t: 'done'; id: number }
  | { t: 'failed'; id: number; error: WireError }
  | { t: 'processed'; batches: ProcessedBatch[] }
  | { t: 'error'; error: WireError };

/** An error as it crosses the thread boundary (structured clone keeps neither class nor code). */
export interface WireError {
  operational: boolean;
  code: string;
  message: string;
  /** The Chinese message of an operational error. */
  zh?: string;
}

export interface WorkerData {
  source: DatabaseSource;
  dialect: DialectName;
  /** The starting thread's clock when the worker starts. */
  now: number;
}

export function toWire(err: unknown): WireError {
  if (err instanceof OperationalError) return { operational: true, code: err.code, message: err.message, zh: err.zh };
  return { operational: false, code: 'INTERNAL', message: err instanceof Error ? (err.stack ?? err.message) : String(err) };
}

function fromWire(e: WireError): Error {
  return e.operational ? new OperationalError(e.code, say(e.message, e.zh ?? e.message)) : new UnexpectedError(`ingest worker: ${e.message}`);
}

/**
 * The worker allocates fast (decoded rounds, statement parameters) and would otherwise grow a large
 * young generation: a smaller one costs more, cheap, scavenges and keeps peak memory down.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 16 };

/** Start ingest.worker (next to this file). */
function spawnWorker(data: WorkerData): Worker {
  return startModuleWorker(import.meta.url, 'ingest.worker', { workerData: data, resourceLimits: WORKER_LIMITS });
}

/** After the worker dies unexpectedly, start a new one this much later. */
const RESTART_MS = 1000;

/**
 * The pipeline in a worker thread with its own database connection (ingest.worker.ts), so that
 * staging commits (and their fsyncs) and identity resolution never hold this thread's event loop:
 * this thread only parses, validates and acknowledges. The worker gives staging priority over
 * processing; processed batches come back as messages, delivered to `onProcessed` here.
 */
export function createWorkerPipeline(deps: {
  source: DatabaseSource;
  dialect: DialectName;
  clock: Clock;
  onProcessed: (batches: ProcessedBatch[]) => void;
  onError: (err: unknown) => void;
  /** Whether processed batches are wanted here (they are copied across threads only then). */
  listening: () => boolean;
  /** Whether a durable listener is registered (batches then get announcement rows). */
  durable: () => boolean;
  /** Told whether the worker checkpoints the WAL (while it runs), so this thread's connection need not. */
  checkpointing: (byWorker: boolean) => void;
}): IngestPipeline & { listen(): void } {
  const pending = new Map<number, { resolve: () => void; reject: (e: unknown) => void }>();
  let nextId = 1;
  let stopping = false;
  let alive = false;
  let worker: Worker;

  function start(): void {
    const data: WorkerData = { source: deps.source, dialect: deps.dialect, now: deps.clock.now() };
    worker = spawnWorker(data);
    alive = true;
    deps.checkpointing(true);
    // An idle worker does not keep the process alive; one with work in hand does (see refresh).
    worker.unref();
    worker.on('message', (m: FromWorker) => {
      switch (m.t) {
        case 'done':
          settle(m.id)?.resolve();
          break;
        case 'failed':
          settle(m.id)?.reject(fromWire(m.error));
          break;
        case 'processed':
          deps.onProcessed(m.batches);
          break;
        case 'error':
          deps.onError(fromWire(m.error));
          break;
      }
    });
    worker.on('error', (err) => deps.onError(err));
    worker.on('exit', (code) => {
      alive = false;
      deps.checkpointing(false);
      if (stopping) return;
      // Whatever was in flight may or may not have been committed: the caller gets a retryable
      // error, and a retry is harmless (messageId dedupe).
      for (const [id, p] of pending) {
        pending.delete(id);
        p.reject(new OperationalError('INGEST_UNAVAILABLE', say('The ingest worker stopped; try again', '事件接入服务已停止，请重试')));
      }
      refresh();
      deps.onError(new UnexpectedError(`ingest worker exited with code ${code}; restarting`));
      setTimeout(() => {
        if (stopping) return;
        start();
        if (deps.listening()) post({ t: 'listen', durable: deps.durable() });
        // Rows left in the inbox by the dead worker are processed by the new one: its processor
        // polls the inbox on start.
      }, RESTART_MS).unref();
    });
  }

  function settle(id: number) {
    const p = pending.get(id);
    pending.delete(id);
    refresh();
    return p;
  }

  function refresh(): void {
    if (pending.size > 0) worker.ref();
    else worker.unref();
  }

  function post(m: ToWorker): void {
    worker.postMessage(m);
  }

  function call(make: (id: number) => ToWorker): Promise<void> {
    if (stopping) return Promise.reject(new OperationalError('INGEST_STOPPED', say('Ingest is shutting down', '事件接入服务正在关闭')));
    if (!alive) return Promise.reject(new OperationalError('INGEST_UNAVAILABLE', say('The ingest worker is restarting; try again', '事件接入服务正在重启，请重试')));
    return new Promise<void>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      refresh();
      post(make(id));
    });
  }

  start();

  return {
    submit: (batch) => call((id) => ({ t: 'stage', id, batch, now: deps.clock.now() })),
    // After stop there is nothing left to wait for (as in process).
    flush: () => (stopping ? Promise.resolve() : call((id) => ({ t: 'flush', id, now: deps.clock.now() }))),
    listen: () => {
      if (alive) post({ t: 'listen', durable: deps.durable() });
    },
    async stop() {
      if (stopping) return;
      // The worker finishes what it holds (commits, the current round) and closes its connection.
      if (alive) await call((id) => ({ t: 'stop', id }));
      stopping = true;
      await worker.terminate();
    },
  };
}
