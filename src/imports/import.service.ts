import os from 'node:os';
import type { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { CatalogService } from '../catalog/catalog.service.js';
import type { Database } from '../db/database.js';
import { withTransaction } from '../db/transaction.js';
import { audit } from '../platform/audit.js';
import type { Clock } from '../platform/clock.js';
import { assertUnreachable, notFound } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import { say } from '../platform/language.js';
import type { ProfileService } from '../profiles/profile.service.js';
import { CsvReadError, readCsv } from './import.csv.js';
import { catalogPlan, orderPlan, profilePlan, type KindPlan, type PlanDeps } from './import.plans.js';
import { ProgressWriter } from './import.progress.js';
import { findJob, insertJob, listJobs, toImportJob, updateJob, type ImportJobState } from './import.repository.js';
import { checkHeader, readHeader, type Header, type ParseContext } from './import.rows.js';
import type { ImportJob, ImportKind, ImportMode, ImportRowError } from './import.schema.js';
import { NdjsonSpool } from './import.spool.js';
import type { RowPipeline, Sink, Unit } from './import.units.js';
import { ROW_CODES } from './import.values.js';

export interface ImportOptions {
  kind: ImportKind;
  mode: ImportMode;
  fileName?: string | null | undefined;
  /** Size of the file when known (Content-Length, file size): the dashboard's progress bar. */
  totalBytes?: number | null | undefined;
  /** Called as the import advances (the CLI's progress bar). */
  onProgress?: ((p: ImportProgress) => void) | undefined;
}

export interface ImportProgress {
  job: ImportJob;
  /** reading: checking rows (and, for valid_rows, writing them); writing: the all_or_nothing transaction. */
  phase: 'reading' | 'writing';
  rowsWritten: number;
  rowsToWrite: number;
}

export interface ImportService {
  /** Create the job and import `input` in the background; resolves once the header is checked (the job may already be failed). */
  start(workspaceId: string, options: ImportOptions, input: Readable, actor: string): Promise<ImportJob>;
  /** As start, but resolves with the finished job. */
  run(workspaceId: string, options: ImportOptions, input: Readable, actor: string): Promise<ImportJob>;
  get(workspaceId: string, id: string): Promise<ImportJob>;
  /** The newest 50 imports. */
  list(workspaceId: string): Promise<ImportJob[]>;
  /** Stop running imports (each ends failed, with what it wrote so far stated) and wait for them. */
  close(): Promise<void>;
}

export interface ImportServiceDeps {
  db: Kysely<Database>;
  profiles: ProfileService;
  catalog: CatalogService;
  clock: Clock;
  /** The workspace's currency, for rows without one (default CNY). */
  defaultCurrency?: (workspaceId: string) => Promise<string>;
  /** Where spool files go (default os.tmpdir()). */
  tmpDir?: string;
  /** Rows a transaction / write batch holds (default 1,000). */
  chunkRows?: number;
  /** Least time between progress writes to the job row (default 300 ms). */
  progressMs?: number;
  /** Called once an import has finished, whatever its outcome (e.g. to rescore RFM after orders). */
  onFinished?: (workspaceId: string, job: ImportJob) => void;
}

/** Errors kept in the job report; rowsFailed counts them all. */
export const MAX_REPORTED_ERRORS = 1000;

const FAILURE = {
  rowsInvalid: 'IMPORT_ROWS_INVALID',
  writeFailed: 'IMPORT_WRITE_FAILED',
  aborted: 'IMPORT_ABORTED',
} as const;

class Aborted extends Error {}

/** One import while it runs. */
interface JobRun {
  state: ImportJobState;
  /** Aborted by close(): the import stops at the next row or batch. */
  stop: AbortController;
  input: Readable;
}

/**
 * CSV imports of profiles, orders and the catalog. The file is streamed (csv-parse) and handled
 * in chunks of ~1,000 rows, so memory does not grow with the file. Every row is validated; a bad
 * row is reported with its row number, column and a stable code.
 *
 * - valid_rows: each chunk's valid units are written in their own transaction; bad rows are skipped.
 * - all_or_nothing: valid units are spooled to a temporary NDJSON file while every row is checked;
 *   only if the whole file is clean are they written, in ONE transaction. Otherwise nothing is.
 *
 * Either way a unit (a row, or an order with all its lines) is written whole or not at all.
 */
export function createImportService(deps: ImportServiceDeps): ImportService {
  const { db, clock } = deps;
  const chunkRows = deps.chunkRows ?? 1000;
  const progressMs = deps.progressMs ?? 300;
  const tmpDir = deps.tmpDir ?? os.tmpdir();
  const planDeps: PlanDeps = { profiles: deps.profiles, catalog: deps.catalog };
  const running = new Map<string, { run: JobRun; done: Promise<ImportJob> }>();

  async function launch(workspaceId: string, options: ImportOptions, input: Readable, actor: string): Promise<{ job: ImportJob; done: Promise<ImportJob> }> {
    const currency = deps.defaultCurrency ? await deps.defaultCurrency(workspaceId) : 'CNY';
    const now = clock.now();
    const state: ImportJobState = {
      id: newId('imp', now),
      workspaceId,
      kind: options.kind,
      mode: options.mode,
      fileName: options.fileName ?? null,
      status: 'running',
      totalBytes: options.totalBytes ?? null,
      processedBytes: 0,
      rowsProcessed: 0,
      rowsImported: 0,
      rowsFailed: 0,
      rowsSkipped: 0,
      errors: [],
      failure: null,
      createdAt: now,
      finishedAt: null,
    };
    await withTransaction(db, async (trx) => {
      await insertJob(trx, state);
      await audit(trx, { workspaceId, actor, action: 'import.start', target: state.id, data: { kind: state.kind, mode: state.mode, fileName: state.fileName }, at: now });
    });
    const run: JobRun = { state, stop: new AbortController(), input };
    // start() answers with the job as it was when the header was judged: running, or failed for a bad header.
    let headerChecked!: () => void;
    const header = new Promise<ImportJob>((resolve) => {
      headerChecked = () => resolve(toImportJob(state));
    });
    const ctx: ParseContext = { now, currency };
    const done = execute(run, ctx, options.onProgress, headerChecked)
      // Every failure is recorded on the job itself; the promise only says "finished".
      .catch(() => {})
      .then(async () => {
        await audit(db, {
          workspaceId,
          actor,
          action: 'import.finish',
          target: state.id,
          data: { status: state.status, rowsImported: state.rowsImported, rowsFailed: state.rowsFailed, rowsSkipped: state.rowsSkipped, failure: state.failure?.code ?? null },
          at: clock.now(),
        }).catch(() => {});
        const job = toImportJob(state);
        try {
          deps.onFinished?.(workspaceId, job);
        } catch {
          // A follow-up's failure is the follow-up's own; the import itself has finished.
        }
        return job;
      })
      .finally(() => {
        headerChecked();
        running.delete(state.id);
      });
    running.set(state.id, { run, done });
    return { job: await header, done };
  }

  async function execute(run: JobRun, ctx: ParseContext, onProgress: ImportOptions['onProgress'], headerChecked: () => void): Promise<void> {
    const kind = run.state.kind;
    switch (kind) {
      case 'profiles':
        return executeWith(run, profilePlan(planDeps), ctx, onProgress, headerChecked);
      case 'orders':
        return executeWith(run, orderPlan(planDeps), ctx, onProgress, headerChecked);
      case 'catalog':
        return executeWith(run, catalogPlan(planDeps), ctx, onProgress, headerChecked);
      default:
        return assertUnreachable(kind);
    }
  }

  async function executeWith<T>(run: JobRun, plan: KindPlan<T>, ctx: ParseContext, onProgress: ImportOptions['onProgress'], headerChecked: () => void): Promise<void> {
    const s = run.state;
    const progress = new ProgressWriter(db, s, progressMs);
    const allOrNothing = s.mode === 'all_or_nothing';
    let spool: NdjsonSpool<Unit<T>> | null = allOrNothing ? NdjsonSpool.create<Unit<T>>(tmpDir, `nudge-import-${s.id}`) : null;
    let pending: Unit<T>[] = [];
    let pendingRows = 0;
    let rowsToWrite = 0;
    let rowsWritten = 0;
    let phase: ImportProgress['phase'] = 'reading';

    const report = (errors: readonly ImportRowError[]) => {
      for (const e of errors) if (s.errors.length < MAX_REPORTED_ERRORS) s.errors.push(e);
    };
    const sink: Sink<T> = {
      unit(u) {
        pending.push(u);
        pendingRows += u.rows;
      },
      reject(rows, errors) {
        s.rowsFailed += rows;
        report(errors);
      },
    };
    const tick = () => {
      progress.tick();
      onProgress?.({ job: toImportJob(s), phase, rowsWritten, rowsToWrite });
    };
    const fail = (code: string, message: string) => {
      s.status = 'failed';
      s.failure = { code, message };
    };

    /** Hand the pending units on: written now (valid_rows) or spooled (all_or_nothing, while the file is still clean). */
    const flush = async () => {
      const units = pending;
      pending = [];
      pendingRows = 0;
      if (units.length === 0) return;
      if (!allOrNothing) {
        const r = await withTransaction(db, (trx) => plan.write(trx, s.workspaceId, units));
        s.rowsImported += r.imported;
        s.rowsSkipped += r.skipped;
        return;
      }
      if (s.rowsFailed > 0 || !spool) return; // nothing will be written: stop spooling, keep checking
      for (const u of units) {
        await spool.append(u);
        rowsToWrite += u.rows;
      }
    };

    let header: Header | null = null;
    let rows: RowPipeline | null = null;
    let readError: CsvReadError | null = null;
    try {
      try {
        for await (const rec of readCsv(run.input, run.stop.signal)) {
          if (run.stop.signal.aborted) throw new Aborted();
          if (!header || !rows) {
            const read = readHeader(rec.cells);
            const error = 'error' in read ? read.error : checkHeader(s.kind, read.header);
            if (error) {
              report([error]);
              fail(error.code, `${error.message}. Nothing was imported`);
              return;
            }
            if (!('header' in read)) return;
            header = read.header;
            rows = plan.pipeline(header, ctx, sink);
            headerChecked();
            continue;
          }
          s.rowsProcessed++;
          s.processedBytes = rec.bytes;
          if (rec.cells.length !== header.names.length) {
            rows.push(rec.cells, rec.row, [
              {
                row: rec.row,
                field: null,
                code: ROW_CODES.columnCount,
                message: `Data row ${rec.row} (line ${rec.line}) has ${rec.cells.length} values but the header has ${header.names.length} columns (a comma inside a value needs quotes)`,
              },
            ]);
          } else {
            rows.push(rec.cells, rec.row);
          }
          if (pendingRows >= chunkRows) {
            await flush();
            tick();
          } else if (s.rowsProcessed % chunkRows === 0) {
            tick();
          }
        }
      } catch (err) {
        if (run.stop.signal.aborted) throw new Aborted();
        if (!(err instanceof CsvReadError)) throw err;
        readError = err;
      }

      if (!rows) {
        const code = readError?.code ?? 'IMPORT_FILE_EMPTY';
        const message = readError?.message ?? 'The file is empty: it needs a header row';
        report([{ row: 0, field: null, code, message }]);
        fail(code, readError ? `${message}. Nothing was imported` : message);
        return;
      }
      rows.end(readError === null);
      if (readError) report([{ row: readError.row, field: null, code: readError.code, message: readError.message }]);
      else if (s.totalBytes !== null) s.processedBytes = Math.max(s.processedBytes, s.totalBytes);

      if (!allOrNothing) {
        await flush();
        if (readError) {
          fail(
            readError.code,
            `${readError.message}. Reading stopped there: the ${s.rowsImported} valid rows before it were imported${s.rowsSkipped ? ` (${s.rowsSkipped} already there were skipped)` : ''}; ` +
              `nothing from data row ${readError.row} on was read or imported. Fix the file and import it again: rows already imported are updated in place and orders already stored are skipped`,
          );
        } else {
          s.status = 'completed';
        }
        return;
      }

      if (readError) {
        fail(readError.code, `${readError.message}. Nothing was imported (all or nothing)`);
        return;
      }
      await flush();
      if (s.rowsFailed > 0) {
        fail(FAILURE.rowsInvalid, `${s.rowsFailed} of ${s.rowsProcessed} rows are invalid, so nothing was imported (all or nothing). Fix the rows listed and import the file again`);
        return;
      }
      if (!spool) return;
      await spool.close();
      phase = 'writing';
      tick();
      const written = spool;
      const result = await withTransaction(db, async (trx) => {
        let imported = 0;
        let skipped = 0;
        rowsWritten = 0;
        let batch: Unit<T>[] = [];
        let batchRows = 0;
        const writeBatch = async () => {
          if (run.stop.signal.aborted) throw new Aborted();
          const r = await plan.write(trx, s.workspaceId, batch);
          imported += r.imported;
          skipped += r.skipped;
          rowsWritten += batchRows;
          batch = [];
          batchRows = 0;
          tick();
        };
        for await (const u of written.read()) {
          batch.push(u);
          batchRows += u.rows;
          if (batchRows >= chunkRows) await writeBatch();
        }
        if (batch.length > 0) await writeBatch();
        return { imported, skipped };
      });
      s.rowsImported = result.imported;
      s.rowsSkipped = result.skipped;
      s.status = 'completed';
    } catch (err) {
      const stopped = err instanceof Aborted;
      const code = stopped ? FAILURE.aborted : FAILURE.writeFailed;
      const why = stopped ? 'The import was stopped (the server is shutting down)' : `The import failed while writing: ${err instanceof Error ? err.message : String(err)}`;
      fail(
        code,
        allOrNothing
          ? `${why}. Nothing was imported (all or nothing)`
          : `${why}. ${s.rowsImported} rows were imported before that; the rest were not. Import the file again to finish: rows already imported are updated in place and orders already stored are skipped`,
      );
      if (allOrNothing) {
        s.rowsImported = 0;
        s.rowsSkipped = 0;
      }
    } finally {
      run.input.destroy();
      if (spool) {
        await spool.remove().catch(() => {});
        spool = null;
      }
      s.finishedAt = clock.now();
      if (s.status === 'running') fail(FAILURE.writeFailed, 'The import ended without a result');
      await progress.finish().catch(async () => {
        // One more try: a job must not stay "running" because a progress write failed.
        await updateJob(db, s, true).catch(() => {});
      });
      headerChecked();
      onProgress?.({ job: toImportJob(s), phase, rowsWritten, rowsToWrite });
    }
  }

  return {
    async start(workspaceId, options, input, actor) {
      return (await launch(workspaceId, options, input, actor)).job;
    },

    async run(workspaceId, options, input, actor) {
      return (await launch(workspaceId, options, input, actor)).done;
    },

    async get(workspaceId, id) {
      const job = await findJob(db, workspaceId, id);
      if (!job) throw notFound(say('Import', '导入任务'), 'id');
      return job;
    },

    list(workspaceId) {
      return listJobs(db, workspaceId, 50);
    },

    async close() {
      const jobs = [...running.values()];
      for (const j of jobs) j.run.stop.abort();
      await Promise.allSettled(jobs.map((j) => j.done));
    },
  };
}
