import type { Worker } from 'node:worker_threads';
import type { z } from 'zod';
import { portBatcher } from '../../platform/port-batcher.js';
import { startModuleWorker } from '../../platform/threads.js';
import { temporary, type SendOptions, type SendResult } from './channel.js';
import { EmailSettings, type EmailChannel, type EmailMessage } from './email.channel.js';
import type { EmailWorkerData, FromEmailWorker, ToEmailWorker } from './email.wire.js';

/**
 * The email channel spread over worker threads (email.worker.ts), each with its own share of the
 * pooled connections. Same contract as createEmailChannel: one SendResult a send, beforeCommit
 * called once between the last byte of DATA and the final dot (here, on the calling thread, when
 * the worker asks). Sends go to the worker with the fewest in flight. A worker that dies fails its
 * sends in flight as temporary (delivery retries them; a message whose marker was written is
 * re-sent with the same Message-ID, as after a crash) and is replaced on the next send.
 */
export function createThreadedEmailChannel(settings: z.input<typeof EmailSettings>, options: { threads: number }): EmailChannel {
  const s = EmailSettings.parse(settings);
  const threads = Math.max(1, Math.min(options.threads, s.maxConnections));
  // Each worker's pool gets its share, so the workspace's limit holds across them.
  const share = (i: number) => Math.floor(s.maxConnections / threads) + (i < s.maxConnections % threads ? 1 : 0);

  interface Pending {
    resolve: (r: SendResult) => void;
    beforeCommit: (() => Promise<void>) | undefined;
    slot: Slot;
  }
  interface Slot {
    index: number;
    worker: Worker | null;
    inFlight: number;
    post: (m: ToEmailWorker) => void;
  }
  const slots: Slot[] = Array.from({ length: threads }, (_, index) => {
    const slot: Slot = { index, worker: null, inFlight: 0, post: portBatcher<ToEmailWorker>((batch) => slot.worker?.postMessage(batch)) };
    return slot;
  });
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let closed = false;

  const post = (slot: Slot, m: ToEmailWorker) => slot.post(m);

  function start(slot: Slot): Worker {
    const data: EmailWorkerData = { settings: { ...s, maxConnections: share(slot.index) } };
    const worker = startModuleWorker(import.meta.url, 'email.worker', { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: 32 } });
    worker.on('message', (batch: FromEmailWorker[]) => {
      for (const m of batch) handle(m);
    });
    function handle(m: FromEmailWorker): void {
      switch (m.t) {
        case 'result': {
          const p = pending.get(m.id);
          if (!p) return;
          pending.delete(m.id);
          p.slot.inFlight--;
          if (p.slot.inFlight === 0) worker.unref();
          p.resolve(m.result);
          return;
        }
        case 'commit': {
          const p = pending.get(m.id);
          const run = p?.beforeCommit ?? (async () => {});
          run().then(
            () => post(slot, { t: 'committed', id: m.id, ok: true }),
            (err: unknown) => post(slot, { t: 'committed', id: m.id, ok: false, error: err instanceof Error ? err.message : String(err) }),
          );
          return;
        }
        case 'closed':
          return;
      }
    }
    worker.on('error', () => {});
    worker.on('exit', () => {
      if (slot.worker === worker) slot.worker = null;
      for (const [id, p] of pending) {
        if (p.slot !== slot) continue;
        pending.delete(id);
        p.resolve(temporary('The email worker thread stopped before the SMTP server answered'));
      }
      slot.inFlight = 0;
    });
    worker.unref();
    return worker;
  }

  return {
    send(message: EmailMessage, opts: SendOptions): Promise<SendResult> {
      if (closed) return Promise.resolve(temporary('Email channel closed'));
      if (opts.signal?.aborted) return Promise.resolve(temporary('Send aborted before it started'));
      let slot = slots[0]!;
      for (const candidate of slots) if (candidate.inFlight < slot.inFlight) slot = candidate;
      const worker = (slot.worker ??= start(slot));
      const id = nextId++;
      slot.inFlight++;
      worker.ref();
      return new Promise<SendResult>((resolve) => {
        pending.set(id, { resolve, beforeCommit: opts.beforeCommit, slot });
        opts.signal?.addEventListener('abort', () => post(slot, { t: 'abort', id }), { once: true });
        post(slot, { t: 'send', id, message, idempotencyKey: opts.idempotencyKey, gated: opts.beforeCommit !== undefined });
      });
    },
    async close(): Promise<void> {
      closed = true;
      await Promise.all(
        slots.map(async (slot) => {
          const worker = slot.worker;
          if (!worker) return;
          // Sends in flight finish first (as the in-thread transport's close does), then the thread ends.
          while (slot.inFlight > 0 && slot.worker === worker) await new Promise((r) => setTimeout(r, 20));
          await new Promise<void>((resolve) => {
            const done = () => resolve();
            worker.once('exit', done);
            worker.on('message', (batch: FromEmailWorker[]) => {
              if (batch.some((m) => m.t === 'closed')) void worker.terminate().then(done, done);
            });
            worker.ref();
            slot.post({ t: 'close' });
          });
          slot.worker = null;
        }),
      );
    },
  };
}
