import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';

/**
 * An append-only NDJSON file of already-validated values. An all_or_nothing import writes the
 * file's valid units here while it checks every row, and reads them back into one transaction
 * only when the whole file is clean: memory stays flat however large the file.
 */
export class NdjsonSpool<T> {
  private out: fs.WriteStream | null = null;
  private buffer: string[] = [];
  private buffered = 0;
  private failed: Error | null = null;

  private constructor(readonly file: string) {}

  /** A spool in `dir`; the file is created on the first write. */
  static create<T>(dir: string, prefix: string): NdjsonSpool<T> {
    return new NdjsonSpool<T>(path.join(dir, `${prefix}-${randomBytes(6).toString('hex')}.ndjson`));
  }

  async append(value: T): Promise<void> {
    const line = JSON.stringify(value);
    this.buffer.push(line);
    this.buffered += line.length;
    if (this.buffered >= 256 * 1024) await this.flush();
  }

  /** Finish writing; the spool can then be read. */
  async close(): Promise<void> {
    await this.flush();
    const out = this.open();
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    if (this.failed) throw this.failed;
  }

  /** The values in the order they were appended. */
  async *read(): AsyncGenerator<T> {
    const input = fs.createReadStream(this.file, { encoding: 'utf8' });
    const lines = readline.createInterface({ input, crlfDelay: Infinity });
    try {
      for await (const line of lines) {
        // Written by this process from values it had just validated; not outside data.
        if (line) yield JSON.parse(line) as T;
      }
    } finally {
      lines.close();
      input.destroy();
    }
  }

  /** Delete the file (also when writing it failed half-way). */
  async remove(): Promise<void> {
    const out = this.out;
    if (out && !out.closed) {
      // Wait for the stream to let go of the file, so it cannot be created again after the rm.
      const closed = new Promise<void>((resolve) => out.once('close', () => resolve()));
      out.destroy();
      await closed;
    }
    await fs.promises.rm(this.file, { force: true });
  }

  private open(): fs.WriteStream {
    if (!this.out) {
      const out = fs.createWriteStream(this.file, { flags: 'wx', mode: 0o600 });
      out.on('error', (err) => {
        this.failed = err;
      });
      this.out = out;
    }
    return this.out;
  }

  private async flush(): Promise<void> {
    if (this.failed) throw this.failed;
    if (this.buffer.length === 0) return;
    const out = this.open();
    const chunk = `${this.buffer.join('\n')}\n`;
    this.buffer = [];
    this.buffered = 0;
    if (!out.write(chunk)) {
      await new Promise<void>((resolve, reject) => {
        const onDrain = () => {
          out.off('error', onError);
          resolve();
        };
        const onError = (err: Error) => {
          out.off('drain', onDrain);
          reject(err);
        };
        out.once('drain', onDrain);
        out.once('error', onError);
      });
    }
  }
}

/**
 * Receive an upload into a temporary file, at network speed and in constant memory. The HTTP
 * route answers only once the whole body has arrived (browsers stop uploading when a response
 * comes early), then the import reads the file in the background.
 */
export async function receiveToFile(body: Readable, dir: string): Promise<{ file: string; bytes: number }> {
  const file = path.join(dir, `nudge-upload-${randomBytes(8).toString('hex')}.csv`);
  try {
    await pipeline(body, fs.createWriteStream(file, { flags: 'wx', mode: 0o600 }));
    const { size } = await fs.promises.stat(file);
    return { file, bytes: size };
  } catch (err) {
    await fs.promises.rm(file, { force: true });
    throw err;
  }
}
