import { performance } from 'node:perf_hooks';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { updateJob, type ImportJobState } from './import.repository.js';

/**
 * Writes a running job's counters to its row at most every `intervalMs`, never blocking the
 * import: at most one write is in flight, and a tick while one is pending is dropped. (On SQLite
 * a write issued during an all_or_nothing transaction simply waits for the single connection.)
 * `finish` waits for the pending write, then writes the final state, so it is always the last.
 */
export class ProgressWriter {
  private last = performance.now();
  private inflight: Promise<void> | null = null;
  private errorsWritten: number;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly state: ImportJobState,
    private readonly intervalMs: number,
  ) {
    this.errorsWritten = state.errors.length;
  }

  tick(): void {
    const now = performance.now();
    if (this.inflight || now - this.last < this.intervalMs) return;
    this.last = now;
    // Progress is advisory: a failed write is retried by the next tick, and finish() reports real failures.
    this.inflight = this.write()
      .catch(() => {})
      .finally(() => {
        this.inflight = null;
      });
  }

  async finish(): Promise<void> {
    if (this.inflight) await this.inflight;
    await this.write();
  }

  private async write(): Promise<void> {
    const count = this.state.errors.length;
    await updateJob(this.db, this.state, count !== this.errorsWritten);
    this.errorsWritten = count;
  }
}
