// Datasets for `npm run bench -- nlp`, read from ../shared/data at benchmark time (never copied
// into the repo), with fixed seeded splits so our model and scikit-learn see the same texts.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { createRng } from '../src/ml/rng.js';

export const DATA_DIR = process.env.NUDGE_SHARED_DATA ?? path.resolve(import.meta.dirname, '../../shared/data');
export const SPLIT_SEED = 'nudge-nlp-bench-1';

export interface Labelled {
  texts: string[];
  labels: string[];
}

/** A task: train and test texts (and, for OOS, a validation set used to choose thresholds). */
export interface Task {
  key: string;
  title: string;
  lang: 'zh' | 'en';
  train: Labelled;
  test: Labelled;
}

const read = (...p: string[]) => fs.readFileSync(path.join(DATA_DIR, ...p), 'utf8');
const lines = (s: string) => s.split('\n').filter((l, i, a) => l !== '' || i < a.length - 1);

function folder(dir: string): Labelled {
  const texts = lines(read(dir, 'seq.in'));
  const labels = lines(read(dir, 'label'));
  if (texts.length !== labels.length) throw new Error(`${dir}: ${texts.length} texts, ${labels.length} labels`);
  return { texts, labels };
}

/** Stratified seeded split: `testFraction` of each label to test. */
export function split(all: Labelled, testFraction: number, seed: string): { train: Labelled; test: Labelled } {
  const rng = createRng(seed);
  const byLabel = new Map<string, number[]>();
  all.labels.forEach((l, i) => byLabel.set(l, [...(byLabel.get(l) ?? []), i]));
  const trainIdx: number[] = [];
  const testIdx: number[] = [];
  for (const label of [...byLabel.keys()].sort()) {
    const idx = rng.shuffle([...(byLabel.get(label) ?? [])]);
    const nTest = Math.round(idx.length * testFraction);
    idx.forEach((r, j) => (j < nTest ? testIdx : trainIdx).push(r));
  }
  // Interleave classes again (a seeded shuffle), so order carries no label information.
  rng.shuffle(trainIdx);
  rng.shuffle(testIdx);
  const pick = (ix: number[]): Labelled => ({ texts: ix.map((i) => all.texts[i]!), labels: ix.map((i) => all.labels[i]!) });
  return { train: pick(trainIdx), test: pick(testIdx) };
}

function csv(file: string, textCol: string): Labelled {
  const rows = parse(read(file), { columns: true, skip_empty_lines: true, bom: true, relax_quotes: true }) as Record<string, string>[]; // Safe: columns: true yields one string record per row.
  const out: Labelled = { texts: [], labels: [] };
  for (const r of rows) {
    const text = (r[textCol] ?? '').replace(/\uFEFF/g, '').trim();
    if (text === '' || (r.label !== '0' && r.label !== '1')) continue;
    out.texts.push(text);
    out.labels.push(r.label === '1' ? 'positive' : 'negative');
  }
  return out;
}

export function chnSentiCorp(): Task {
  const { train, test } = split(csv('ChnSentiCorp_htl_all/ChnSentiCorp_htl_all.csv', 'review'), 0.2, `${SPLIT_SEED}/chnsenticorp`);
  return { key: 'chnsenticorp', title: 'ChnSentiCorp_htl_all sentiment', lang: 'zh', train, test };
}

export function onlineShopping(): Task {
  const { train, test } = split(csv('online_shopping_10_cats/online_shopping_10_cats.csv', 'review'), 0.2, `${SPLIT_SEED}/shopping`);
  return { key: 'shopping', title: 'online_shopping_10_cats sentiment', lang: 'zh', train, test };
}

export function smsSpam(): Task {
  const all: Labelled = { texts: [], labels: [] };
  for (const line of lines(read('sms_spam_collection/SMSSpamCollection'))) {
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    all.labels.push(line.slice(0, tab));
    all.texts.push(line.slice(tab + 1));
  }
  const { train, test } = split(all, 0.2, `${SPLIT_SEED}/sms`);
  return { key: 'sms', title: 'SMS spam', lang: 'en', train, test };
}

/** BANKING77 with its full training set (train 8,622 + valid 1,540) and the official test set (3,080). */
export function banking77(): Task {
  const a = folder('BANKING77/train');
  const b = folder('BANKING77/valid');
  return { key: 'banking77', title: 'BANKING77 intent', lang: 'en', train: { texts: [...a.texts, ...b.texts], labels: [...a.labels, ...b.labels] }, test: folder('BANKING77/test') };
}

export interface OosTask {
  train: Labelled;
  /** The out-of-scope training split (id-oos/train: queries of 27 held-out banking intents, label "oos"). */
  trainOos: string[];
  /** In-scope and out-of-scope validation texts, for choosing the thresholds. */
  valid: { inScope: Labelled; oos: string[] };
  /** Test OOS kept apart: in-domain (27 held-out banking intents) and out-of-domain (general queries). */
  test: { inScope: Labelled; idOos: string[]; oodOos: string[] };
}

/** BANKING77-OOS: 50 in-scope intents; OOS = in-domain held-out intents + out-of-domain queries. */
export function banking77Oos(): OosTask {
  const oos = (...dirs: string[]) => dirs.flatMap((d) => folder(d).texts);
  return {
    train: folder('BANKING77-OOS/train'),
    trainOos: oos('BANKING77-OOS/id-oos/train'),
    valid: { inScope: folder('BANKING77-OOS/valid'), oos: oos('BANKING77-OOS/id-oos/valid', 'BANKING77-OOS/ood-oos/valid') },
    test: { inScope: folder('BANKING77-OOS/test'), idOos: oos('BANKING77-OOS/id-oos/test'), oodOos: oos('BANKING77-OOS/ood-oos/test') },
  };
}
