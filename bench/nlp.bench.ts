// `npm run bench -- nlp`: Nudge's text classifier (src/nlp) on Chinese sentiment (ChnSentiCorp_htl_all,
// online_shopping_10_cats), English SMS spam and BANKING77 intents, against scikit-learn TF-IDF +
// LogisticRegression and + LinearSVC on the same fixed seeded splits (bench/nlp.reference.py, run
// first so the two never share the CPU); then out-of-scope detection on BANKING77-OOS by
// thresholds on calibrated probability and margin (src/nlp/scope.ts), chosen on validation data.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expectedCalibrationError } from '../src/nlp/calibrate.js';
import { predict, trainClassifier, type TextClassifier } from '../src/nlp/classifier.js';
import { chooseThresholds, thresholdCurve, type ThresholdPoint } from '../src/nlp/scope.js';
import { SENTIMENT_OPTIONS } from '../src/nlp/sentiment.js';
import { banking77, banking77Oos, chnSentiCorp, onlineShopping, smsSpam, type Labelled, type Task } from './nlp.data.js';
import { report, type Figure } from './report.js';

const SEED = 'nudge-nlp-model-1';
const PYTHON = process.env.BENCH_PYTHON ?? '/usr/bin/python3';
/** Accuracy bars from the issue. */
const BARS: Record<string, number> = { chnsenticorp: 0.9, shopping: 0.93, sms: 0.985, banking77: 0.88 };
const SHORT_TEXT_TASKS = new Set(['sms', 'banking77']);

interface PeerResult {
  accuracy: number;
  spam_recall: number | null;
  fit_seconds: number;
  texts_per_second: number;
}
type PeerResults = Record<string, Record<'logreg' | 'linearsvc', PeerResult>>;

interface OurResult {
  accuracy: number;
  spamRecall: number | null;
  ece: number;
  fitSeconds: number;
  textsPerSecond: number;
}

const log = (msg: string) => process.stderr.write(`[nlp] ${msg}\n`);

function runPeer(tasks: Task[]): PeerResults {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nudge-nlp-')), 'splits.json');
  fs.writeFileSync(file, JSON.stringify({ tasks: tasks.map((t) => ({ key: t.key, lang: t.lang, train: t.train, test: t.test })) }));
  const script = path.join(import.meta.dirname, 'nlp.reference.py');
  const r = spawnSync(PYTHON, [script, file], { encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' } });
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`nlp.reference.py failed (${r.status}): ${r.stderr}`);
  // The script's last stdout line is its JSON result, shaped as PeerResults.
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as PeerResults;
}

/** Texts per second for one-at-a-time prediction (how the product calls it), after a warm-up pass. */
function throughput(model: TextClassifier, texts: readonly string[]): number {
  const scratch = new Float64Array(model.labels.length);
  const warm = Math.min(texts.length, 500);
  for (let i = 0; i < warm; i++) predict(model, texts[i]!, scratch);
  let best = 0;
  for (let run = 0; run < 3; run++) {
    const t0 = performance.now();
    for (const t of texts) predict(model, t, scratch);
    best = Math.max(best, texts.length / ((performance.now() - t0) / 1000));
  }
  return best;
}

function evaluate(model: TextClassifier, test: Labelled): { accuracy: number; spamRecall: number | null; ece: number } {
  const K = model.labels.length;
  const probs = new Float64Array(test.texts.length * K);
  const y = new Int32Array(test.texts.length);
  let correct = 0;
  let spam = 0;
  let caught = 0;
  test.texts.forEach((t, i) => {
    const p = predict(model, t);
    probs.set(p.probabilities, i * K);
    y[i] = model.labels.indexOf(test.labels[i]!);
    if (p.label === test.labels[i]) correct++;
    if (test.labels[i] === 'spam') {
      spam++;
      if (p.label === 'spam') caught++;
    }
  });
  return { accuracy: correct / test.texts.length, spamRecall: spam > 0 ? caught / spam : null, ece: expectedCalibrationError(probs, y, K) };
}

function runOurs(task: Task): OurResult {
  const t0 = performance.now();
  // Sentiment tasks use the product's sentiment preset (NB-SVM); spam and intent the defaults.
  const options = task.key === 'chnsenticorp' || task.key === 'shopping' ? SENTIMENT_OPTIONS : {};
  const model = trainClassifier(task.train.texts, task.train.labels, { ...options, seed: SEED });
  const fitSeconds = (performance.now() - t0) / 1000;
  const quality = evaluate(model, task.test);
  return { ...quality, fitSeconds, textsPerSecond: throughput(model, task.test.texts) };
}

interface OosResult {
  chosen: ThresholdPoint;
  test: { inScopeAccuracy: number; oosRecall: number; idOosRecall: number; oodOosRecall: number; inScopeAccuracyNoThreshold: number };
  curve: ThresholdPoint[];
}

function runOos(): OosResult {
  const data = banking77Oos();
  const model = trainClassifier(data.train.texts, data.train.labels, { seed: SEED });
  const scoreIn = (l: Labelled) =>
    l.texts.map((t, i) => {
      const p = predict(model, t);
      return { probability: p.probability, margin: p.margin, correct: p.label === l.labels[i] };
    });
  const scoreOut = (texts: string[]) => texts.map((t) => predict(model, t));
  const validCurve = thresholdCurve(scoreIn(data.valid.inScope), scoreOut(data.valid.oos));
  // Leave a little room on validation so the test set, scored once, still clears the 0.85 bar.
  const chosen = chooseThresholds(validCurve, 0.87);
  const testIn = scoreIn(data.test.inScope);
  const at = (out: string[]) => thresholdCurve(testIn, scoreOut(out), { probabilities: [chosen.minProbability], margins: [chosen.minMargin] })[0]!;
  const point = at([...data.test.idOos, ...data.test.oodOos]);
  return {
    chosen,
    test: { inScopeAccuracy: point.inScopeAccuracy, oosRecall: point.oosRecall, idOosRecall: at(data.test.idOos).oosRecall, oodOosRecall: at(data.test.oodOos).oosRecall, inScopeAccuracyNoThreshold: testIn.filter((q) => q.correct).length / testIn.length },
    curve: validCurve,
  };
}

function printCurve(curve: ThresholdPoint[], chosenMargin: number): void {
  console.log(`\nBANKING77-OOS validation threshold curve (margin >= ${chosenMargin}; in-scope accuracy / OOS recall):`);
  for (const p of curve.filter((q) => q.minMargin === chosenMargin)) {
    console.log(`  p >= ${p.minProbability.toFixed(2)}   in-scope ${p.inScopeAccuracy.toFixed(3)}   oos recall ${p.oosRecall.toFixed(3)}`);
  }
  console.log('');
}

const r3 = (v: number) => v.toFixed(3);

export default async function nlpBench(args: string[]): Promise<void> {
  const only = args.length > 0 ? new Set(args) : undefined;
  const tasks = [chnSentiCorp(), onlineShopping(), smsSpam(), banking77()].filter((t) => !only || only.has(t.key));
  log(`scikit-learn reference on ${tasks.map((t) => t.key).join(', ')} …`);
  const peer = runPeer(tasks);
  const figures: Figure[] = [];
  const extra: Record<string, unknown> = {};
  for (const task of tasks) {
    log(`ours on ${task.key} (${task.train.texts.length} train / ${task.test.texts.length} test) …`);
    const ours = runOurs(task);
    const lr = peer[task.key]?.logreg;
    const svc = peer[task.key]?.linearsvc;
    if (!lr || !svc) throw new Error(`no scikit-learn result for ${task.key}`);
    const bestPeer = Math.max(lr.accuracy, svc.accuracy);
    extra[task.key] = { ours, sklearn: { logreg: lr, linearsvc: svc } };
    const anchor = `sklearn LR ${r3(lr.accuracy)}, LinearSVC ${r3(svc.accuracy)}; ours/best ${(ours.accuracy / bestPeer).toFixed(3)}`;
    figures.push({ name: `${task.key} accuracy`, value: ours.accuracy, unit: '', target: `>= ${BARS[task.key]}`, anchor });
    figures.push({ name: `${task.key} accuracy − best sklearn`, value: ours.accuracy - bestPeer, unit: '', target: '>= 0', anchor: `best sklearn ${r3(bestPeer)}` });
    if (ours.spamRecall !== null) {
      figures.push({ name: `${task.key} spam recall`, value: ours.spamRecall, unit: '', target: '>= 0.92', anchor: `sklearn LR ${r3(lr.spam_recall ?? 0)}, LinearSVC ${r3(svc.spam_recall ?? 0)}` });
    }
    figures.push({ name: `${task.key} calibration error (ECE)`, value: ours.ece, unit: '', target: '<= 0.05', anchor: 'Guo et al. 2017, 15 bins; temperature/Platt on a 10% held-out slice' });
    const peerTps = Math.max(lr.texts_per_second, svc.texts_per_second);
    figures.push({
      name: `${task.key} classification throughput`,
      value: ours.textsPerSecond,
      unit: 'texts/s',
      target: SHORT_TEXT_TASKS.has(task.key) ? '>= 20000' : '> 0',
      anchor: `one at a time, one core; sklearn batch LR ${Math.round(lr.texts_per_second)}, LinearSVC ${Math.round(svc.texts_per_second)}; ratio ${(ours.textsPerSecond / peerTps).toFixed(2)}`,
    });
    figures.push({ name: `${task.key} training time`, value: ours.fitSeconds, unit: 's', target: '> 0', anchor: `sklearn LR ${lr.fit_seconds.toFixed(1)} s, LinearSVC ${svc.fit_seconds.toFixed(1)} s` });
  }
  if (!only || only.has('oos')) {
    log('ours on BANKING77-OOS …');
    const oos = runOos();
    printCurve(oos.curve, oos.chosen.minMargin);
    const t = `thresholds p >= ${oos.chosen.minProbability}, margin >= ${oos.chosen.minMargin} chosen on validation`;
    figures.push({ name: 'banking77-oos in-scope accuracy', value: oos.test.inScopeAccuracy, unit: '', target: '>= 0.85', anchor: `${t}; without thresholds ${r3(oos.test.inScopeAccuracyNoThreshold)}` });
    figures.push({ name: 'banking77-oos out-of-scope recall', value: oos.test.oosRecall, unit: '', target: '>= 0.70', anchor: `${t}; in-domain OOS ${r3(oos.test.idOosRecall)}, out-of-domain ${r3(oos.test.oodOosRecall)}; Zhang et al. 2021 (arXiv:2106.04564) metrics` });
    extra.oos = { chosen: oos.chosen, test: oos.test };
  }
  report('nlp', figures, extra);
}
