/**
 * Reading a SerializedModel back: it comes from a JSON column, so every field is checked
 * (STYLE §7) before a model is rebuilt from it. Shared by the recommenders' deserialize functions.
 */
import { decodeFloat32, decodeInt32 } from '../ml/serialize.js';
import type { AlgorithmName, SerializedModel } from './recommender.js';

/** Throw unless `s` is a serialised `algorithm` model in format `version`. */
export function expectModel(s: SerializedModel, algorithm: AlgorithmName, version: number): void {
  if (s.algorithm !== algorithm) throw new TypeError(`expected a serialised ${algorithm} model, got ${String(s.algorithm)}`);
  if (s.version !== version) throw new RangeError(`${algorithm}: unsupported format version ${String(s.version)} (this build reads ${version})`);
  if (typeof s.params !== 'object' || s.params === null || typeof s.arrays !== 'object' || s.arrays === null) throw new TypeError(`${algorithm}: params and arrays must be objects`);
}

/** A numeric parameter, checked to be finite (and an integer ≥ 0 when `integer`). */
export function numberParam(s: SerializedModel, name: string, integer = false): number {
  const v = s.params[name];
  if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !(Number.isInteger(v) && v >= 0))) {
    throw new TypeError(`${s.algorithm}: parameter ${name} must be a finite ${integer ? 'non-negative integer' : 'number'}, got ${JSON.stringify(v)}`);
  }
  return v;
}

function arrayText(s: SerializedModel, name: string): string {
  const v = s.arrays[name];
  if (typeof v !== 'string') throw new TypeError(`${s.algorithm}: array ${name} is missing`);
  return v;
}

/** A Float32Array, checked to have `length` entries when given. */
export function float32Array(s: SerializedModel, name: string, length?: number): Float32Array {
  const a = decodeFloat32(arrayText(s, name));
  if (length !== undefined && a.length !== length) throw new RangeError(`${s.algorithm}: array ${name} has ${a.length} entries, expected ${length}`);
  return a;
}

/** An Int32Array, checked to have `length` entries when given. */
export function int32Array(s: SerializedModel, name: string, length?: number): Int32Array {
  const a = decodeInt32(arrayText(s, name));
  if (length !== undefined && a.length !== length) throw new RangeError(`${s.algorithm}: array ${name} has ${a.length} entries, expected ${length}`);
  return a;
}
