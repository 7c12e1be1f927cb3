/**
 * Labelled text data for training and evaluating classifiers from a CSV file (header row first,
 * UTF-8, optional BOM), checked row by row: a bad row is reported with its number and column,
 * never skipped silently. Also a seeded stratified split and the evaluation report.
 */
import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { createRng } from '../ml/rng.js';
import { UserError } from '../platform/errors.js';
import { say } from '../platform/language.js';
import { predict, type TextClassifier } from './classifier.js';
import { pushTo } from '../platform/collections.js';

export interface LabelledTexts {
  texts: string[];
  labels: string[];
}

export interface CsvColumns {
  /** Column holding the text (default "text"). */
  text?: string;
  /** Column holding the label (default "label"). */
  label?: string;
}

/**
 * Read a labelled CSV. Row numbers in errors are the file's line-based record numbers with the
 * header as row 1, as a spreadsheet shows them. `minClasses` (default 2) is what training needs.
 */
export function readLabelledCsv(file: string, columns: CsvColumns = {}, options: { minClasses?: number } = {}): LabelledTexts {
  const textCol = columns.text ?? 'text';
  const labelCol = columns.label ?? 'label';
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch {
    throw new UserError('NLP_DATA_NOT_FOUND', say(`cannot read data file ${file}`, `无法读取数据文件 ${file}`), { field: 'data' });
  }
  let rows: string[][];
  try {
    // Safe: without `columns`, csv-parse/sync returns one string array per record.
    rows = parse(raw, { bom: true, skip_empty_lines: true, relax_column_count: true }) as string[][];
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new UserError('NLP_DATA_INVALID_CSV', say(`${file} is not valid CSV: ${reason}`, `${file} 不是有效的 CSV：${reason}`), { field: 'data' });
  }
  const header = (rows[0] ?? []).map((h) => h.trim());
  if (header.length === 0) throw new UserError('NLP_DATA_EMPTY', say(`${file} is empty (expected a header row with "${textCol}" and "${labelCol}")`, `${file} 是空文件（应有包含 "${textCol}" 和 "${labelCol}" 列的表头行）`), { field: 'data' });
  const ti = header.indexOf(textCol);
  const li = header.indexOf(labelCol);
  for (const [col, i, flag] of [[textCol, ti, '--text-column'], [labelCol, li, '--label-column']] as const) {
    if (i < 0) throw new UserError('NLP_DATA_MISSING_COLUMN', say(`${file} has no column "${col}" (columns: ${header.join(', ')}); choose one with ${flag}`, `${file} 中没有 "${col}" 列（现有列：${header.join(', ')}），请用 ${flag} 指定`), { field: col });
  }
  const out: LabelledTexts = { texts: [], labels: [] };
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r]!;
    const text = (row[ti] ?? '').trim();
    const label = (row[li] ?? '').trim();
    if (label === '') throw new UserError('NLP_DATA_EMPTY_LABEL', say(`row ${r + 1} of ${file}: column "${labelCol}" is empty`, `${file} 第 ${r + 1} 行："${labelCol}" 列为空`), { field: labelCol, details: { row: r + 1 } });
    if (text === '') throw new UserError('NLP_DATA_EMPTY_TEXT', say(`row ${r + 1} of ${file}: column "${textCol}" is empty`, `${file} 第 ${r + 1} 行："${textCol}" 列为空`), { field: textCol, details: { row: r + 1 } });
    out.texts.push(text);
    out.labels.push(label);
  }
  const classes = new Set(out.labels).size;
  const minClasses = options.minClasses ?? 2;
  if (classes < minClasses) {
    throw new UserError('NLP_DATA_TOO_FEW_CLASSES', say(`${file}: column "${labelCol}" has ${classes} distinct label${classes === 1 ? '' : 's'} in ${out.texts.length} rows; need at least ${minClasses}`, `${file}："${labelCol}" 列的 ${out.texts.length} 行中只有 ${classes} 种标签，至少需要 ${minClasses} 种`), { field: labelCol });
  }
  return out;
}

/** Seeded stratified split: about `fraction` of each label (at least one when it has two or more) to `held`. */
export function stratifiedSplit(data: LabelledTexts, fraction: number, seed: number | string): { train: LabelledTexts; held: LabelledTexts } {
  if (!(fraction > 0 && fraction < 1)) throw new RangeError(`stratifiedSplit: fraction must be in (0, 1), got ${fraction}`);
  const rng = createRng(seed).fork('evaluation-split');
  const byLabel = new Map<string, number[]>();
  data.labels.forEach((l, i) => pushTo(byLabel, l, i));
  const train: LabelledTexts = { texts: [], labels: [] };
  const held: LabelledTexts = { texts: [], labels: [] };
  for (const label of [...byLabel.keys()].sort()) {
    const idx = rng.shuffle([...(byLabel.get(label) ?? [])]);
    const n = idx.length >= 2 ? Math.max(1, Math.round(idx.length * fraction)) : 0;
    idx.forEach((r, j) => {
      const to = j < n ? held : train;
      to.texts.push(data.texts[r]!);
      to.labels.push(data.labels[r]!);
    });
  }
  return { train, held };
}

export interface ClassReport {
  label: string;
  support: number;
  precision: number;
  recall: number;
}

export interface EvaluationReport {
  accuracy: number;
  size: number;
  classes: ClassReport[];
  /** The most frequent confusions, true label → predicted label. */
  confusions: { actual: string; predicted: string; count: number }[];
  /** Labels in the data that the model cannot predict. */
  unknownLabels: string[];
}

/** Accuracy, per-class precision/recall and the top confusions of a model on labelled texts. */
export function evaluateClassifier(model: TextClassifier, data: LabelledTexts, onProgress?: (done: number, total: number) => void): EvaluationReport {
  const names = [...new Set([...model.labels, ...data.labels])].sort();
  const at = new Map(names.map((n, i) => [n, i]));
  const N = names.length;
  const confusion = new Int32Array(N * N);
  const scratch = new Float64Array(model.labels.length);
  let correct = 0;
  data.texts.forEach((t, i) => {
    const got = predict(model, t, scratch).label;
    const want = data.labels[i]!;
    if (got === want) correct++;
    confusion[at.get(want)! * N + at.get(got)!]! += 1;
    if (onProgress && (i % 200 === 199 || i === data.texts.length - 1)) onProgress(i + 1, data.texts.length);
  });
  const classes: ClassReport[] = [];
  names.forEach((label, k) => {
    let support = 0;
    let predicted = 0;
    for (let j = 0; j < N; j++) {
      support += confusion[k * N + j]!;
      predicted += confusion[j * N + k]!;
    }
    if (support === 0 && predicted === 0) return;
    const tp = confusion[k * N + k]!;
    classes.push({ label, support, precision: predicted > 0 ? tp / predicted : 0, recall: support > 0 ? tp / support : 0 });
  });
  const confusions: EvaluationReport['confusions'] = [];
  for (let a = 0; a < N; a++) for (let p = 0; p < N; p++) if (a !== p && confusion[a * N + p]! > 0) confusions.push({ actual: names[a]!, predicted: names[p]!, count: confusion[a * N + p]! });
  confusions.sort((x, y) => y.count - x.count || x.actual.localeCompare(y.actual) || x.predicted.localeCompare(y.predicted));
  const known = new Set(model.labels);
  return { accuracy: data.texts.length > 0 ? correct / data.texts.length : 0, size: data.texts.length, classes, confusions: confusions.slice(0, 10), unknownLabels: [...new Set(data.labels)].filter((l) => !known.has(l)).sort() };
}
