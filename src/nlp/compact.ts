/**
 * Compact storage for shipped models: the classifier of classifier.ts with its least useful
 * buckets pruned and its weights quantised to int8 with one scale per class (symmetric linear
 * quantisation, as in Jacob et al., CVPR 2018, §2.1, with zero point 0). Inverse document
 * frequencies are quantised to uint16 over their range and the ascending bucket ids are stored
 * as LEB128 varint gaps. Loading rebuilds an ordinary TextClassifier with float weights, so
 * prediction code is the same for a compact model and a freshly trained one.
 *
 * Pruning keeps the buckets with the largest idf · max_k |w_sk| — the most any class's score
 * can move when the bucket occurs once in a short text.
 */
import { z } from 'zod';
import { decodeFloat32, decodeUint8, encodeArray } from '../ml/serialize.js';
import { rebuildClassifier, SerializedFeatures, type TextClassifier } from './classifier.js';
import { resolveFeatureOptions } from './features.js';

export const COMPACT_MODEL_NAME = 'nudge.nlp.text-classifier-q8';
export const COMPACT_MODEL_VERSION = 1;

/** Options for compactClassifier; every field has a default. */
export interface CompactOptions {
  /** Keep at most this many buckets (default: all). */
  maxBuckets?: number;
}

/** Where a shipped model came from: stored in the file and shown in docs/models.md. */
export interface Provenance {
  task: string;
  dataset: string;
  licence: string;
  trainedAt: string;
  parameters: Record<string, unknown>;
  metrics: Record<string, number>;
  notes?: string;
}

const Provenance = z.object({
  task: z.string(),
  dataset: z.string(),
  licence: z.string(),
  trainedAt: z.string(),
  parameters: z.record(z.string(), z.unknown()),
  metrics: z.record(z.string(), z.number()),
  notes: z.string().optional(),
});

const Compact = z.object({
  name: z.literal(COMPACT_MODEL_NAME),
  version: z.literal(COMPACT_MODEL_VERSION),
  labels: z.array(z.string()).min(2),
  features: SerializedFeatures,
  buckets: z.number().int().nonnegative(),
  /** LEB128 varint gaps between ascending bucket ids, base64. */
  vocab: z.string(),
  idfMin: z.number(),
  idfMax: z.number(),
  /** uint16 little-endian, base64. */
  idf: z.string(),
  /** int8 weights, bucket-major (q[s·K + k]), base64. */
  weights: z.string(),
  /** Per-class dequantisation scale: w = q · scale[k]. */
  scale: z.array(z.number()),
  bias: z.string(),
  calibration: z.object({ scale: z.number(), bias: z.array(z.number()) }),
  provenance: Provenance.optional(),
});
export type CompactClassifier = z.infer<typeof Compact>;

function encodeVarintGaps(vocab: Int32Array): Uint8Array {
  const out: number[] = [];
  let prev = 0;
  for (const b of vocab) {
    let gap = b - prev;
    prev = b;
    while (gap >= 0x80) {
      out.push((gap & 0x7f) | 0x80);
      gap >>>= 7;
    }
    out.push(gap);
  }
  return Uint8Array.from(out);
}

function decodeVarintGaps(bytes: Uint8Array, count: number): Int32Array {
  const vocab = new Int32Array(count);
  let at = 0;
  let prev = 0;
  for (let s = 0; s < count; s++) {
    let v = 0;
    let shift = 0;
    for (;;) {
      if (at >= bytes.length) throw new RangeError('compact model: vocabulary ends early');
      const byte = bytes[at++]!;
      v |= (byte & 0x7f) << shift;
      if (byte < 0x80) break;
      shift += 7;
    }
    prev += v;
    vocab[s] = prev;
  }
  return vocab;
}

/** The model pruned and quantised, as JSON-safe data (gzip it for shipping). */
export function compactClassifier(model: TextClassifier, options: CompactOptions = {}, provenance?: Provenance): CompactClassifier {
  const K = model.labels.length;
  const V = model.vocab.length;
  const max = options.maxBuckets ?? V;
  if (!(Number.isInteger(max) && max > 0)) throw new RangeError(`compactClassifier: maxBuckets must be a positive integer, got ${max}`);
  let keep = Int32Array.from({ length: V }, (_, s) => s);
  if (max < V) {
    const importance = new Float64Array(V);
    for (let s = 0; s < V; s++) {
      let m = 0;
      for (let k = 0; k < K; k++) m = Math.max(m, Math.abs(model.weights[s * K + k]!));
      importance[s] = m * model.idf[s]!;
    }
    keep = keep.sort((a, b) => importance[b]! - importance[a]! || a - b).subarray(0, max).sort();
  }
  const n = keep.length;
  const vocab = Int32Array.from(keep, (s) => model.vocab[s]!);
  let idfMin = Infinity;
  let idfMax = -Infinity;
  for (const s of keep) {
    idfMin = Math.min(idfMin, model.idf[s]!);
    idfMax = Math.max(idfMax, model.idf[s]!);
  }
  if (n === 0) idfMin = idfMax = 1;
  const range = idfMax - idfMin;
  const idf = Uint16Array.from(keep, (s) => (range > 0 ? Math.round(((model.idf[s]! - idfMin) / range) * 65535) : 0));
  const scale = new Array<number>(K).fill(0);
  for (const s of keep) for (let k = 0; k < K; k++) scale[k] = Math.max(scale[k]!, Math.abs(model.weights[s * K + k]!));
  for (let k = 0; k < K; k++) scale[k] = scale[k]! > 0 ? scale[k]! / 127 : 1;
  const q = new Int8Array(n * K);
  for (let i = 0; i < n; i++) {
    const base = keep[i]! * K;
    for (let k = 0; k < K; k++) q[i * K + k] = Math.round(model.weights[base + k]! / scale[k]!);
  }
  return {
    name: COMPACT_MODEL_NAME,
    version: COMPACT_MODEL_VERSION,
    labels: [...model.labels],
    features: { ...model.features, zhChar: [...model.features.zhChar], otherChar: [...model.features.otherChar] },
    buckets: n,
    vocab: encodeArray(encodeVarintGaps(vocab)),
    idfMin,
    idfMax,
    idf: Buffer.from(idf.buffer, idf.byteOffset, idf.byteLength).toString('base64'),
    weights: Buffer.from(q.buffer, q.byteOffset, q.byteLength).toString('base64'),
    scale,
    bias: encodeArray(model.bias),
    calibration: { scale: model.calibration.scale, bias: [...model.calibration.bias] },
    ...(provenance ? { provenance } : {}),
  };
}

/** Rebuild a TextClassifier (float weights) from compactClassifier's output; checks tag and sizes. */
export function expandClassifier(data: unknown): { model: TextClassifier; provenance?: Provenance } {
  const d = Compact.parse(data);
  const features = resolveFeatureOptions(d.features);
  const K = d.labels.length;
  const n = d.buckets;
  const vocab = decodeVarintGaps(decodeUint8(d.vocab), n);
  const idfBytes = decodeUint8(d.idf);
  const qBytes = decodeUint8(d.weights);
  const bias = decodeFloat32(d.bias);
  if (idfBytes.length !== 2 * n || qBytes.length !== n * K || d.scale.length !== K || bias.length !== K || d.calibration.bias.length !== K) {
    throw new RangeError('compact model: array sizes do not match the buckets and labels');
  }
  for (let s = 0; s < n; s++) {
    if (!(vocab[s]! >= 0 && vocab[s]! < 1 << features.bits) || (s > 0 && vocab[s]! <= vocab[s - 1]!)) throw new RangeError('compact model: vocabulary must be ascending buckets inside the hash space');
  }
  const idfQ = new Uint16Array(idfBytes.buffer, idfBytes.byteOffset, n);
  const range = d.idfMax - d.idfMin;
  const idf = Float32Array.from(idfQ, (v) => d.idfMin + (v / 65535) * range);
  const q = new Int8Array(qBytes.buffer, qBytes.byteOffset, n * K);
  const weights = new Float32Array(n * K);
  for (let i = 0; i < n * K; i++) weights[i] = q[i]! * d.scale[i % K]!;
  const model = rebuildClassifier(d.labels, features, vocab, idf, { weights, bias }, { scale: d.calibration.scale, bias: Float64Array.from(d.calibration.bias) });
  return d.provenance ? { model, provenance: d.provenance } : { model };
}
