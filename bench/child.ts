// Each dialect of a benchmark measured in a fresh process: its own memory (peak RSS is that
// server's own), event loop and page-cache warm-up. The parent runs `measureInChild`; the child is
// the same benchmark file started with `--measure DIALECT`, which calls `childMode` at top level.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { DialectName } from '../src/db/dialect.js';
import { youngGenerationForMainThreadOnly } from '../src/platform/main-thread-heap.js';
// The server's own Node flags (bin/nudge.js): a benchmark measures the process `npm start` runs.
import serverFlags from '../bin/node-flags.json' with { type: 'json' };

/** Run `benchUrl` (the benchmark's import.meta.url) as a child measuring `dialect`; resolves with what it measured. */
export function measureInChild<T>(benchUrl: string, dialect: DialectName, nodeArgs: readonly string[] = []): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...serverFlags, '--import', 'tsx', ...nodeArgs, fileURLToPath(benchUrl), '--measure', dialect], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    // The child's last stdout line is the JSON of its own measure(): the type the caller names.
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop() ?? '{}') as T) : reject(new Error(`${dialect} measurement exited ${code}`))));
  });
}

/** In a child started by measureInChild: measure, print the result as the last stdout line, exit. */
export async function childMode<T>(measure: (dialect: DialectName) => Promise<T>): Promise<void> {
  if (process.argv[2] !== '--measure') return;
  // As the server's entry does (src/cli/main.ts): worker threads keep their own heap limits.
  youngGenerationForMainThreadOnly();
  try {
    const m = await measure(process.argv[3] === 'postgres' ? 'postgres' : 'sqlite');
    process.stdout.write(`${JSON.stringify(m)}\n`);
    process.exit(0);
  } catch (err) {
    console.error(err);
    process.exit(1);
  }
}
