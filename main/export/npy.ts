/**
 * NumPy .npy (format 1.0) and .npz (a zip of .npy files) for float32 arrays: the form the Python exports load
 * their weights from (`numpy.load`), and how tests read arrays that Python wrote.
 */
import { unzipSync, zipSync } from 'fflate';
import { ExportError } from './types';

export interface NpyArray {
  shape: number[];
  data: Float32Array;
}

export function encodeNpy(shape: readonly number[], data: Float32Array): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new ExportError(`array of shape [${shape.join(', ')}] needs ${count} values, got ${data.length}.`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // The magic (6) + version (2) + length (2) + header must be a multiple of 64, the header ending in '\n'.
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  // Little-endian hosts only (every platform Node ships for); a copy keeps the source's byteOffset irrelevant.
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}

export function decodeNpy(bytes: Uint8Array, what = 'npy data'): NpyArray {
  if (bytes[0] !== 0x93 || String.fromCharCode(...bytes.subarray(1, 6)) !== 'NUMPY') throw new ExportError(`${what} is not a .npy file (bad magic).`);
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder().decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (/'fortran_order':\s*True/.test(header)) throw new ExportError(`${what} is Fortran-ordered; save it C-ordered.`);
  if (shapeText === undefined) throw new ExportError(`${what} has no shape in its header: ${header}`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  // A copy: Node Buffers share one pool, so a view's .buffer is not this array alone.
  const body = new Uint8Array(bytes.subarray(start + headerLen));
  let data: Float32Array;
  if (descr === '<f4') data = new Float32Array(body.buffer, 0, count);
  else if (descr === '<f8') data = Float32Array.from(new Float64Array(body.buffer, 0, count));
  else if (descr === '<i8') data = Float32Array.from(new BigInt64Array(body.buffer, 0, count), (v) => Number(v));
  else if (descr === '<i4') data = Float32Array.from(new Int32Array(body.buffer, 0, count));
  else if (descr === '|u1') data = Float32Array.from(body.subarray(0, count));
  else throw new ExportError(`${what} has dtype ${descr}; expected float32, float64, int32, int64 or uint8.`);
  return { shape, data };
}

/** Stored (not deflated): weights barely compress and numpy reads either. */
export function encodeNpz(arrays: Record<string, NpyArray>): Uint8Array {
  const files: Record<string, [Uint8Array, { level: 0 }]> = {};
  for (const [key, a] of Object.entries(arrays)) files[`${key}.npy`] = [encodeNpy(a.shape, a.data), { level: 0 }];
  return zipSync(files);
}

/** @internal The encoder's own reader: tests check what the exporters wrote with it. */
export function decodeNpz(bytes: Uint8Array): Record<string, NpyArray> {
  const out: Record<string, NpyArray> = {};
  for (const [file, data] of Object.entries(unzipSync(bytes))) out[file.replace(/\.npy$/, '')] = decodeNpy(data, file);
  return out;
}
