/**
 * Random-access reader for project zips. fflate's unzip wants the whole archive in memory and decodes every entry;
 * a project can hold gigabytes of run weights, so this reads the central directory only, checks every entry name
 * and declared size before anything is decoded, and reads one entry's bytes on demand. Deflated entries are decoded
 * by node:zlib on its thread pool (never blocking the event loop) and stop at their declared size.
 * The file is opened read-only: opening never modifies it.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { promisify } from 'node:util';
import { inflateRaw } from 'node:zlib';
import { Crc32, crc32 } from './crc32';
import { ProjectFileError } from './errors';

export interface ZipEntryInfo {
  name: string;
  /** 0 stored, 8 deflate. */
  method: 0 | 8;
  crc32: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

export interface ZipLimits {
  /** More entries than this is refused (a project has four per run). */
  maxEntries: number;
  /** Sum of all declared uncompressed sizes. */
  maxTotalSize: number;
  /** Deflate cannot exceed ~1032:1; a larger declared ratio on a big entry is a zip bomb. */
  maxRatio: number;
  /** Largest deflated entry decoded into memory: Layerlab stores weights uncompressed, so deflated means JSON. */
  maxInflatedSize: number;
}

export const defaultZipLimits: ZipLimits = {
  maxEntries: 100_000,
  maxTotalSize: 64 * 2 ** 30,
  maxRatio: 1100,
  maxInflatedSize: 2 ** 30,
};

const inflateRawAsync = promisify(inflateRaw);

const EOCD_SIG = 0x06054b50;
const CDH_SIG = 0x02014b50;
const LFH_SIG = 0x04034b50;

/** Why an entry name is unsafe, or null when it is a plain relative path. */
export function unsafeEntryNameReason(name: string): string | null {
  if (name.length === 0) return 'empty name';
  if (name.includes('\\')) return 'contains a backslash';
  if (name.includes('\0')) return 'contains a NUL character';
  if (name.startsWith('/')) return 'is an absolute path';
  if (/^[A-Za-z]:/.test(name)) return 'starts with a drive letter';
  if (name.split('/').some((part) => part === '..')) return 'contains a ".." segment';
  return null;
}

export class ZipReader {
  private constructor(
    readonly file: string,
    private readonly fh: FileHandle,
    readonly fileSize: number,
    readonly entries: ReadonlyMap<string, ZipEntryInfo>,
    private readonly limits: ZipLimits,
  ) {}

  static async open(file: string, limits: ZipLimits = defaultZipLimits): Promise<ZipReader> {
    let fh: FileHandle;
    try {
      fh = await open(file, 'r');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new ProjectFileError('unreadable', file, code === 'ENOENT' ? 'no such file.' : `cannot be read (${code ?? String(err)}).`, { cause: err });
    }
    try {
      const { size } = await fh.stat();
      const entries = await readCentralDirectory(file, fh, size, limits);
      return new ZipReader(file, fh, size, entries, limits);
    } catch (err) {
      await fh.close();
      throw err;
    }
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  entry(name: string): ZipEntryInfo {
    const e = this.entries.get(name);
    if (!e) throw new ProjectFileError('corrupt', this.file, `the entry '${name}' is missing from the archive.`);
    return e;
  }

  /** Where the entry's (compressed) bytes lie in the file, after checking its local header. */
  async dataRange(name: string): Promise<{ start: number; length: number }> {
    const e = this.entry(name);
    const header = await this.readAt(e.localHeaderOffset, 30);
    const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
    if (view.getUint32(0, true) !== LFH_SIG) {
      throw new ProjectFileError('corrupt', this.file, `the local header of '${name}' is damaged (bad signature at byte ${e.localHeaderOffset}).`);
    }
    const nameLen = view.getUint16(26, true);
    const localName = await this.readAt(e.localHeaderOffset + 30, nameLen);
    if (new TextDecoder().decode(localName) !== name) {
      throw new ProjectFileError('corrupt', this.file, `the local header of '${name}' names another entry: the file is damaged.`);
    }
    const start = e.localHeaderOffset + 30 + nameLen + view.getUint16(28, true);
    if (start + e.compressedSize > this.fileSize) {
      throw new ProjectFileError('corrupt', this.file, `'${name}' extends past the end of the file: the file is truncated.`);
    }
    return { start, length: e.compressedSize };
  }

  /** Reads and decodes one entry, checking its size and CRC. `maxSize` guards entries that should be small. */
  async read(name: string, maxSize = Number.MAX_SAFE_INTEGER): Promise<Uint8Array> {
    const e = this.entry(name);
    if (e.size > maxSize) {
      throw new ProjectFileError('unsupported', this.file, `'${name}' declares ${e.size} bytes, more than the ${maxSize} allowed for it.`);
    }
    if (e.method === 8 && e.size > this.limits.maxInflatedSize) {
      throw new ProjectFileError('unsupported', this.file, `'${name}' declares ${e.size} compressed bytes to decode, more than the ${this.limits.maxInflatedSize} allowed.`);
    }
    const { start, length } = await this.dataRange(name);
    const raw = await this.readAt(start, length);
    let data: Uint8Array;
    if (e.method === 0) {
      data = raw;
    } else {
      try {
        // Decoding stops as soon as the output passes the declared size: an entry that lies about its size cannot
        // make us inflate (and hold) more than the directory promised.
        data = await inflateRawAsync(raw, { maxOutputLength: Math.max(1, e.size) });
      } catch (err) {
        const tooLong = (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
        const why = tooLong ? `it decompresses to more than the ${e.size} bytes its directory entry declares` : (err as Error).message;
        throw new ProjectFileError('corrupt', this.file, `'${name}' cannot be decompressed (${why}).`, { cause: err });
      }
    }
    if (data.length !== e.size || crc32(data) !== e.crc32) {
      throw new ProjectFileError('corrupt', this.file, `'${name}' is damaged: its checksum or size does not match the archive's directory.`);
    }
    return data;
  }

  /**
   * Streams a stored (uncompressed) entry in chunks, verifying its CRC at the end, without decoding or holding it
   * whole. Used to copy unchanged run weights into a new file.
   */
  async *streamStored(name: string, chunkSize = 4 * 2 ** 20): AsyncGenerator<Uint8Array<ArrayBuffer>> {
    const e = this.entry(name);
    if (e.method !== 0) throw new Error(`streamStored: '${name}' is deflated; use read()`);
    const { start, length } = await this.dataRange(name);
    const crc = new Crc32();
    for (let off = 0; off < length; off += chunkSize) {
      const chunk = await this.readAt(start + off, Math.min(chunkSize, length - off));
      crc.update(chunk);
      yield chunk;
    }
    if (crc.value !== e.crc32) {
      throw new ProjectFileError('corrupt', this.file, `'${name}' is damaged: its checksum does not match the archive's directory.`);
    }
  }

  private async readAt(position: number, length: number): Promise<Uint8Array<ArrayBuffer>> {
    const buf = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.fh.read(buf, done, length - done, position + done);
      if (bytesRead === 0) throw new ProjectFileError('corrupt', this.file, `unexpected end of file at byte ${position + done}: the file is truncated.`);
      done += bytesRead;
    }
    return buf;
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}

async function readCentralDirectory(file: string, fh: FileHandle, size: number, limits: ZipLimits): Promise<Map<string, ZipEntryInfo>> {
  const tailLen = Math.min(size, 22 + 0xffff);
  const tail = new Uint8Array(tailLen);
  await fh.read(tail, 0, tailLen, size - tailLen);
  const tv = new DataView(tail.buffer);
  let eocd = -1;
  for (let i = tailLen - 22; i >= 0; i--) {
    if (tv.getUint32(i, true) === EOCD_SIG && i + 22 + tv.getUint16(i + 20, true) <= tailLen) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) {
    throw new ProjectFileError('not-a-zip', file, 'is not a Layerlab project (not a zip archive, or truncated so that its directory is gone).');
  }
  const diskNo = tv.getUint16(eocd + 4, true);
  const count = tv.getUint16(eocd + 10, true);
  const cdSize = tv.getUint32(eocd + 12, true);
  const cdOffset = tv.getUint32(eocd + 16, true);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    throw new ProjectFileError('unsupported', file, 'is a zip64 archive (over 4 GiB or 65535 entries), which Layerlab project files never are.');
  }
  if (diskNo !== 0) throw new ProjectFileError('unsupported', file, 'is a multi-part (spanned) zip archive.');
  if (count > limits.maxEntries) throw new ProjectFileError('unsupported', file, `has ${count} entries, more than the ${limits.maxEntries} a project can have.`);
  const eocdPos = size - tailLen + eocd;
  if (cdOffset + cdSize > eocdPos) {
    throw new ProjectFileError('corrupt', file, 'the zip directory points past its own end: the file is truncated or damaged.');
  }
  const cd = new Uint8Array(cdSize);
  await fh.read(cd, 0, cdSize, cdOffset);
  const v = new DataView(cd.buffer);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const entries = new Map<string, ZipEntryInfo>();
  let total = 0;
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cdSize || v.getUint32(p, true) !== CDH_SIG) {
      throw new ProjectFileError('corrupt', file, `the zip directory is damaged at entry ${i + 1} of ${count}.`);
    }
    const flags = v.getUint16(p + 8, true);
    const method = v.getUint16(p + 10, true);
    const crc = v.getUint32(p + 16, true);
    const compressedSize = v.getUint32(p + 20, true);
    const uncompressed = v.getUint32(p + 24, true);
    const nameLen = v.getUint16(p + 28, true);
    const extraLen = v.getUint16(p + 30, true);
    const commentLen = v.getUint16(p + 32, true);
    const localHeaderOffset = v.getUint32(p + 42, true);
    if (p + 46 + nameLen > cdSize) throw new ProjectFileError('corrupt', file, `the zip directory is damaged at entry ${i + 1} of ${count}.`);
    let name: string;
    try {
      name = decoder.decode(cd.subarray(p + 46, p + 46 + nameLen));
    } catch {
      throw new ProjectFileError('corrupt', file, `entry ${i + 1} has a name that is not valid UTF-8.`);
    }
    p += 46 + nameLen + extraLen + commentLen;

    const unsafe = unsafeEntryNameReason(name);
    if (unsafe) throw new ProjectFileError('unsafe-entry', file, `refused: the entry name ${JSON.stringify(name)} ${unsafe}; the file is not a genuine project and may be malicious.`);
    if (flags & 1) throw new ProjectFileError('unsupported', file, `'${name}' is encrypted; project files are never encrypted.`);
    if (method !== 0 && method !== 8) throw new ProjectFileError('unsupported', file, `'${name}' uses compression method ${method}; only stored (0) and deflate (8) are read.`);
    if (compressedSize === 0xffffffff || uncompressed === 0xffffffff || localHeaderOffset === 0xffffffff) {
      throw new ProjectFileError('unsupported', file, `'${name}' uses zip64 sizes, which Layerlab project files never do.`);
    }
    if (method === 0 && compressedSize !== uncompressed) throw new ProjectFileError('corrupt', file, `stored entry '${name}' has differing sizes.`);
    if (method === 8 && uncompressed > 2 ** 20 && uncompressed > Math.max(compressedSize, 1) * limits.maxRatio) {
      throw new ProjectFileError('unsupported', file, `refused: '${name}' declares ${uncompressed} bytes from ${compressedSize} compressed (a zip bomb).`);
    }
    if (localHeaderOffset + 30 + compressedSize > cdOffset) {
      throw new ProjectFileError('corrupt', file, `'${name}' lies outside the archive's data: the file is truncated or damaged.`);
    }
    total += uncompressed;
    if (total > limits.maxTotalSize) {
      throw new ProjectFileError('unsupported', file, `refused: entries declare more than ${limits.maxTotalSize} bytes in all (a zip bomb?).`);
    }
    if (entries.has(name)) throw new ProjectFileError('corrupt', file, `the entry '${name}' appears twice.`);
    if (name.endsWith('/')) continue;
    entries.set(name, { name, method, crc32: crc, compressedSize, size: uncompressed, localHeaderOffset });
  }
  return entries;
}
