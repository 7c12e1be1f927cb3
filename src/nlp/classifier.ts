/**
 * Nudge's trainable text classifier: hashed word and character n-grams (features.ts), TF-IDF
 * weighted (sublinear tf, smoothed idf, L2-normalised rows, as in Manning, Raghavan & Schütze
 * 2008, §6.4), a linear multiclass scorer (solvers.ts) and a calibration map fitted on held-out
 * data (calibrate.ts). One family serves sentiment, intent and spam/abuse.
 *
 * Only buckets seen in training keep weights ("vocab"): a bucket no training text hit would
 * have zero weight anyway, and storing seen buckets alone keeps models small.
 */
import { z } from 'zod';
import type { Csr } from '../ml/sparse.js';
import { createRng } from '../ml/rng.js';
import { decodeFloat32, decodeInt32, encodeArray } from '../ml/serialize.js';
import { applyCalibration, fitPlatt, fitTemperature, identityCalibration, type Calibration } from './calibrate.js';
import { createFeaturizer, resolveFeatureOptions, type FeatureOptions, type Featurizer } from './features.js';
import { createScorer, type Scorer } from './scorer.js';
import { trainOvrSvm, trainSoftmax, type LinearWeights, type SoftmaxOptions, type SvmOptions } from './solvers.js';

export const MODEL_NAME = 'nudge.nlp.text-classifier';
export const MODEL_VERSION = 1;

/** Options for trainClassifier; every field has a default. */
export interface ClassifierOptions {
  features?: Partial<FeatureOptions>;
  /** Linear model: squared-hinge SVMs (default, chosen by bench/nlp.bench.ts) or softmax regression. */
  model?: 'svm' | 'softmax';
  svm?: SvmOptions;
  softmax?: SoftmaxOptions;
  /** Drop buckets seen in fewer training texts (default 2: a bucket seen once cannot generalise, and skipping it speeds prediction). */
  minDf?: number;
  /** Held-out texts for calibration; when absent, `holdout` of the training texts is set aside. */
  calibrationSet?: { texts: readonly string[]; labels: readonly string[] };
  /** Fraction held out for calibration when no calibrationSet is given (default 0.1; 0 = none). */
  holdout?: number;
  /** After calibrating on a held-out slice, retrain on every text (default true). */
  refit?: boolean;
  /** Cost multiplier per label for the SVM (default 1 each), e.g. to let a large "out of scope" class count for less. */
  classWeights?: Readonly<Record<string, number>>;
  /** Training progress: `done` of `total` linear problems solved (SVM only; softmax reports each fit). */
  onProgress?: (done: number, total: number) => void;
  seed?: number | string;
}

/** A trained classifier. Plain data plus the featuriser and bucket→slot table rebuilt from it. */
export interface TextClassifier {
  readonly labels: readonly string[];
  readonly features: FeatureOptions;
  /** Seen buckets, ascending; slot s holds bucket vocab[s]. */
  readonly vocab: Int32Array;
  readonly idf: Float32Array;
  /** weights[s·K + k] for slot s and class k. */
  readonly weights: Float32Array;
  readonly bias: Float32Array;
  readonly calibration: Calibration;
  readonly featurizer: Featurizer;
  /** The prediction-time layout of the weights (scorer.ts). */
  readonly scorer: Scorer;
}

/** One prediction: the best label, calibrated probabilities and the top-two margin. */
export interface Prediction {
  label: string;
  index: number;
  probability: number;
  /** Probability of the best class minus the runner-up's. */
  margin: number;
  probabilities: Float64Array;
}

interface Bags {
  offsets: Int32Array;
  buckets: Int32Array;
  counts: Float32Array;
}

/** Hash every text once; training reuses the bags for the vocabulary, idf and matrix. */
function hashAll(featurizer: Featurizer, texts: readonly string[]): Bags {
  const offsets = new Int32Array(texts.length + 1);
  let buckets = new Int32Array(1 << 16);
  let counts = new Float32Array(1 << 16);
  let used = 0;
  for (let i = 0; i < texts.length; i++) {
    const bag = featurizer.hash(texts[i]!);
    while (used + bag.buckets.length > buckets.length) {
      const nb = new Int32Array(buckets.length * 2);
      nb.set(buckets);
      buckets = nb;
      const nc = new Float32Array(counts.length * 2);
      nc.set(counts);
      counts = nc;
    }
    buckets.set(bag.buckets, used);
    counts.set(bag.counts, used);
    used += bag.buckets.length;
    offsets[i + 1] = used;
  }
  return { offsets, buckets: buckets.subarray(0, used), counts: counts.subarray(0, used) };
}

function slotTable(bits: number, vocab: Int32Array): Int32Array {
  const slotOf = new Int32Array(1 << bits).fill(-1);
  for (let s = 0; s < vocab.length; s++) slotOf[vocab[s]!] = s;
  return slotOf;
}

/** TF-IDF value of a count: sublinear tf (1 + ln tf) times idf. */
const tfidf = (count: number, idf: number) => (1 + Math.log(count)) * idf;

/** Vocabulary and smoothed idf, ln((1 + N)/(1 + df)) + 1, from the bags of the rows given. */
function fitVocabulary(bags: Bags, rows: Int32Array, bits: number, minDf: number): { vocab: Int32Array; idf: Float32Array } {
  const df = new Int32Array(1 << bits);
  for (const r of rows) for (let e = bags.offsets[r]!; e < bags.offsets[r + 1]!; e++) df[bags.buckets[e]!]! += 1;
  let size = 0;
  for (let b = 0; b < df.length; b++) if (df[b]! >= minDf) size++;
  const vocab = new Int32Array(size);
  const idf = new Float32Array(size);
  let s = 0;
  for (let b = 0; b < df.length; b++) {
    if (df[b]! < minDf) continue;
    vocab[s] = b;
    idf[s] = Math.log((1 + rows.length) / (1 + df[b]!)) + 1;
    s++;
  }
  return { vocab, idf };
}

/** The TF-IDF matrix of the chosen rows over a vocabulary. */
function buildMatrix(bags: Bags, rows: Int32Array, slotOf: Int32Array, idf: Float32Array): Csr {
  const indptr = new Int32Array(rows.length + 1);
  let nnz = 0;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    for (let e = bags.offsets[r]!; e < bags.offsets[r + 1]!; e++) if (slotOf[bags.buckets[e]!]! >= 0) nnz++;
    indptr[i + 1] = nnz;
  }
  const indices = new Int32Array(nnz);
  const data = new Float32Array(nnz);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    let at = indptr[i]!;
    let norm = 0;
    for (let e = bags.offsets[r]!; e < bags.offsets[r + 1]!; e++) {
      const s = slotOf[bags.buckets[e]!]!;
      if (s < 0) continue;
      const v = tfidf(bags.counts[e]!, idf[s]!);
      indices[at] = s;
      data[at++] = v;
      norm += v * v;
    }
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let e = indptr[i]!; e < at; e++) data[e] = data[e]! * inv;
  }
  return { rows: rows.length, cols: idf.length, indptr, indices, data };
}

function fit(bags: Bags, rows: Int32Array, y: Int32Array, K: number, bits: number, o: ClassifierOptions, classWeight: Float32Array | undefined, progress: (() => void) | undefined): { vocab: Int32Array; idf: Float32Array; slotOf: Int32Array; lw: LinearWeights } {
  const { vocab, idf } = fitVocabulary(bags, rows, bits, o.minDf ?? 2);
  const slotOf = slotTable(bits, vocab);
  const x = buildMatrix(bags, rows, slotOf, idf);
  const ry = Int32Array.from(rows, (r) => y[r]!);
  const seed = o.seed ?? 1;
  const rowWeights = classWeight ? Float32Array.from(ry, (k) => classWeight[k]!) : undefined;
  const lw = (o.model ?? 'svm') === 'svm' ? trainOvrSvm(x, ry, K, { seed, rowWeights, onProblem: progress, ...o.svm }) : trainSoftmax(x, ry, K, { seed, ...o.softmax });
  if ((o.model ?? 'svm') !== 'svm') progress?.();
  return { vocab, idf, slotOf, lw };
}

/** A stratified, seeded split of row indices: `fraction` of each class to the second part. */
function stratifiedSplit(y: Int32Array, K: number, fraction: number, seed: number | string): { fitRows: Int32Array; heldRows: Int32Array } {
  const rng = createRng(seed).fork('calibration-holdout');
  const fitRows: number[] = [];
  const heldRows: number[] = [];
  for (let k = 0; k < K; k++) {
    const members: number[] = [];
    for (let i = 0; i < y.length; i++) if (y[i] === k) members.push(i);
    rng.shuffle(members);
    const held = members.length >= 2 ? Math.max(1, Math.round(members.length * fraction)) : 0;
    members.forEach((r, j) => (j < held ? heldRows : fitRows).push(r));
  }
  return { fitRows: Int32Array.from(fitRows.sort((a, b) => a - b)), heldRows: Int32Array.from(heldRows.sort((a, b) => a - b)) };
}

/** A classifier from its parts (used by deserialisers, e.g. compact.ts). */
export function rebuildClassifier(labels: readonly string[], features: FeatureOptions, vocab: Int32Array, idf: Float32Array, lw: LinearWeights, calibration: Calibration): TextClassifier {
  return assemble(labels, features, vocab, idf, lw, calibration);
}

function assemble(labels: readonly string[], features: FeatureOptions, vocab: Int32Array, idf: Float32Array, lw: LinearWeights, calibration: Calibration): TextClassifier {
  return { labels, features, vocab, idf, weights: lw.weights, bias: lw.bias, calibration, featurizer: createFeaturizer(features), scorer: createScorer(vocab, idf, lw.weights, lw.bias) };
}

/** Train a classifier on texts and their labels (any strings; at least two distinct). Seeded and deterministic. */
export function trainClassifier(texts: readonly string[], labels: readonly string[], options: ClassifierOptions = {}): TextClassifier {
  if (texts.length !== labels.length) throw new RangeError(`trainClassifier: ${texts.length} texts but ${labels.length} labels`);
  const names = [...new Set(labels)].sort();
  if (names.length < 2) throw new RangeError('trainClassifier: need at least two distinct labels');
  const holdout = options.holdout ?? 0.1;
  if (!(holdout >= 0 && holdout < 1)) throw new RangeError(`trainClassifier: holdout must be in [0, 1), got ${holdout}`);
  const features = resolveFeatureOptions(options.features);
  const K = names.length;
  const index = new Map(names.map((n, i) => [n, i]));
  const cal = options.calibrationSet;
  const allTexts = cal ? [...texts, ...cal.texts] : texts;
  const allLabels = cal ? [...labels, ...cal.labels] : labels;
  const y = Int32Array.from(allLabels, (l) => {
    const k = index.get(l);
    if (k === undefined) throw new RangeError(`trainClassifier: calibration label "${l}" is not among the training labels`);
    return k;
  });
  let classWeight: Float32Array | undefined;
  if (options.classWeights) {
    for (const [l, w] of Object.entries(options.classWeights)) {
      if (!index.has(l)) throw new RangeError(`trainClassifier: class weight for "${l}", which is not a training label`);
      if (!(w > 0)) throw new RangeError(`trainClassifier: class weight for "${l}" must be positive, got ${w}`);
    }
    const cw = options.classWeights;
    classWeight = Float32Array.from(names, (n) => cw[n] ?? 1);
  }
  const featurizer = createFeaturizer(features);
  const bags = hashAll(featurizer, allTexts);
  const seed = options.seed ?? 1;

  let fitRows: Int32Array;
  let heldRows: Int32Array;
  if (cal) {
    fitRows = Int32Array.from({ length: texts.length }, (_, i) => i);
    heldRows = Int32Array.from({ length: cal.texts.length }, (_, i) => texts.length + i);
  } else if (holdout > 0) {
    ({ fitRows, heldRows } = stratifiedSplit(y, K, holdout, seed));
  } else {
    fitRows = Int32Array.from({ length: texts.length }, (_, i) => i);
    heldRows = new Int32Array(0);
  }
  const refit = !cal && heldRows.length > 0 && (options.refit ?? true);
  let progress: (() => void) | undefined;
  if (options.onProgress) {
    const report = options.onProgress;
    const perFit = (options.model ?? 'svm') === 'svm' ? (K === 2 ? 1 : K) : 1;
    const total = perFit * (refit ? 2 : 1);
    let done = 0;
    progress = () => report(++done, total);
  }
  const first = fit(bags, fitRows, y, K, features.bits, options, classWeight, progress);
  let calibration = identityCalibration(K);
  if (heldRows.length > 0) {
    const probe = assemble(names, features, first.vocab, first.idf, first.lw, calibration);
    const scores = new Float64Array(heldRows.length * K);
    const row = new Float64Array(K);
    heldRows.forEach((r, i) => {
      scoreText(probe, allTexts[r]!, row);
      scores.set(row, i * K);
    });
    const hy = Int32Array.from(heldRows, (r) => y[r]!);
    calibration = K === 2 ? fitPlatt(scores, hy) : fitTemperature(scores, hy, K);
  }
  const final = refit ? fit(bags, Int32Array.from({ length: texts.length }, (_, i) => i), y, K, features.bits, options, classWeight, progress) : first;
  return assemble(names, features, final.vocab, final.idf, final.lw, calibration);
}

/** Raw linear scores for one text, written into `out` (length = number of labels). */
export function scoreText(model: TextClassifier, text: string, out: Float64Array): Float64Array {
  const K = model.labels.length;
  if (out.length !== K) throw new RangeError(`scoreText: out has length ${out.length}, the model has ${K} labels`);
  const { buckets, counts } = model.featurizer.hash(text);
  return model.scorer.score(buckets, counts, out);
}

/** Classify one text: best label, calibrated probabilities, margin. `scratch` (length K) avoids an allocation. */
export function predict(model: TextClassifier, text: string, scratch?: Float64Array): Prediction {
  const K = model.labels.length;
  const scores = scoreText(model, text, scratch ?? new Float64Array(K));
  const probabilities = applyCalibration(model.calibration, scores, new Float64Array(K));
  let best = 0;
  let second = -1;
  for (let k = 1; k < K; k++) {
    if (probabilities[k]! > probabilities[best]!) {
      second = best;
      best = k;
    } else if (second < 0 || probabilities[k]! > probabilities[second]!) second = k;
  }
  const probability = probabilities[best]!;
  return { label: model.labels[best]!, index: best, probability, margin: probability - (second >= 0 ? probabilities[second]! : 0), probabilities };
}

/** A model's feature settings as stored (shared by the full and the compact model formats). */
export const SerializedFeatures = z.object({
  bits: z.number().int(),
  wordNgrams: z.number().int(),
  zhChar: z.tuple([z.number().int(), z.number().int()]),
  otherChar: z.tuple([z.number().int(), z.number().int()]),
  stem: z.boolean(),
  negation: z.boolean(),
  normalize: z.object({ simplify: z.boolean().optional(), lowercase: z.boolean().optional(), maxRepeat: z.number().int().optional() }),
});

const Serialized = z.object({
  name: z.literal(MODEL_NAME),
  version: z.literal(MODEL_VERSION),
  labels: z.array(z.string()).min(2),
  features: SerializedFeatures,
  vocab: z.string(),
  idf: z.string(),
  weights: z.string(),
  bias: z.string(),
  calibration: z.object({ scale: z.number(), bias: z.array(z.number()) }),
});
export type SerializedClassifier = z.infer<typeof Serialized>;

/** The model as JSON-safe data, tagged with its name and version. */
export function serializeClassifier(model: TextClassifier): SerializedClassifier {
  return {
    name: MODEL_NAME,
    version: MODEL_VERSION,
    labels: [...model.labels],
    features: { ...model.features, zhChar: [...model.features.zhChar], otherChar: [...model.features.otherChar] },
    vocab: encodeArray(model.vocab),
    idf: encodeArray(model.idf),
    weights: encodeArray(model.weights),
    bias: encodeArray(model.bias),
    calibration: { scale: model.calibration.scale, bias: [...model.calibration.bias] },
  };
}

/** Rebuild a model from serializeClassifier's output; checks the tag and every array's size. */
export function deserializeClassifier(data: unknown): TextClassifier {
  const d = Serialized.parse(data);
  const features = resolveFeatureOptions(d.features);
  const K = d.labels.length;
  const vocab = decodeInt32(d.vocab);
  const idf = decodeFloat32(d.idf);
  const weights = decodeFloat32(d.weights);
  const bias = decodeFloat32(d.bias);
  if (idf.length !== vocab.length || weights.length !== vocab.length * K || bias.length !== K || d.calibration.bias.length !== K) {
    throw new RangeError('deserializeClassifier: array sizes do not match the vocabulary and labels');
  }
  for (let s = 0; s < vocab.length; s++) {
    if (!(vocab[s]! >= 0 && vocab[s]! < 1 << features.bits) || (s > 0 && vocab[s]! <= vocab[s - 1]!)) throw new RangeError('deserializeClassifier: vocabulary must be ascending buckets inside the hash space');
  }
  return assemble(d.labels, features, vocab, idf, { weights, bias }, { scale: d.calibration.scale, bias: Float64Array.from(d.calibration.bias) });
}
