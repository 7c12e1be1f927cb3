import { isUtf8 } from 'node:buffer';
import { pipeline, Transform, type Readable, type TransformCallback } from 'node:stream';
import { CsvError, parse } from 'csv-parse';

/** One CSV record: row 0 is the header, data rows count from 1. */
export interface CsvRecord {
  cells: string[];
  row: number;
  /** Line of the file where the record ends (records may span lines inside quotes). */
  line: number;
  /** Bytes of the file consumed up to the end of this record. */
  bytes: number;
}

export type CsvReadCode = 'CSV_MALFORMED' | 'IMPORT_ENCODING_INVALID' | 'IMPORT_READ_FAILED';

/** The file cannot be read past `row`: nothing from there on can be trusted, so reading stops. */
export class CsvReadError extends Error {
  constructor(
    readonly code: CsvReadCode,
    message: string,
    /** The data row that could not be read (0 when the header itself is unreadable). */
    readonly row: number,
    readonly line: number,
  ) {
    super(message);
    this.name = 'CsvReadError';
  }
}

/** A record larger than this is refused: otherwise one unclosed quote would pull the rest of a large file into memory. */
export const MAX_RECORD_BYTES = 1024 * 1024;

/**
 * Stream CSV records from `input`, in constant memory: UTF-8 (a BOM is dropped), comma-separated,
 * RFC 4180 quoting, cells trimmed, empty lines and all-empty records skipped. Every record before
 * the first unreadable spot is delivered; then CsvReadError says where reading stopped (a broken
 * quote, bytes that are not UTF-8). Column counts are not checked here: the caller reports a
 * short or long row as a row error and goes on.
 */
export async function* readCsv(input: Readable, signal?: AbortSignal): AsyncGenerator<CsvRecord, void, undefined> {
  const utf8 = new Utf8Check();
  const parser = parse({
    bom: true,
    trim: true,
    skip_empty_lines: true,
    skip_records_with_empty_values: true,
    relax_column_count: true,
    max_record_size: MAX_RECORD_BYTES,
    // A syntax error is reported as a 'skip' event instead of destroying the stream, so the
    // records parsed before it (in the same chunk) still arrive; reading stops at the error below.
    skip_records_with_error: true,
    info: true,
  });
  let broken: CsvError | null = null;
  parser.on('skip', (err: CsvError) => {
    broken ??= err;
  });
  // Errors of any stage reach the loop below through the parser; the callback only keeps them from being unhandled.
  pipeline(input, utf8, parser, () => {});
  // Stopping must not depend on the source honouring destroy(): end the parser itself.
  const onAbort = () => parser.destroy(new Error('The import was stopped'));
  if (signal?.aborted) onAbort();
  signal?.addEventListener('abort', onAbort, { once: true });
  let row = -1;
  let line = 0;
  try {
    // With `info: true` each record is { record, info } (csv-parse's documented shape).
    for await (const rec of parser as AsyncIterable<{ record: string[]; info: { lines: number; bytes: number } }>) {
      // `records` on the error counts the records parsed before it: anything later comes after the break.
      if (broken && row + 1 >= recordsBefore(broken)) break;
      row++;
      yield { cells: rec.record, row, line: rec.info.lines, bytes: rec.info.bytes };
      line = rec.info.lines;
    }
  } catch (err) {
    throw toReadError(utf8.error ?? broken ?? err, row + 1, line + 1);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  const stop = utf8.error ?? broken;
  if (stop) throw toReadError(stop, row + 1, line + 1);
}

const recordsBefore = (err: CsvError): number => {
  const n = (err as { records?: unknown }).records;
  return typeof n === 'number' ? n : 0;
};

function toReadError(err: unknown, row: number, line: number): CsvReadError {
  const where = row === 0 ? `the header (line ${line})` : `data row ${row} (from line ${line})`;
  if (err instanceof Utf8Error) {
    return new CsvReadError(
      'IMPORT_ENCODING_INVALID',
      `The file is not UTF-8 text: byte ${err.offset} in ${where} is not valid UTF-8. Save it as "CSV UTF-8" (Excel) or convert it (e.g. from GBK) and import it again`,
      row,
      line,
    );
  }
  if (err instanceof CsvError) {
    const reason =
      err.code === 'CSV_QUOTE_NOT_CLOSED'
        ? 'a quoted value that starts there is never closed'
        : err.code === 'CSV_MAX_RECORD_SIZE'
          ? `the record is larger than ${MAX_RECORD_BYTES / 1024 / 1024} MB, most likely because a quote is never closed`
          : err.message;
    return new CsvReadError('CSV_MALFORMED', `The CSV cannot be read at ${where}: ${reason}`, row, line);
  }
  const message = err instanceof Error ? err.message : String(err);
  return new CsvReadError('IMPORT_READ_FAILED', `Reading the file failed at ${where}: ${message}`, row, line);
}

class Utf8Error extends Error {
  constructor(readonly offset: number) {
    super(`invalid UTF-8 at byte ${offset}`);
  }
}

/**
 * Pass bytes on unchanged after checking they are UTF-8 (Node would otherwise replace bad bytes
 * silently, and a GBK file from Excel would import as mojibake). Only whole lines are passed on
 * (the tail of a chunk waits for the next one), so at a bad byte the stream can end cleanly after
 * the last whole line before it: no truncated record ever reaches the parser. `error` then says
 * where it stopped.
 */
class Utf8Check extends Transform {
  error: Utf8Error | null = null;
  private carry: Buffer | null = null;
  private offset = 0;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (this.error) return done(); // already ended at a bad byte: drop the rest
    const buf = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    let cut = buf.lastIndexOf(0x0a) + 1;
    if (cut === 0 && buf.length > MAX_RECORD_BYTES) {
      // A line longer than a record may be is passed on (the parser refuses it by size), short of
      // its last character, which may be incomplete.
      cut = buf.length - 1;
      while (cut > 0 && ((buf[cut] ?? 0) & 0xc0) === 0x80) cut--;
    }
    this.carry = cut < buf.length ? Buffer.from(buf.subarray(cut)) : null;
    this.pass(buf.subarray(0, cut));
    done();
  }

  override _flush(done: TransformCallback): void {
    if (!this.error && this.carry) this.pass(this.carry);
    this.carry = null;
    done();
  }

  private pass(bytes: Buffer): void {
    if (this.error || bytes.length === 0) return;
    if (isUtf8(bytes)) {
      this.offset += bytes.length;
      this.push(bytes);
      return;
    }
    const bad = firstInvalid(bytes);
    const lineEnd = bad > 0 ? bytes.lastIndexOf(0x0a, bad - 1) + 1 : 0;
    if (lineEnd > 0) this.push(bytes.subarray(0, lineEnd));
    this.error = new Utf8Error(this.offset + bad);
    this.carry = null;
    this.push(null);
  }
}

/** Index of the first byte where `buf` stops being UTF-8 (only called once a chunk is known bad). */
function firstInvalid(buf: Buffer): number {
  let i = 0;
  while (i < buf.length) {
    const lead = buf[i] ?? 0;
    const n = lead < 0x80 ? 1 : (lead & 0xe0) === 0xc0 ? 2 : (lead & 0xf0) === 0xe0 ? 3 : (lead & 0xf8) === 0xf0 ? 4 : 0;
    if (n === 0 || i + n > buf.length || !isUtf8(buf.subarray(i, i + n))) return i;
    i += n;
  }
  return buf.length;
}
