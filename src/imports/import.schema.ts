import { z } from 'zod';

export const ImportKind = z.enum(['profiles', 'orders', 'catalog']);
export type ImportKind = z.infer<typeof ImportKind>;

/** all_or_nothing: any bad row rejects the whole file; valid_rows: import exactly the rows that pass. */
export const ImportMode = z.enum(['all_or_nothing', 'valid_rows']);
export type ImportMode = z.infer<typeof ImportMode>;

export const ImportStatus = z.enum(['running', 'completed', 'failed']);
export type ImportStatus = z.infer<typeof ImportStatus>;

export const ImportRowError = z.object({
  /** 1-based data row number (the header is row 0). 0 for file-level errors. */
  row: z.number().int(),
  field: z.string().nullable(),
  code: z.string(),
  message: z.string(),
});
export type ImportRowError = z.infer<typeof ImportRowError>;

export const ImportJob = z.object({
  id: z.string(),
  kind: ImportKind,
  mode: ImportMode,
  fileName: z.string().nullable(),
  status: ImportStatus,
  totalBytes: z.number().int().nullable(),
  processedBytes: z.number().int(),
  rowsProcessed: z.number().int(),
  rowsImported: z.number().int(),
  rowsFailed: z.number().int(),
  /** Rows not imported because they are already stored (an order_id present before): re-importing a file is harmless. Not errors. */
  rowsSkipped: z.number().int(),
  /** First errors (capped at 1,000); rowsFailed has the full count. */
  errors: z.array(ImportRowError),
  /** Set when status is failed: why nothing (or nothing more) was imported. */
  failure: z.object({ code: z.string(), message: z.string() }).nullable(),
  createdAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
});
export type ImportJob = z.infer<typeof ImportJob>;

export const ImportCreateQuery = z.object({
  kind: ImportKind,
  mode: ImportMode.default('valid_rows'),
  fileName: z.string().max(300).optional(),
});
