/**
 * NumPy .npy arrays and .npz archives (zip of .npy files, stored or deflated; unzipped with fflate), e.g. Keras'
 * mnist.npz. The header is a Python dict literal; we read descr, fortran_order and shape from it and accept the
 * numeric dtypes datasets use. Fortran order is refused rather than silently transposed.
 */
import { readFile } from 'node:fs/promises';
import { unzipSync } from 'fflate';
import { FormatError } from './errors';

export type NpyData = Uint8Array | Int8Array | Uint16Array | Int16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

export interface NpyArray {
  dtype: string;
  shape: number[];
  data: NpyData;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

type Ctor = { new (buffer: ArrayBufferLike, byteOffset: number, length: number): NpyData; new (length: number): NpyData; BYTES_PER_ELEMENT: number };

const DTYPES: Record<string, Ctor> = {
  u1: Uint8Array,
  b1: Uint8Array,
  i1: Int8Array,
  u2: Uint16Array,
  i2: Int16Array,
  i4: Int32Array,
  u4: Uint32Array,
  f4: Float32Array,
  f8: Float64Array,
};

/**
 * dtypes JavaScript has no exact typed array for: int64/uint64 (numpy's default integer) become Float64Array, exact
 * for |v| <= 2^53 (a label beyond that is refused by the label checks anyway); float16 becomes Float32Array.
 */
const WIDE_DTYPES: Record<string, { bytes: number; read: (v: DataView, at: number) => number }> = {
  i8: { bytes: 8, read: (v, at) => Number(v.getBigInt64(at, true)) },
  u8: { bytes: 8, read: (v, at) => Number(v.getBigUint64(at, true)) },
  f2: { bytes: 2, read: (v, at) => halfToFloat(v.getUint16(at, true)) },
};

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

function decodeWide(bytes: Uint8Array, start: number, shape: number[], descr: string, t: (typeof WIDE_DTYPES)[string], file?: string): NpyArray {
  const count = shape.reduce((a, b) => a * b, 1);
  const need = count * t.bytes;
  if (bytes.length - start < need) {
    throw new FormatError(`truncated: shape (${shape.join(', ')}) of ${descr} needs ${need} bytes of data, the file has ${bytes.length - start}.`, file);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + start, need);
  const data = t.bytes === 2 ? new Float32Array(count) : new Float64Array(count);
  for (let i = 0; i < count; i++) data[i] = t.read(view, i * t.bytes);
  return { dtype: descr, shape, data };
}

/** The parsed .npy header: dtype descr (e.g. '<f4', '|O'), shape, and where the data starts. */
export function readNpyHeader(bytes: Uint8Array, file?: string): { descr: string; shape: number[]; dataStart: number } {
  if (bytes.length < 10 || MAGIC.some((m, i) => bytes[i] !== m)) {
    throw new FormatError('not a .npy file: the magic string \\x93NUMPY is missing.', file);
  }
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const header = new TextDecoder('latin1').decode(bytes.subarray(headerStart, headerStart + headerLen));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined) throw new FormatError(`unreadable .npy header: ${header.trim()}`, file);
  if (fortran === 'True') throw new FormatError('array is stored in Fortran order; save it C-ordered (np.ascontiguousarray) and try again.', file);
  const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  return { descr, shape, dataStart: headerStart + headerLen };
}

export function parseNpy(bytes: Uint8Array, file?: string): NpyArray {
  const { descr, shape, dataStart: start } = readNpyHeader(bytes, file);
  const endian = descr[0];
  const code = descr.slice(1);
  const wide = WIDE_DTYPES[code];
  const Ctor = DTYPES[code];
  if (!Ctor && !wide) throw new FormatError(`dtype ${descr} is not supported (use bool, int8/16/32/64, uint8/16/32/64, float16/32/64).`, file);
  if (wide) {
    if (endian === '>') throw new FormatError(`big-endian dtype ${descr} is not supported; save with a little-endian dtype.`, file);
    return decodeWide(bytes, start, shape, descr, wide, file);
  }
  if (endian === '>' && Ctor.BYTES_PER_ELEMENT > 1) throw new FormatError(`big-endian dtype ${descr} is not supported; save with a little-endian dtype.`, file);
  const count = shape.reduce((a, b) => a * b, 1);
  const need = count * Ctor.BYTES_PER_ELEMENT;
  if (bytes.length - start < need) {
    throw new FormatError(`truncated: shape (${shape.join(', ')}) of ${descr} needs ${need} bytes of data, the file has ${bytes.length - start}.`, file);
  }
  const offset = bytes.byteOffset + start;
  // Typed arrays need aligned offsets; copy when the data does not start on an element boundary.
  const data = offset % Ctor.BYTES_PER_ELEMENT === 0
    ? new Ctor(bytes.buffer, offset, count)
    : new Ctor(bytes.slice(start, start + need).buffer, 0, count);
  return { dtype: descr, shape, data };
}

/** All arrays of an .npz, keyed without the .npy suffix. */
export function parseNpz(bytes: Uint8Array, file?: string): Map<string, NpyArray> {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch (err) {
    throw new FormatError(`not a readable .npz (zip) archive: ${(err as Error).message}.`, file);
  }
  const out = new Map<string, NpyArray>();
  for (const [name, data] of Object.entries(entries)) {
    if (!name.endsWith('.npy')) continue;
    out.set(name.slice(0, -4), parseNpy(data, file ? `${file}:${name}` : name));
  }
  return out;
}

export async function readNpy(path: string): Promise<NpyArray> {
  return parseNpy(await readFile(path), path);
}

export async function readNpz(path: string): Promise<Map<string, NpyArray>> {
  return parseNpz(await readFile(path), path);
}
