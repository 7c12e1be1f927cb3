import fs from 'node:fs';
import type { Command } from 'commander';
import { loadConfig } from '../config/config.js';
import type { Csr } from '../ml/sparse.js';
import { availableAlgorithms } from '../recommend/algorithms.js';
import { binaryInteractions } from '../recommend/interactions.js';
import { fitAll, type FittedModel } from '../recommend/recommend.fit.js';
import { TrainableAlgorithm } from '../recommend/recommend.schema.js';
import { createNudge } from '../server/nudge.js';
import { progressBar } from './progress.js';

/**
 * `nudge recommend evaluate`: the offline protocol (seeded global random 80/20 split, full ranking
 * without training items, P@10 / R@10 / NDCG@10) on an interactions file, for every algorithm or a
 * chosen few. `nudge recommend train`: a training run on a workspace's own events, stored as model
 * versions (what the dashboard's "Train now" does), with the comparison printed.
 */

/** Lines of `user item [weight] [timestamp]` separated by tabs, commas or spaces (MovieLens u.data, a CSV export); a header line is skipped. */
export function readInteractionsFile(path: string): { matrix: Csr; users: number; items: number } {
  if (!fs.existsSync(path)) throw new Error(`No such file: ${path}`);
  const pairs: Array<[string, string]> = [];
  const lines = fs.readFileSync(path, 'utf8').split(/\r?\n/);
  lines.forEach((line, n) => {
    const text = line.trim();
    if (!text || text.startsWith('#')) return;
    const cells = text.split(/[\t,; ]+/);
    if (cells.length < 2) throw new Error(`${path}:${n + 1}: expected "user item [weight]", got "${text.slice(0, 80)}"`);
    // A header (user,item,…) is skipped; so is any line whose weight is not a number.
    if (n === 0 && /^(user|customer|profile)/i.test(cells[0] ?? '')) return;
    const [u = '', i = ''] = cells;
    pairs.push([u, i]);
  });
  if (pairs.length < 10) throw new Error(`${path}: ${pairs.length} interactions; at least 10 are needed to evaluate`);
  // Every interaction is a positive with weight 1 (the protocol of the published bars).
  return binaryInteractions(pairs);
}

function parseAlgorithms(list: string | undefined): TrainableAlgorithm[] {
  if (!list) return availableAlgorithms();
  return list.split(',').map((a) => {
    const parsed = TrainableAlgorithm.safeParse(a.trim());
    if (!parsed.success) throw new Error(`Unknown algorithm "${a}" (one of: ${availableAlgorithms().join(', ')})`);
    return parsed.data;
  });
}

function printTable(models: readonly Pick<FittedModel, 'algorithm' | 'metrics' | 'ms'>[]): void {
  const rows = models.map((m) => [m.algorithm, m.metrics.precision.toFixed(4), m.metrics.recall.toFixed(4), m.metrics.ndcg.toFixed(4), `${(m.ms / 1000).toFixed(2)} s`]);
  const head = ['algorithm', 'P@10', 'R@10', 'NDCG@10', 'train'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(head));
  for (const r of rows) console.log(line(r));
}

export function registerRecommendCommand(program: Command): void {
  const recommend = program.command('recommend').description('Recommendation models: offline evaluation and training');
  recommend
    .command('evaluate')
    .description('Compare algorithms on an interactions file (user item [weight]) with a seeded 80/20 split')
    .requiredOption('--file <path>', 'interactions file (e.g. MovieLens u.data, or a CSV of user,item)')
    .option('--algorithms <list>', `comma-separated (default: all of ${availableAlgorithms().join(', ')})`)
    .option('--seed <seed>', 'split and training seed', 'nudge-recommend-1')
    .action((opts: { file: string; algorithms?: string; seed: string }) => {
      const algorithms = parseAlgorithms(opts.algorithms).filter((a) => a !== 'content');
      if (!algorithms.includes('popularity')) algorithms.unshift('popularity');
      const data = readInteractionsFile(opts.file);
      console.log(`${data.users} customers × ${data.items} items, ${data.matrix.indices.length} interactions`);
      const bar = progressBar('Training');
      const models = fitAll({ matrix: data.matrix, ages: new Float32Array(data.matrix.indices.length), itemTexts: [], algorithms, seed: opts.seed }, (f) => bar.update(Math.round(f * 100), 100));
      bar.update(100, 100);
      bar.stop();
      printTable(models);
    });
  recommend
    .command('train')
    .description("Train on a workspace's own events and store the versions (as the dashboard's Train now does)")
    .requiredOption('--workspace <idOrSlug>', 'workspace id or slug')
    .option('--algorithms <list>', 'comma-separated (default: the workspace settings)')
    .action(async (opts: { workspace: string; algorithms?: string }) => {
      const nudge = await createNudge(loadConfig());
      try {
        const w = (await nudge.workspaces.list()).find((x) => x.id === opts.workspace || x.slug === opts.workspace);
        if (!w) throw new Error(`No workspace ${opts.workspace}`);
        const bar = progressBar('Training');
        const result = await nudge.recommendations.trainNow(w.id, {
          ...(opts.algorithms ? { algorithms: parseAlgorithms(opts.algorithms) } : {}),
          onProgress: async (f) => bar.update(Math.round(f * 100), 100),
        });
        bar.stop();
        console.log(`Run ${result.runId}: ${result.status}; promoted ${result.promotedId ?? 'none'}`);
        for (const m of result.models) console.log(`  ${m.algorithm.padEnd(12)} NDCG@10 ${m.ndcg.toFixed(4)}  (${m.id})`);
      } finally {
        await nudge.close();
      }
    });
}
