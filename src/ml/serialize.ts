/** Typed arrays to and from base64, for models stored as JSON (little-endian, as every platform Nudge runs on). */

type Typed = Float32Array | Float64Array | Int32Array | Uint32Array | Uint8Array;

/** The array's bytes as base64. */
export function encodeArray(a: Typed): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

const decoder = <T extends Typed>(make: (buf: ArrayBuffer, length: number) => T, bytesPer: number) => (s: string): T => {
  const bytes = Buffer.from(s, 'base64');
  if (bytes.byteLength % bytesPer !== 0) throw new RangeError(`decodeArray: ${bytes.byteLength} bytes is not a multiple of ${bytesPer}`);
  // Copy into a fresh, aligned buffer: Buffer's pool offset need not be a multiple of 4 or 8.
  const copy = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(copy).set(bytes);
  return make(copy, bytes.byteLength / bytesPer);
};

export const decodeFloat32 = decoder((b, n) => new Float32Array(b, 0, n), 4);
export const decodeFloat64 = decoder((b, n) => new Float64Array(b, 0, n), 8);
export const decodeInt32 = decoder((b, n) => new Int32Array(b, 0, n), 4);
export const decodeUint8 = decoder((b, n) => new Uint8Array(b, 0, n), 1);
