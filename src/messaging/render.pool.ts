import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../platform/threads.js';
import type { ParsedTemplate } from './delivery.render.js';
import type { RenderAnswer, RenderJob, RenderResponse, RenderWorkerData } from './render.wire.js';

/**
 * Rendering spread over worker threads (render.worker.ts). Liquid, link signing and the open pixel
 * are pure CPU, about a fifth of what a broadcast costs the sending thread, while that thread's
 * other work (the database, the queue, the providers' answers) cannot move. A batch's messages are
 * split evenly over the threads; each answer is the payload or the UserError it rendered to. A
 * thread that dies fails its requests, and the caller renders those messages itself.
 */
export interface RenderPool {
  render(templates: Record<string, ParsedTemplate>, jobs: readonly RenderJob[]): Promise<RenderAnswer[]>;
  close(): Promise<void>;
}

/** Messages per request to a thread. */
const REQUEST_JOBS = 50;

export function createRenderPool(options: { threads: number; instanceKey: Buffer; publicUrl: string }): RenderPool {
  interface Slot {
    worker: Worker | null;
    pending: Map<number, { resolve: (a: RenderAnswer[]) => void; reject: (err: Error) => void }>;
  }
  const slots: Slot[] = Array.from({ length: Math.max(1, options.threads) }, () => ({ worker: null, pending: new Map() }));
  const data: RenderWorkerData = { instanceKey: new Uint8Array(options.instanceKey), publicUrl: options.publicUrl };
  let nextId = 1;
  let closed = false;

  function start(slot: Slot): Worker {
    // A small heap: what a thread holds is one request's messages and the parsed templates, and
    // V8 otherwise lets a busy thread's heap grow by a hundred megabytes of garbage before collecting.
    const worker = startModuleWorker(import.meta.url, 'render.worker', { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 32 } });
    worker.on('message', (m: RenderResponse) => {
      const p = slot.pending.get(m.id);
      slot.pending.delete(m.id);
      if (slot.pending.size === 0) worker.unref();
      p?.resolve(m.answers);
    });
    worker.on('error', () => {});
    worker.on('exit', () => {
      if (slot.worker === worker) slot.worker = null;
      for (const p of slot.pending.values()) p.reject(new Error('A render worker thread stopped'));
      slot.pending.clear();
    });
    worker.unref();
    return worker;
  }

  function ask(slot: Slot, templates: Record<string, ParsedTemplate>, jobs: RenderJob[]): Promise<RenderAnswer[]> {
    const worker = (slot.worker ??= start(slot));
    const id = nextId++;
    worker.ref();
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      worker.postMessage({ id, templates, jobs });
    });
  }

  return {
    async render(templates, jobs) {
      if (closed) throw new Error('The render pool is closed');
      if (jobs.length === 0) return [];
      // Requests of at most REQUEST_JOBS messages, dealt round the threads: a thread holds little at a time (a 100 KB newsletter times 50 is 5 MB).
      const parts: Promise<RenderAnswer[]>[] = [];
      for (let i = 0, k = 0; i < jobs.length; i += REQUEST_JOBS, k++) parts.push(ask(slots[k % slots.length] ?? slots[0]!, templates, jobs.slice(i, i + REQUEST_JOBS)));
      return (await Promise.all(parts)).flat();
    },
    async close() {
      closed = true;
      await Promise.all(slots.map(async (slot) => slot.worker?.terminate()));
    },
  };
}
