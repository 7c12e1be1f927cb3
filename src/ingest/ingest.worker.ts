// The ingest worker thread (started by ingest.worker-pipeline.ts): its own database connection,
// the group committer and the processor. Imports stay minimal (no HTTP, no zod) to keep its memory small.
import { parentPort, workerData } from 'node:worker_threads';
import { checkpointWal, openDatabase } from '../db/connection.js';
import { createTableStats } from '../db/table-stats.js';
import { createSqlEventStore } from '../events/event.store.js';
import { UnexpectedError } from '../platform/errors.js';
import { createInProcessPipeline } from './ingest.pipeline.js';
import { toWire, type FromWorker, type ToWorker, type WorkerData } from './ingest.worker-pipeline.js';

const port = parentPort;
if (!port) throw new UnexpectedError('ingest.worker.ts runs only as a worker thread');
// Built by createWorkerPipeline from a DatabaseSource; not outside input.
const data = workerData as WorkerData;

const handle = await openDatabase(
  data.source.kind === 'sqlite'
    ? // Blocking lock waits are fine here (this loop has nothing else to do meanwhile); the count of
      // waiting writers is shared with the main thread's connection, so the processor can yield to them.
      { sqlitePath: data.source.path, migrate: false, sqliteLockWait: 'blocking', sqliteLockWaiters: data.source.lockWaiters }
    : // Staging runs up to four transactions at once, the processor one.
      { databaseUrl: data.source.url, poolSize: 5, migrate: false },
);
if (handle.dialect.name !== data.dialect) throw new UnexpectedError(`ingest worker opened ${handle.dialect.name}, expected ${data.dialect}`);

// The main thread's clock, as of its latest message: profile times agree with it (tests move it).
let now = data.now;
let listening = false;
let durable = false;
const send = (m: FromWorker) => port.postMessage(m);

// The main thread's connection leaves WAL checkpoints to this one (checkpointsHere): besides those
// in this connection's own commits, one every 250 ms copies in what the other connections wrote.
const checkpoints = setInterval(() => {
  try {
    checkpointWal(handle.db);
  } catch (err) {
    send({ t: 'error', error: toWire(err) });
  }
}, 250);

const pipeline = createInProcessPipeline({
  db: handle.db,
  dialect: handle.dialect,
  eventStore: createSqlEventStore(handle.dialect),
  clock: { now: () => now },
  onProcessed: (batches) => {
    if (listening) send({ t: 'processed', batches });
  },
  onError: (err) => send({ t: 'error', error: toWire(err) }),
  announce: () => durable,
  stats: createTableStats(handle.db, handle.dialect, (err) => send({ t: 'error', error: toWire(err) })),
});

const reply = (id: number, work: Promise<void>) =>
  work.then(
    () => send({ t: 'done', id }),
    (err: unknown) => send({ t: 'failed', id, error: toWire(err) }),
  );

port.on('message', (m: ToWorker) => {
  switch (m.t) {
    case 'stage':
      now = m.now;
      void reply(m.id, pipeline.submit(m.batch));
      break;
    case 'flush':
      now = m.now;
      void reply(m.id, pipeline.flush());
      break;
    case 'listen':
      listening = true;
      durable ||= m.durable;
      break;
    case 'stop':
      clearInterval(checkpoints);
      void reply(
        m.id,
        pipeline.stop().then(() => handle.close()),
      );
      break;
  }
});
