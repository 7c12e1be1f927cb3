import type { ParsedTemplate, RenderTarget } from './delivery.render.js';
import type { MessagePayload } from './message.payload.js';
import type { RenderContext } from './template.render.js';

/** What crosses to and from the render worker threads (render.pool.ts, render.worker.ts). */

export interface RenderWorkerData {
  /** The instance key, so links are signed with the same derived keys as on the sending thread. */
  instanceKey: Uint8Array;
  publicUrl: string;
}

/** One message to render; its template is in the request's `templates` by key. */
export interface RenderJob {
  template: string;
  target: RenderTarget;
  /** Without `recommendations` (a function: templates using {% recommend %} render on the sending thread). */
  context: Omit<RenderContext, 'recommendations'>;
  /** The sending thread's clock at the batch. */
  now: number;
}

export interface RenderRequest {
  id: number;
  templates: Record<string, ParsedTemplate>;
  jobs: RenderJob[];
}

/** A UserError keeps its code and field across the thread boundary; anything else is a bug, reported as such. */
export type RenderAnswer = { ok: true; payload: MessagePayload } | { ok: false; code: string; message: string; field: string | null } | { ok: false; unexpected: string };

export interface RenderResponse {
  id: number;
  answers: RenderAnswer[];
}
