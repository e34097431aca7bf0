/**
 * Streams a zip to an open file with fflate's `Zip`, one entry at a time, so a save never holds more than one
 * entry (plus a chunk) in memory. Stored entries of another project zip are copied chunk by chunk as they are.
 */
import type { FileHandle } from 'node:fs/promises';
import { Zip, ZipDeflate, ZipPassThrough, type AsyncFlateStreamHandler, type ZipInputFile } from 'fflate';
import type { ZipReader } from './zip-reader';

export type ZipSource =
  /** Bytes in memory; `compress` deflates them (JSON), otherwise they are stored (weights do not compress). */
  | { name: string; data: Uint8Array; compress: boolean }
  /** A stored entry of another archive, copied without holding it whole. */
  | { name: string; copyFrom: ZipReader; sourceName: string };

/** A zip input whose bytes are already in their final (stored) form, with their CRC and size known up front. */
class PrecomputedEntry implements ZipInputFile {
  compression = 0;
  ondata: AsyncFlateStreamHandler = () => {};
  constructor(
    readonly filename: string,
    readonly crc: number,
    readonly size: number,
  ) {}
  push(chunk: Uint8Array<ArrayBuffer>, final: boolean): void {
    this.ondata(null, chunk, final);
  }
}

export async function writeZip(out: FileHandle, sources: Iterable<ZipSource> | AsyncIterable<ZipSource>): Promise<number> {
  let pending: Uint8Array[] = [];
  let failure: Error | null = null;
  let written = 0;
  const zip = new Zip((err, chunk) => {
    if (err) failure = err;
    else pending.push(chunk);
  });
  const flush = async (): Promise<void> => {
    if (failure) throw failure;
    const chunks = pending;
    pending = [];
    for (const c of chunks) {
      await out.write(c, 0, c.length, null);
      written += c.length;
    }
  };
  for await (const source of sources) {
    if ('data' in source) {
      const entry = source.compress ? new ZipDeflate(source.name, { level: 6 }) : new ZipPassThrough(source.name);
      zip.add(entry);
      entry.push(source.data, true);
    } else {
      const info = source.copyFrom.entry(source.sourceName);
      const entry = new PrecomputedEntry(source.name, info.crc32, info.size);
      zip.add(entry);
      for await (const chunk of source.copyFrom.streamStored(source.sourceName)) {
        entry.push(chunk, false);
        await flush();
      }
      entry.push(new Uint8Array(0), true);
    }
    await flush();
  }
  zip.end();
  await flush();
  return written;
}
