/**
 * CIFAR-10/100 "binary version": fixed-size records of label byte(s) then 3072 pixel bytes in planar order
 * (1024 red, 1024 green, 1024 blue, each row-major 32x32), packed in a tar.gz. Pixels are re-laid channels last
 * ([32, 32, 3]) to match the rest of Layerlab.
 */
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import { FormatError } from './errors';

const PIXELS = 32 * 32 * 3;

export interface CifarRecords {
  /** count * 32 * 32 * 3, channels last. */
  x: Uint8Array;
  y: Uint8Array;
  count: number;
}

/** Decodes concatenated records. `labelIndex` picks which label byte is the class (CIFAR-100: 1 = fine). */
export function parseCifarRecords(bytes: Uint8Array, labelBytes: number, labelIndex: number, file?: string, out?: CifarRecords, at = 0): CifarRecords {
  const size = labelBytes + PIXELS;
  if (bytes.length % size !== 0) {
    throw new FormatError(
      `${bytes.length} bytes is not a whole number of ${size}-byte CIFAR records (${Math.floor(bytes.length / size)} records and ${bytes.length % size} bytes over): truncated or not a CIFAR binary batch.`,
      file,
    );
  }
  const count = bytes.length / size;
  const target = out ?? { x: new Uint8Array(count * PIXELS), y: new Uint8Array(count), count };
  if (at + count > target.count) throw new FormatError(`more records than the ${target.count} expected.`, file);
  for (let r = 0; r < count; r++) {
    const src = r * size;
    target.y[at + r] = bytes[src + labelIndex];
    const px = src + labelBytes;
    const dst = (at + r) * PIXELS;
    for (let i = 0; i < 1024; i++) {
      target.x[dst + 3 * i] = bytes[px + i];
      target.x[dst + 3 * i + 1] = bytes[px + 1024 + i];
      target.x[dst + 3 * i + 2] = bytes[px + 2048 + i];
    }
  }
  return target;
}

/** Reads the named members of a .tar.gz into memory, streaming (the archive is never held whole). */
export async function readTarGzMembers(path: string, members: string[]): Promise<Map<string, Uint8Array>> {
  const wanted = new Set(members);
  const found = new Map<string, Uint8Array>();
  const extract = tar.extract();
  extract.on('entry', (header, stream, next) => {
    const name = header.name.replace(/^\.\//, '');
    if (!wanted.has(name) || header.type !== 'file') {
      stream.on('end', () => next());
      stream.resume();
      return;
    }
    const buf = new Uint8Array(header.size ?? 0);
    let off = 0;
    stream.on('data', (chunk: unknown) => {
      const bytes = chunk as Uint8Array;
      buf.set(bytes, off);
      off += bytes.length;
    });
    stream.on('end', () => {
      found.set(name, buf.subarray(0, off));
      next();
    });
  });
  try {
    await pipeline(createReadStream(path), createGunzip(), extract);
  } catch (err) {
    throw new FormatError(`could not read the tar.gz archive (${(err as Error).message}): damaged or cut short. Fetch it again.`, path);
  }
  const missing = members.filter((m) => !found.has(m));
  if (missing.length) throw new FormatError(`archive lacks ${missing.join(', ')}: not the expected CIFAR binary archive.`, path);
  return found;
}

/** Loads one split from archive members, concatenated in the given order. */
export function cifarSplit(members: Map<string, Uint8Array>, names: string[], labelBytes: number, labelIndex: number): CifarRecords {
  const size = labelBytes + PIXELS;
  const count = names.reduce((n, m) => n + Math.floor((members.get(m)?.length ?? 0) / size), 0);
  const out: CifarRecords = { x: new Uint8Array(count * PIXELS), y: new Uint8Array(count), count };
  let at = 0;
  for (const name of names) {
    const bytes = members.get(name);
    if (!bytes) throw new FormatError(`missing archive member ${name}`);
    parseCifarRecords(bytes, labelBytes, labelIndex, name, out, at);
    at += bytes.length / size;
  }
  return out;
}
