/**
 * IDX files (MNIST, Fashion-MNIST): a 4-byte magic (0, 0, type code, number of dimensions), one big-endian uint32
 * per dimension, then the values, row-major. Gzip is detected from its own magic bytes, not the file name.
 */
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip, gunzipSync } from 'node:zlib';
import { FormatError } from './errors';

export type IdxType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

const TYPE_CODES: Record<number, { type: IdxType; bytes: number }> = {
  0x08: { type: 'uint8', bytes: 1 },
  0x09: { type: 'int8', bytes: 1 },
  0x0b: { type: 'int16', bytes: 2 },
  0x0c: { type: 'int32', bytes: 4 },
  0x0d: { type: 'float32', bytes: 4 },
  0x0e: { type: 'float64', bytes: 8 },
};

export interface IdxArray {
  type: IdxType;
  dims: number[];
  /** uint8 data is a view into the decompressed buffer (no copy); other types are converted to host order. */
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

export interface IdxExpectation {
  type?: IdxType;
  /** Number of dimensions, e.g. 3 for images (N, rows, cols), 1 for labels. */
  ndim?: number;
}

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export function gunzipIfNeeded(bytes: Uint8Array, file?: string): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (err) {
    throw new FormatError(
      `gzip data is damaged or cut short (${(err as Error).message}). Fetch the file again.`,
      file,
    );
  }
}

const gunzipAsync = promisify(gunzip);

/** Like gunzipIfNeeded, on libuv's thread pool, so several files decompress in parallel. */
export async function gunzipIfNeededAsync(bytes: Uint8Array, file?: string): Promise<Uint8Array> {
  if (!isGzip(bytes)) return bytes;
  try {
    return await gunzipAsync(bytes);
  } catch (err) {
    throw new FormatError(`gzip data is damaged or cut short (${(err as Error).message}). Fetch the file again.`, file);
  }
}

/** Parses IDX bytes (plain or gzip). `file` is only used to name the file in errors. */
export function parseIdx(input: Uint8Array, file?: string, expect: IdxExpectation = {}): IdxArray {
  const bytes = gunzipIfNeeded(input, file);
  if (bytes.length < 4) throw new FormatError(`only ${bytes.length} bytes: too short for an IDX header.`, file);
  if (bytes[0] !== 0 || bytes[1] !== 0 || !(bytes[2] in TYPE_CODES)) {
    const magic = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join('');
    throw new FormatError(
      `wrong magic number 0x${magic}: not an IDX file (expected 0x0000TTDD with type TT in 08,09,0b,0c,0d,0e).`,
      file,
    );
  }
  const { type, bytes: width } = TYPE_CODES[bytes[2]];
  const ndim = bytes[3];
  if (expect.type && expect.type !== type) {
    throw new FormatError(`holds ${type} values where ${expect.type} was expected (magic type byte 0x${bytes[2].toString(16)}).`, file);
  }
  if (expect.ndim !== undefined && expect.ndim !== ndim) {
    throw new FormatError(`has ${ndim} dimensions where ${expect.ndim} were expected (magic 0x0000${bytes[2].toString(16).padStart(2, '0')}${ndim.toString(16).padStart(2, '0')}).`, file);
  }
  const headerLen = 4 + 4 * ndim;
  if (bytes.length < headerLen) throw new FormatError(`header cut short: ${bytes.length} bytes, need ${headerLen}.`, file);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < ndim; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const need = headerLen + count * width;
  if (bytes.length < need) {
    throw new FormatError(
      `truncated: header says ${dims.join('x')} ${type} values (${need} bytes) but the data has ${bytes.length} bytes. Fetch the file again.`,
      file,
    );
  }
  if (bytes.length > need) {
    throw new FormatError(`has ${bytes.length - need} bytes after the ${dims.join('x')} values the header declares: not a clean IDX file.`, file);
  }
  return { type, dims, data: decodeValues(bytes, headerLen, count, type) };
}

function decodeValues(bytes: Uint8Array, offset: number, count: number, type: IdxType): IdxArray['data'] {
  // A plain Uint8Array view (not a Node Buffer) so consumers see the same type from every loader.
  if (type === 'uint8') return new Uint8Array(bytes.buffer, bytes.byteOffset + offset, count);
  if (type === 'int8') return new Int8Array(bytes.buffer, bytes.byteOffset + offset, count);
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset);
  switch (type) {
    case 'int16': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(2 * i, false);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(4 * i, false);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, false);
      return out;
    }
    case 'float64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, false);
      return out;
    }
  }
}

export async function readIdxFile(path: string, expect?: IdxExpectation): Promise<IdxArray> {
  return parseIdx(await readFile(path), path, expect);
}
