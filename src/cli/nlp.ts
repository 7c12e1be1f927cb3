import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { trainClassifier } from '../nlp/classifier.js';
import { evaluateClassifier, readLabelledCsv, stratifiedSplit, type EvaluationReport } from '../nlp/dataset.js';
import { TRAINING_PRESETS, type DefaultTask } from '../nlp/defaults.js';
import { readClassifierFile, writeClassifierFile } from '../nlp/model-file.js';
import { UserError } from '../platform/errors.js';
import { say } from '../platform/language.js';
import { loadConfig } from '../config/config.js';
import { createNudge } from '../server/nudge.js';
import { workspaceModelPath } from '../nlp/workspace-models.js';
import { progressBar } from './progress.js';

const TASKS: readonly DefaultTask[] = ['sentiment', 'intent', 'spam'];

export interface NlpTrainOptions {
  task: string;
  data: string;
  out: string;
  textColumn?: string;
  labelColumn?: string;
  /** Fraction of each label held out to report accuracy on (default 0.2). */
  testFraction?: number;
  seed?: string;
}

export interface NlpTrainResult {
  heldOutAccuracy: number;
  heldOut: EvaluationReport;
  trainSize: number;
  labels: readonly string[];
  bytes: number;
}

/**
 * `nudge nlp train`: hold out a stratified slice, train with the task's preset on the rest and
 * report accuracy on the slice; then train the saved model on every row (same options and seed).
 */
export function nlpTrain(o: NlpTrainOptions, log: (line: string) => void = console.log): NlpTrainResult {
  if (!(TASKS as readonly string[]).includes(o.task)) throw new UserError('NLP_UNKNOWN_TASK', say(`unknown task "${o.task}": use one of ${TASKS.join(', ')}`, `未知的任务类型 "${o.task}"，可选：${TASKS.join(', ')}`), { field: 'task' });
  const task = o.task as DefaultTask; // Safe: checked against TASKS just above.
  if (!/\.json(\.gz)?$/.test(o.out)) throw new UserError('NLP_BAD_OUTPUT', say(`--out must name a .json or .json.gz file, got ${o.out}`, `--out 必须是 .json 或 .json.gz 文件（当前为 ${o.out}）`), { field: 'out' });
  const fraction = o.testFraction ?? 0.2;
  const seed = o.seed ?? 'nudge-nlp-cli-1';
  const data = readLabelledCsv(o.data, { text: o.textColumn, label: o.labelColumn });
  const { train, held } = stratifiedSplit(data, fraction, seed);
  if (held.texts.length === 0) throw new UserError('NLP_DATA_TOO_SMALL', say(`${o.data}: too few rows to hold any out for evaluation (need at least 2 of some label)`, `${o.data}: 数据行太少，无法留出评估集（至少要有一个标签有 2 行）`), { field: 'data' });
  const labels = [...new Set(data.labels)].sort();
  log(`${data.texts.length} rows, ${labels.length} labels (${labels.slice(0, 8).join(', ')}${labels.length > 8 ? ', …' : ''}); holding out ${held.texts.length} for evaluation`);

  const bar = progressBar('Training');
  const options = { ...TRAINING_PRESETS[task], seed };
  // Two trainings (the evaluation model and the final one), each reporting its own progress.
  const phase = (offset: number) => (done: number, total: number) => bar.update(offset * total + done, 2 * total);
  const probe = trainClassifier(train.texts, train.labels, { ...options, onProgress: phase(0) });
  const report = evaluateClassifier(probe, held);
  const model = trainClassifier(data.texts, data.labels, { ...options, onProgress: phase(1) });
  bar.stop();
  const bytes = writeClassifierFile(o.out, model, { task, seed, data: path.basename(o.data), rows: data.texts.length, heldOut: held.texts.length, heldOutAccuracy: report.accuracy, trainedAt: new Date().toISOString() });
  log(`held-out accuracy ${report.accuracy.toFixed(4)} on ${held.texts.length} texts (${train.texts.length} trained on, then refit on all ${data.texts.length})`);
  log(`model written to ${o.out} (${(bytes / 1024).toFixed(0)} KiB)`);
  return { heldOutAccuracy: report.accuracy, heldOut: report, trainSize: train.texts.length, labels: model.labels, bytes };
}

export interface NlpEvaluateOptions {
  model: string;
  data: string;
  textColumn?: string;
  labelColumn?: string;
}

/** `nudge nlp evaluate`: accuracy, per-class precision/recall and the commonest confusions. */
export function nlpEvaluate(o: NlpEvaluateOptions, log: (line: string) => void = console.log): EvaluationReport {
  const { model } = readClassifierFile(o.model);
  const data = readLabelledCsv(o.data, { text: o.textColumn, label: o.labelColumn }, { minClasses: 1 });
  const bar = progressBar('Evaluating');
  const report = evaluateClassifier(model, data, (d, t) => bar.update(d, t));
  bar.stop();
  log(formatReport(report));
  return report;
}

/** The report as a terminal table. */
export function formatReport(r: EvaluationReport): string {
  const width = Math.max(5, ...r.classes.map((c) => c.label.length));
  const lines = [`accuracy ${r.accuracy.toFixed(4)} on ${r.size} texts`, '', `${'label'.padEnd(width)}  precision  recall  support`];
  for (const c of r.classes) lines.push(`${c.label.padEnd(width)}  ${c.precision.toFixed(3).padStart(9)}  ${c.recall.toFixed(3).padStart(6)}  ${String(c.support).padStart(7)}`);
  if (r.unknownLabels.length > 0) lines.push('', `labels the model cannot predict: ${r.unknownLabels.join(', ')}`);
  lines.push('', r.confusions.length > 0 ? 'most frequent confusions (actual → predicted):' : 'no confusions');
  for (const c of r.confusions) lines.push(`  ${c.actual} → ${c.predicted}: ${c.count}`);
  return lines.join('\n');
}

/** Run a command body, turning a UserError into its message and exit code 1 (no stack trace). */
function guarded(run: () => void): void {
  try {
    run();
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    console.error(`error ${err.code}${err.field ? ` [${err.field}]` : ''}: ${err.message}`);
    process.exitCode = 1;
  }
}

/** Where `--workspace` installs a model (the workspace must exist; found by id or slug). */
async function installPath(idOrSlug: string, task: DefaultTask): Promise<string | undefined> {
  const config = loadConfig();
  const nudge = await createNudge(config);
  try {
    const w = (await nudge.workspaces.list()).find((x) => x.id === idOrSlug || x.slug === idOrSlug);
    if (!w) {
      console.error(`error NLP_UNKNOWN_WORKSPACE [workspace]: no workspace ${idOrSlug}`);
      process.exitCode = 1;
      return undefined;
    }
    return workspaceModelPath(config.dataDir, w.id, task);
  } finally {
    await nudge.close();
  }
}

/** `nudge nlp train|evaluate`. */
export function registerNlpCommand(program: Command): void {
  const nlp = program.command('nlp').description('Train and evaluate text classifiers (sentiment, intent, spam)');
  nlp
    .command('train')
    .description('Train a classifier from a labelled CSV with the task preset (seeded, calibrated) and print its held-out accuracy')
    .requiredOption('--task <task>', `sentiment, intent or spam`)
    .requiredOption('--data <file>', 'CSV with a header row')
    .option('--out <file>', 'model file to write (.json or .json.gz)')
    .option('--workspace <idOrSlug>', "install the model for this workspace: its texts are analysed with it from the next batch on")
    .option('--text-column <name>', 'column holding the text', 'text')
    .option('--label-column <name>', 'column holding the label', 'label')
    .option('--test-fraction <f>', 'fraction of each label held out for the accuracy figure', '0.2')
    .option('--seed <seed>', 'random seed', 'nudge-nlp-cli-1')
    .action(async (opts: { task: string; data: string; out?: string; workspace?: string; textColumn: string; labelColumn: string; testFraction: string; seed: string }) => {
      const known = (TASKS as readonly string[]).includes(opts.task);
      const out = opts.workspace && known ? await installPath(opts.workspace, opts.task as DefaultTask) : opts.out; // a known task: checked just above
      if (opts.workspace && known && out === undefined) return; // no such workspace: said so
      guarded(() => {
        if (!out) throw new UserError('NLP_BAD_OUTPUT', say('say where the model goes: --out <file> or --workspace <id>', '请指定模型的保存位置：--out <file> 或 --workspace <id>'), { field: 'out' });
        const f = Number(opts.testFraction);
        if (!(f > 0 && f < 1)) throw new UserError('NLP_BAD_OPTION', say(`--test-fraction must be in (0, 1), got ${opts.testFraction}`, `--test-fraction 必须在 (0, 1) 之间（当前为 ${opts.testFraction}）`), { field: 'test-fraction' });
        fs.mkdirSync(path.dirname(out), { recursive: true });
        nlpTrain({ ...opts, out, testFraction: f });
      });
    });
  nlp
    .command('evaluate')
    .description('Accuracy, per-class precision/recall and confusions of a model on a labelled CSV')
    .requiredOption('--model <file>', 'model file (.json or .json.gz)')
    .requiredOption('--data <file>', 'CSV with a header row')
    .option('--text-column <name>', 'column holding the text', 'text')
    .option('--label-column <name>', 'column holding the label', 'label')
    .action((opts: { model: string; data: string; textColumn: string; labelColumn: string }) => guarded(() => void nlpEvaluate(opts)));
}
