#!/usr/bin/env node
import { Command } from 'commander';
import { ConfigError, loadConfig } from '../config/config.js';
import { seedDemoWorkspace } from '../demo/demo.service.js';
import { createNudge } from '../server/nudge.js';
import { registerImportCommand } from './import.js';
import { registerNlpCommand } from './nlp.js';
import { progressBar } from './progress.js';
import { registerRecommendCommand } from './recommend.js';
import { ensureFirstAdmin } from './setup.js';
import { startCommand } from './start.js';
import { workerCommand } from './worker.js';
import { youngGenerationForMainThreadOnly } from '../platform/main-thread-heap.js';

youngGenerationForMainThreadOnly();

const program = new Command('nudge').description('Nudge: self-hosted, AI-native marketing automation').version('0.1.0');

program
  .command('start')
  .description('Run Nudge (API, dashboard, workers) in one process')
  .option('--no-demo', 'do not create the demo workspace on an empty database')
  .option('-p, --port <port>', 'port to listen on (default $PORT or 3000)')
  .action(async (opts: { demo: boolean; port?: string }) => {
    await startCommand(loadConfig(undefined, opts.port ? { port: Number(opts.port) } : {}), { demo: opts.demo });
  });

program
  .command('worker')
  .description('Run background jobs only, no HTTP (the scaled shape: any number of workers share the queue)')
  .action(async () => {
    await workerCommand(loadConfig());
  });

program
  .command('demo')
  .description('Create a demo workspace with a realistic synthetic shop')
  .option('--seed <seed>', 'random seed', 'nudge-demo')
  .option('--customers <n>', 'number of customers', '5000')
  .action(async (opts: { seed: string; customers: string }) => {
    const nudge = await createNudge(loadConfig());
    try {
      const admin = await ensureFirstAdmin(nudge);
      const bar = progressBar('Demo events');
      const result = await seedDemoWorkspace(nudge, { seed: opts.seed, customers: Number(opts.customers), memberUserId: admin.userId, onProgress: (d, t) => bar.update(d, t) });
      bar.stop();
      console.log(JSON.stringify({ ...result }, null, 2));
    } finally {
      await nudge.close();
    }
  });

const keys = program.command('keys').description('Workspace API keys');
keys
  .command('list')
  .description("Print workspaces' keys (secret keys revealed; treat the output as a secret)")
  .option('--workspace <idOrSlug>', 'only this workspace')
  .option('--json', 'machine-readable output')
  .action(async (opts: { workspace?: string; json?: boolean }) => {
    const nudge = await createNudge(loadConfig());
    try {
      const all = await nudge.workspaces.list();
      const chosen = opts.workspace ? all.filter((w) => w.id === opts.workspace || w.slug === opts.workspace) : all;
      if (opts.workspace && chosen.length === 0) throw new Error(`No workspace ${opts.workspace}`);
      const out = [];
      for (const w of chosen) {
        const list = await nudge.workspaces.listKeys(w.id);
        const withSecrets = [];
        for (const k of list) withSecrets.push({ ...k, key: await nudge.workspaces.revealKey(w.id, k.id, 'cli') });
        out.push({ workspace: { id: w.id, name: w.name, slug: w.slug, isDemo: w.isDemo }, keys: withSecrets });
      }
      if (opts.json) console.log(JSON.stringify(out, null, 2));
      else for (const w of out) {
        console.log(`${w.workspace.name} (${w.workspace.id})`);
        for (const k of w.keys) console.log(`  ${k.kind.padEnd(6)} ${k.key}  ${k.name}`);
      }
    } finally {
      await nudge.close();
    }
  });

program
  .command('migrate')
  .description('Apply database migrations and exit')
  .action(async () => {
    const nudge = await createNudge(loadConfig());
    console.log(`Migrated ${nudge.database.dialect.name} at ${nudge.database.location}`);
    await nudge.close();
  });

registerImportCommand(program);
registerNlpCommand(program);
registerRecommendCommand(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof ConfigError) console.error(err.message);
  else console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
