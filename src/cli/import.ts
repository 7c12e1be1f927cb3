import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../config/config.js';
import { ImportKind, ImportMode, type ImportJob } from '../imports/import.schema.js';
import type { ImportProgress } from '../imports/import.service.js';
import type { Nudge } from '../server/nudge.js';
import { createNudge } from '../server/nudge.js';
import { progressBar } from './progress.js';

/** Row errors printed after the summary; the rest are in the job (dashboard / API). */
const SHOWN_ERRORS = 20;

/** `nudge import <kind> <file>`: import a CSV with a progress bar, then print the outcome. Exit code 1 when the import failed. */
export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description('Import a CSV file of profiles, orders or catalog items')
    .argument('<kind>', `what the file holds: ${ImportKind.options.join(', ')}`)
    .argument('<file>', 'the CSV file (UTF-8, header row first)')
    .option('--mode <mode>', 'valid_rows: import the rows that pass; all_or_nothing: any bad row imports nothing', 'valid_rows')
    .option('--workspace <idOrSlug>', 'the workspace to import into (needed when there are several)')
    .action(async (kindArg: string, file: string, opts: { mode: string; workspace?: string }) => {
      const kind = ImportKind.safeParse(kindArg);
      if (!kind.success) throw new Error(`Unknown kind "${kindArg}": use one of ${ImportKind.options.join(', ')}`);
      const mode = ImportMode.safeParse(opts.mode);
      if (!mode.success) throw new Error(`Unknown mode "${opts.mode}": use one of ${ImportMode.options.join(', ')}`);
      const stat = await fs.promises.stat(file).catch(() => null);
      if (!stat?.isFile()) throw new Error(`No file ${file}`);

      const nudge = await createNudge(loadConfig());
      try {
        const workspace = await chooseWorkspace(nudge, opts.workspace);
        const bars = progressBars();
        const t0 = Date.now();
        const job = await nudge.imports.run(
          workspace.id,
          { kind: kind.data, mode: mode.data, fileName: path.basename(file), totalBytes: stat.size, onProgress: bars.update },
          fs.createReadStream(file),
          'cli',
        );
        bars.stop();
        printSummary(job, workspace.name, (Date.now() - t0) / 1000);
        if (job.status === 'failed') process.exitCode = 1;
      } finally {
        await nudge.close();
      }
    });
}

async function chooseWorkspace(nudge: Nudge, idOrSlug: string | undefined): Promise<{ id: string; name: string }> {
  const all = await nudge.workspaces.list();
  if (idOrSlug) {
    const found = all.find((w) => w.id === idOrSlug || w.slug === idOrSlug);
    if (!found) throw new Error(`No workspace ${idOrSlug}`);
    return found;
  }
  const only = all.length === 1 ? all[0] : undefined;
  if (only) return only;
  if (all.length === 0) throw new Error('There is no workspace yet: run `nudge start` once, or `nudge demo`');
  throw new Error(`Choose a workspace with --workspace: ${all.map((w) => `${w.slug} (${w.name})`).join(', ')}`);
}

/** One bar while the file is read (KB of the file), a second while an all_or_nothing import writes (rows). */
function progressBars(): { update(p: ImportProgress): void; stop(): void } {
  const reading = progressBar('Reading (KB)');
  let writing: ReturnType<typeof progressBar> | null = null;
  return {
    update(p) {
      if (p.phase === 'reading') {
        const total = p.job.totalBytes ?? p.job.processedBytes;
        reading.update(Math.ceil(p.job.processedBytes / 1024), Math.max(1, Math.ceil(total / 1024)));
        return;
      }
      if (!writing) {
        reading.stop();
        writing = progressBar('Writing (rows)');
      }
      writing.update(p.rowsWritten, Math.max(1, p.rowsToWrite));
    },
    stop() {
      reading.stop();
      writing?.stop();
    },
  };
}

function printSummary(job: ImportJob, workspace: string, seconds: number): void {
  const n = (x: number) => x.toLocaleString('en-US');
  const lines = [
    '',
    `${job.status === 'completed' ? 'Import completed' : 'Import FAILED'}: ${job.kind} from ${job.fileName ?? 'file'} into "${workspace}" (${job.mode}), ${seconds.toFixed(1)} s`,
    `  rows read ${n(job.rowsProcessed)}, imported ${n(job.rowsImported)}, failed ${n(job.rowsFailed)}, already there (skipped) ${n(job.rowsSkipped)}`,
  ];
  if (job.failure) lines.push(`  ${job.failure.code}: ${job.failure.message}`);
  if (job.errors.length > 0) {
    lines.push(`  First errors (${n(Math.min(job.errors.length, SHOWN_ERRORS))} of ${n(Math.max(job.rowsFailed, job.errors.length))}; all in the dashboard, job ${job.id}):`);
    for (const e of job.errors.slice(0, SHOWN_ERRORS)) {
      lines.push(`    ${e.row === 0 ? 'file' : `row ${e.row}`}${e.field ? ` [${e.field}]` : ''} ${e.code}: ${e.message}`);
    }
  }
  console.log(lines.join('\n'));
}
