/**
 * Classifier files on disk: JSON, gzipped when the name ends in ".gz". Reads both the float
 * form (serializeClassifier) and the int8 compact form the shipped models use (compact.ts).
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { UserError } from '../platform/errors.js';
import { say } from '../platform/language.js';
import { deserializeClassifier, MODEL_NAME, serializeClassifier, type TextClassifier } from './classifier.js';
import { COMPACT_MODEL_NAME, expandClassifier } from './compact.js';

/** Write a model (float form) with optional metadata beside it; gzip when `file` ends in ".gz". */
export function writeClassifierFile(file: string, model: TextClassifier, metadata: Record<string, unknown> = {}): number {
  const json = JSON.stringify({ ...serializeClassifier(model), metadata });
  const bytes = file.endsWith('.gz') ? zlib.gzipSync(json, { level: 9 }) : Buffer.from(json, 'utf8');
  fs.writeFileSync(file, bytes);
  return bytes.length;
}

/** Read a model file written by writeClassifierFile or scripts/train-default-models.ts. */
export function readClassifierFile(file: string): { model: TextClassifier; metadata: unknown } {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    throw new UserError('NLP_MODEL_NOT_FOUND', say(`cannot read model file ${file}`, `无法读取模型文件 ${file}`), { field: 'model' });
  }
  let data: unknown;
  try {
    // gzip streams start with 0x1f 0x8b whatever the file is called.
    const text = bytes[0] === 0x1f && bytes[1] === 0x8b ? zlib.gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
    data = JSON.parse(text);
  } catch {
    throw new UserError('NLP_MODEL_INVALID', say(`${file} is not a JSON (or gzipped JSON) model file`, `${file} 不是 JSON（或 gzip 压缩的 JSON）模型文件`), { field: 'model' });
  }
  const name = typeof data === 'object' && data !== null && 'name' in data ? data.name : undefined;
  const metadata = typeof data === 'object' && data !== null && 'metadata' in data ? data.metadata : undefined;
  try {
    if (name === MODEL_NAME) return { model: deserializeClassifier(data), metadata };
    if (name === COMPACT_MODEL_NAME) {
      const { model, provenance } = expandClassifier(data);
      return { model, metadata: provenance };
    }
  } catch (err) {
    const reason = err instanceof Error ? err.message.slice(0, 300) : String(err);
    throw new UserError('NLP_MODEL_INVALID', say(`${file} is a damaged ${String(name)} model: ${reason}`, `${file} 中的 ${String(name)} 模型已损坏：${reason}`), { field: 'model' });
  }
  throw new UserError('NLP_MODEL_INVALID', say(`${file} is not a Nudge text classifier (name ${JSON.stringify(name)}; expected ${MODEL_NAME} or ${COMPACT_MODEL_NAME})`, `${file} 不是 Nudge 文本分类模型（name 为 ${JSON.stringify(name)}，应为 ${MODEL_NAME} 或 ${COMPACT_MODEL_NAME}）`), { field: 'model' });
}
