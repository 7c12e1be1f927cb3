/**
 * One email worker thread: its own pooled SMTP transport (email.channel.ts) with its share of the
 * workspace's connections. MIME building, DKIM and the SMTP conversation cost about a millisecond
 * of CPU a message in nodemailer, more than the rest of delivery together, so they run here and
 * the sending thread only records outcomes. The end-of-data marker (beforeCommit) stays with the
 * sending thread, which owns the database: the worker asks for it and waits for the answer.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createEmailChannel } from './email.channel.js';
import { portBatcher } from '../../platform/port-batcher.js';
import type { EmailWorkerData, FromEmailWorker, ToEmailWorker } from './email.wire.js';

const port = parentPort;
if (!port) throw new Error('email.worker must run in a worker thread');
// workerData is set by email.threaded.ts to exactly this shape (validated there before spawning).
const { settings } = workerData as EmailWorkerData;
const channel = createEmailChannel(settings);
const aborts = new Map<number, AbortController>();
const commits = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
const post = portBatcher<FromEmailWorker>((batch) => port.postMessage(batch));

port.on('message', (batch: ToEmailWorker[]) => {
  for (const m of batch) handle(m);
});

function handle(m: ToEmailWorker): void {
  switch (m.t) {
    case 'send': {
      const controller = new AbortController();
      aborts.set(m.id, controller);
      const beforeCommit = m.gated
        ? () =>
            new Promise<void>((resolve, reject) => {
              commits.set(m.id, { resolve, reject });
              post({ t: 'commit', id: m.id });
            })
        : undefined;
      void channel
        .send(m.message, { idempotencyKey: m.idempotencyKey, signal: controller.signal, ...(beforeCommit ? { beforeCommit } : {}) })
        .catch((err: unknown) => ({ status: 'temporary' as const, error: `email worker: ${err instanceof Error ? err.message : String(err)}` }))
        .then((result) => {
          aborts.delete(m.id);
          commits.delete(m.id);
          post({ t: 'result', id: m.id, result });
        });
      return;
    }
    case 'committed': {
      const waiting = commits.get(m.id);
      commits.delete(m.id);
      if (m.ok) waiting?.resolve();
      else waiting?.reject(new Error(m.error ?? 'beforeCommit failed'));
      return;
    }
    case 'abort':
      aborts.get(m.id)?.abort();
      return;
    case 'close':
      void channel.close().then(() => post({ t: 'closed' }));
      return;
  }
}
