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
    const worker = startModuleWorker(import.meta.url, 'render.worker', { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: 32 } });
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
      const size = Math.ceil(jobs.length / slots.length);
      const parts = await Promise.all(slots.flatMap((slot, i) => (i * size < jobs.length ? [ask(slot, templates, jobs.slice(i * size, (i + 1) * size))] : [])));
      return parts.flat();
    },
    async close() {
      closed = true;
      await Promise.all(slots.map(async (slot) => slot.worker?.terminate()));
    },
  };
}
