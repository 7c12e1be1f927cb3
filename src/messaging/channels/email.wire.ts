import type { SendResult } from './channel.js';
import type { EmailMessage, EmailSettings } from './email.channel.js';

/** What the sending thread tells an email worker (email.worker.ts). */
export type ToEmailWorker =
  | { t: 'send'; id: number; message: EmailMessage; idempotencyKey: string; gated: boolean }
  /** The answer to a `commit` request: the caller's beforeCommit resolved (ok) or threw. */
  | { t: 'committed'; id: number; ok: boolean; error?: string }
  | { t: 'abort'; id: number }
  | { t: 'close' };

/** What an email worker answers. */
export type FromEmailWorker =
  | { t: 'result'; id: number; result: SendResult }
  /** The message is written up to its final dot: run the caller's beforeCommit and answer `committed`. */
  | { t: 'commit'; id: number }
  | { t: 'closed' };

export interface EmailWorkerData {
  settings: EmailSettings;
}
