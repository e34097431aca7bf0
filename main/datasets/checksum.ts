/** Checksums against the catalog's published values; a mismatch is a ChecksumError naming file and values. */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { CatalogFile } from './catalog';
import { ChecksumError } from './errors';

function hashers(file: CatalogFile): { sha256?: Hash; md5?: Hash } {
  if (!file.sha256 && !file.md5) throw new Error(`catalog file ${file.name} has no checksum: refusing to use it unverified.`);
  return { sha256: file.sha256 ? createHash('sha256') : undefined, md5: file.md5 ? createHash('md5') : undefined };
}

function check(file: CatalogFile, h: { sha256?: Hash; md5?: Hash }, source: string): void {
  if (h.sha256 && file.sha256) {
    const actual = h.sha256.digest('hex');
    if (actual !== file.sha256) throw new ChecksumError(file.name, 'sha256', file.sha256, actual, source);
  }
  if (h.md5 && file.md5) {
    const actual = h.md5.digest('hex');
    if (actual !== file.md5) throw new ChecksumError(file.name, 'md5', file.md5, actual, source);
  }
}

/** Throws ChecksumError unless the bytes match every published checksum of `file`; `source` names the copy. */
export function verifyBytes(file: CatalogFile, bytes: Uint8Array, source: string): void {
  const h = hashers(file);
  h.sha256?.update(bytes);
  h.md5?.update(bytes);
  check(file, h, source);
}

export async function verifyFile(file: CatalogFile, path: string, source = path): Promise<void> {
  const h = hashers(file);
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    h.sha256?.update(chunk as Buffer);
    h.md5?.update(chunk as Buffer);
  }
  check(file, h, source);
}
