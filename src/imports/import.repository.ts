import type { Selectable } from 'kysely';
import { z } from 'zod';
import type { ImportTable } from '../db/database.js';
import { readJson, type DbOrTrx } from '../db/dialect.js';
import { toIso, toIsoOrNull } from '../platform/ids.js';
import { ImportJob, ImportKind, ImportMode, ImportRowError, ImportStatus } from './import.schema.js';

/** An import job as the service keeps it in memory (times in ms). */
export interface ImportJobState {
  id: string;
  workspaceId: string;
  kind: ImportKind;
  mode: ImportMode;
  fileName: string | null;
  status: ImportStatus;
  totalBytes: number | null;
  processedBytes: number;
  rowsProcessed: number;
  rowsImported: number;
  rowsFailed: number;
  rowsSkipped: number;
  errors: ImportRowError[];
  failure: { code: string; message: string } | null;
  createdAt: number;
  finishedAt: number | null;
}

const StoredErrors = z.array(ImportRowError);
const StoredFailure = z.object({ code: z.string(), message: z.string() }).nullable();

export function toImportJob(s: ImportJobState): ImportJob {
  return {
    id: s.id,
    kind: s.kind,
    mode: s.mode,
    fileName: s.fileName,
    status: s.status,
    totalBytes: s.totalBytes,
    processedBytes: s.processedBytes,
    rowsProcessed: s.rowsProcessed,
    rowsImported: s.rowsImported,
    rowsFailed: s.rowsFailed,
    rowsSkipped: s.rowsSkipped,
    errors: s.errors,
    failure: s.failure,
    createdAt: toIso(s.createdAt),
    finishedAt: toIsoOrNull(s.finishedAt),
  };
}

function fromRow(r: Selectable<ImportTable>): ImportJob {
  // JSON columns are read back through zod: a row written by an older version must not break the list.
  const errors = StoredErrors.safeParse(readJson<unknown>(r.errors, null));
  const failure = StoredFailure.safeParse(readJson<unknown>(r.failure, null));
  return {
    id: r.id,
    kind: ImportKind.catch('profiles').parse(r.kind),
    mode: ImportMode.catch('valid_rows').parse(r.mode),
    fileName: r.file_name,
    status: ImportStatus.catch('failed').parse(r.status),
    totalBytes: r.total_bytes === null ? null : Number(r.total_bytes),
    processedBytes: Number(r.processed_bytes),
    rowsProcessed: Number(r.rows_processed),
    rowsImported: Number(r.rows_imported),
    rowsFailed: Number(r.rows_failed),
    rowsSkipped: Number(r.rows_skipped),
    errors: errors.success ? errors.data : [],
    failure: failure.success ? failure.data : null,
    createdAt: toIso(Number(r.created_at)),
    finishedAt: r.finished_at === null ? null : toIso(Number(r.finished_at)),
  };
}

/** The columns a job's progress and outcome change: written at creation and on every update. */
function progressColumns(s: ImportJobState) {
  return {
    status: s.status,
    total_bytes: s.totalBytes,
    processed_bytes: s.processedBytes,
    rows_processed: s.rowsProcessed,
    rows_imported: s.rowsImported,
    rows_failed: s.rowsFailed,
    rows_skipped: s.rowsSkipped,
    failure: JSON.stringify(s.failure),
    finished_at: s.finishedAt,
  };
}

export async function insertJob(db: DbOrTrx, s: ImportJobState): Promise<void> {
  await db
    .insertInto('imports')
    .values({
      id: s.id,
      workspace_id: s.workspaceId,
      kind: s.kind,
      mode: s.mode,
      file_name: s.fileName,
      ...progressColumns(s),
      errors: JSON.stringify(s.errors),
      created_at: s.createdAt,
    })
    .execute();
}

/** Write the job's progress and outcome; `withErrors` false skips re-writing an unchanged error list. */
export async function updateJob(db: DbOrTrx, s: ImportJobState, withErrors: boolean): Promise<void> {
  await db
    .updateTable('imports')
    .set({
      ...progressColumns(s),
      ...(withErrors ? { errors: JSON.stringify(s.errors) } : {}),
    })
    .where('workspace_id', '=', s.workspaceId)
    .where('id', '=', s.id)
    .execute();
}

export async function findJob(db: DbOrTrx, workspaceId: string, id: string): Promise<ImportJob | null> {
  const row = await db.selectFrom('imports').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  return row ? fromRow(row) : null;
}

export async function listJobs(db: DbOrTrx, workspaceId: string, limit: number): Promise<ImportJob[]> {
  const rows = await db.selectFrom('imports').selectAll().where('workspace_id', '=', workspaceId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return rows.map(fromRow);
}
