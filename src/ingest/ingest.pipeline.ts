import type { StagedBatch } from '../events/event.store.js';
import { createGroupCommitter } from './ingest.committer.js';
import { createIngestProcessor, type ProcessorDeps } from './ingest.processor.js';

/**
 * What happens to a request's events after validation: durable staging in the inbox (the
 * acknowledgement waits for it), then processing onto profiles. Runs either in this thread or in a
 * worker thread (ingest.worker-pipeline.ts); both keep the same contract.
 */
export interface IngestPipeline {
  /** Resolves once the batch is committed to the inbox (safe to acknowledge). */
  submit(batch: StagedBatch): Promise<void>;
  /** Resolves once every batch submitted before the call is processed. */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

export type PipelineDeps = ProcessorDeps;

/** Committer and processor on this thread's event loop and database connection. */
export function createInProcessPipeline(deps: PipelineDeps): IngestPipeline {
  // The processor waits for pending staging before each round: acknowledgements go first.
  const committer = createGroupCommitter({ ...deps, onCommitted: (events) => processor.kick(events) });
  const processor = createIngestProcessor({ ...deps, staging: committer });
  return {
    submit: (batch) => committer.submit(batch),
    async flush() {
      await committer.drain();
      await processor.flush();
    },
    async stop() {
      await committer.drain();
      await processor.stop();
    },
  };
}
