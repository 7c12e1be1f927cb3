/**
 * One render worker thread: Liquid rendering, link signing and the open pixel for a batch's
 * messages, off the sending thread, which keeps the database work (render.pool.ts). The same
 * renderParsed the sending thread uses, with the same derived signing keys.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { UserError } from '../platform/errors.js';
import { renderParsed } from './delivery.render.js';
import type { RenderAnswer, RenderRequest, RenderResponse, RenderWorkerData } from './render.wire.js';
import { createTokenSigner } from './signing.js';
import { createTracking } from './tracking.js';

const port = parentPort;
if (!port) throw new Error('render.worker must run in a worker thread');
// workerData is set by render.pool.ts to exactly this shape.
const data = workerData as RenderWorkerData;
const tracking = createTracking({ signer: createTokenSigner(Buffer.from(data.instanceKey)), publicUrl: data.publicUrl });

port.on('message', (request: RenderRequest) => {
  void render(request).then((response) => port.postMessage(response));
});

async function render(request: RenderRequest): Promise<RenderResponse> {
  const answers: RenderAnswer[] = [];
  for (const job of request.jobs) {
    const template = request.templates[job.template];
    try {
      if (!template) throw new Error(`render worker: no template ${job.template} in the request`);
      answers.push({ ok: true, payload: await renderParsed(template, job.target, job.context, tracking, { now: () => job.now }) });
    } catch (err) {
      if (err instanceof UserError) answers.push({ ok: false, code: err.code, message: err.message, field: err.field ?? null });
      else answers.push({ ok: false, unexpected: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    }
  }
  return { id: request.id, answers };
}
