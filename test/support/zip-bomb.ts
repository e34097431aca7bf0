/**
 * Decompression bombs built in memory by the tests (never committed): deflate streams of runs of one byte, and a
 * hand-written zip around them whose directory may declare any size. Only the compressed bytes are ever held.
 */
import { createDeflateRaw } from 'node:zlib';

/** Raw deflate of `size` copies of `byte`, fed in chunks so the uncompressed data never exists at once. */
export async function deflatedRun(size: number, byte = 0x20, chunk = 4 * 2 ** 20): Promise<Uint8Array> {
  const deflate = createDeflateRaw({ level: 9 });
  const parts: Buffer[] = [];
  deflate.on('data', (d: Buffer) => parts.push(d));
  const done = new Promise<void>((resolve, reject) => {
    deflate.on('end', resolve);
    deflate.on('error', reject);
  });
  const block = Buffer.alloc(chunk, byte);
  for (let left = size; left > 0; left -= chunk) {
    const more = deflate.write(left >= chunk ? block : block.subarray(0, left));
    if (!more) await new Promise((r) => deflate.once('drain', r));
  }
  deflate.end();
  await done;
  return new Uint8Array(Buffer.concat(parts));
}

export interface RawEntry {
  name: string;
  /** 0 stored, 8 deflate; `data` is what lies in the file (already compressed for 8). */
  method: 0 | 8;
  data: Uint8Array;
  /** The uncompressed size the directory declares (the lie goes here). */
  size: number;
  crc?: number;
}

/** Version, method, CRC, sizes and name length: the same fields in a local header and (2 bytes later) a directory entry. */
function writeEntryFields(buf: Buffer, shift: number, e: RawEntry, nameLength: number): void {
  buf.writeUInt16LE(20, 4 + shift);
  buf.writeUInt16LE(e.method, 8 + shift);
  buf.writeUInt32LE(e.crc ?? 0, 14 + shift);
  buf.writeUInt32LE(e.data.length, 18 + shift);
  buf.writeUInt32LE(e.size, 22 + shift);
  buf.writeUInt16LE(nameLength, 26 + shift);
}

/** A zip archive of `entries` exactly as given: no size or checksum is computed or checked. */
export function rawZip(entries: RawEntry[]): Uint8Array {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    writeEntryFields(local, 0, e, name.length);
    locals.push(local, name, Buffer.from(e.data));
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    writeEntryFields(cd, 2, e, name.length);
    cd.writeUInt32LE(offset, 42);
    central.push(cd, name);
    offset += 30 + name.length + e.data.length;
  }
  const cdBytes = Buffer.concat(central);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cdBytes.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, cdBytes, eocd]));
}
