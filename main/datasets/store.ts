/**
 * Getting a verified copy of a catalog file: the cache first, then each mirror, then the canonical URLs.
 * Every copy is checked against the published checksum before it is used; a bad copy in the cache is deleted,
 * a bad copy in a mirror is skipped (mirrors are not ours to change), and downloads land under a temporary name.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { join } from 'node:path';
import type { CatalogEntry, CatalogFile } from './catalog';
import { verifyBytes, verifyFile } from './checksum';
import { downloadVerified, type DownloadOptions, type DownloadProgress } from './download';
import { ChecksumError, DatasetError } from './errors';
import { datasetCacheDir, resolveCacheDir, resolveMirrors } from './paths';

export interface SourceOptions {
  /** Cache root; default the per-user one (system/cache-root: LAYERLAB_CACHE_DIR, else the platform's cache folder). */
  cacheDir?: string;
  /** Mirror directory or URL prefix (one sub-folder per dataset), tried before the internet. */
  mirror?: string | string[];
  /** Never go to the canonical URLs (also LAYERLAB_OFFLINE=1). */
  offline?: boolean;
  onProgress?: (p: DownloadProgress & { dataset: string }) => void;
  download?: Omit<DownloadOptions, 'onProgress'>;
  env?: NodeJS.ProcessEnv;
}

export interface VerifiedFile {
  path: string;
  /** Where the verified copy came from: 'cache', a mirror path, or a URL. */
  source: string;
  bytes?: Uint8Array;
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function firstExisting(paths: string[]): Promise<string | undefined> {
  for (const p of paths) if (await exists(p)) return p;
  return undefined;
}

export function cachedFilePath(entry: CatalogEntry, file: CatalogFile, opts: SourceOptions = {}): string {
  return join(datasetCacheDir(resolveCacheDir(opts.cacheDir, opts.env), entry.name), file.name);
}

/**
 * Finds a verified copy of `file`. With `wantBytes` the bytes are returned too (read once, hashed in memory).
 * With `intoCache` a copy found in a local mirror is copied into the cache (temp name, verify, rename).
 */
export async function obtainFile(
  entry: CatalogEntry,
  file: CatalogFile,
  opts: SourceOptions & { wantBytes?: boolean; intoCache?: boolean } = {},
): Promise<VerifiedFile> {
  const env = opts.env ?? process.env;
  const cachePath = cachedFilePath(entry, file, opts);
  const tried: string[] = [];
  let checksumError: ChecksumError | undefined;

  const readVerified = async (path: string, source: string): Promise<VerifiedFile> => {
    if (opts.wantBytes) {
      const bytes = await readFile(path);
      verifyBytes(file, bytes, source);
      return { path, source, bytes };
    }
    await verifyFile(file, path, source);
    return { path, source };
  };

  if (await exists(cachePath)) {
    try {
      return await readVerified(cachePath, 'cache');
    } catch (err) {
      if (!(err instanceof ChecksumError)) throw err;
      // A damaged cached copy must never be picked up again: delete it, then look elsewhere.
      await rm(cachePath, { force: true });
      checksumError = new ChecksumError(file.name, err.algorithm, err.expected, err.actual, cachePath);
      tried.push(`${cachePath}: checksum mismatch, deleted`);
    }
  } else tried.push(`${cachePath}: not cached`);

  const onProgress = opts.onProgress ? (p: DownloadProgress) => opts.onProgress?.({ ...p, dataset: entry.name }) : undefined;
  const download = async (url: string): Promise<VerifiedFile> => {
    await downloadVerified(url, cachePath, file, { ...opts.download, onProgress });
    return opts.wantBytes ? { path: cachePath, source: url, bytes: await readFile(cachePath) } : { path: cachePath, source: url };
  };

  for (const mirror of resolveMirrors(opts.mirror, env)) {
    try {
      if (mirror.kind === 'dir') {
        // A mirror root with one sub-folder per dataset, or a folder holding this dataset's files itself
        // (`--data-dir ../shared/datasets/mnist`); either way the copy is verified below.
        const candidates = [join(mirror.dir, entry.name, file.name), join(mirror.dir, file.name)];
        const found = await firstExisting(candidates);
        if (!found) {
          tried.push(`${candidates.join(', ')}: missing`);
          continue;
        }
        const path = found;
        if (!opts.intoCache) return await readVerified(path, path);
        await copyVerified(path, cachePath, file, onProgress);
        return opts.wantBytes ? { path: cachePath, source: path, bytes: await readFile(cachePath) } : { path: cachePath, source: path };
      }
      return await download(`${mirror.prefix}${entry.name}/${file.name}`);
    } catch (err) {
      if (err instanceof ChecksumError) checksumError ??= err;
      tried.push(err instanceof Error ? err.message : String(err));
    }
  }

  if (!opts.offline && !env.LAYERLAB_OFFLINE) {
    for (const url of file.urls) {
      try {
        return await download(url);
      } catch (err) {
        if (err instanceof ChecksumError) checksumError ??= err;
        tried.push(err instanceof Error ? err.message : String(err));
      }
    }
  } else tried.push('internet: not tried (offline)');

  if (checksumError) throw checksumError;
  throw new DatasetError(
    `${entry.name}/${file.name} is not available. Tried:\n  - ${tried.join('\n  - ')}\n` +
      `Fix: connect to the internet, or pass --mirror DIR (or set LAYERLAB_DATASET_MIRROR) to a folder holding ${entry.name}/${file.name}.`,
    file.name,
  );
}

/**
 * Copies a local file into the cache under a temporary name, verifies it there, then renames it into place.
 * Progress events are the same as for downloads, so the UI shows a copy from a slow network share too.
 */
async function copyVerified(from: string, dest: string, file: CatalogFile, onProgress?: (p: DownloadProgress) => void): Promise<void> {
  await mkdir(join(dest, '..'), { recursive: true });
  // A unique name: a copy has nothing to resume, and two processes fetching at once must not share a temp file.
  const part = `${dest}.${process.pid}-${Math.random().toString(36).slice(2, 8)}.part`;
  let bytes = 0;
  let last = 0;
  const t0 = performance.now();
  const emit = (done: boolean) => {
    const seconds = (performance.now() - t0) / 1000;
    const rate = seconds > 0 ? bytes / seconds : 0;
    onProgress?.({ file: file.name, source: from, bytes, total: file.bytes, rate, etaSeconds: rate > 0 ? Math.max(0, (file.bytes - bytes) / rate) : undefined, attempt: 1, done });
  };
  await pipeline(
    createReadStream(from, { highWaterMark: 1 << 20 }),
    new Transform({
      transform(chunk: Buffer, _enc, cb) {
        bytes += chunk.length;
        const now = performance.now();
        if (now - last >= 100) {
          last = now;
          emit(false);
        }
        cb(null, chunk);
      },
    }),
    createWriteStream(part),
  ).catch(async (err: unknown) => {
    await rm(part, { force: true });
    throw err;
  });
  emit(true);
  try {
    await verifyFile(file, part, from);
  } catch (err) {
    await rm(part, { force: true });
    throw err;
  }
  await rename(part, dest);
}

/** Fetches every file of a catalog dataset into the cache (used by `layerlab datasets fetch`). */
export async function fetchDataset(entry: CatalogEntry, opts: SourceOptions = {}): Promise<VerifiedFile[]> {
  const out: VerifiedFile[] = [];
  for (const file of entry.files) out.push(await obtainFile(entry, file, { ...opts, intoCache: true }));
  return out;
}

export type CacheState = 'cached' | 'partial' | 'missing';

/** Cache status by file presence and size (cheap; checksums are checked when the files are used). */
export async function cacheStatus(entry: CatalogEntry, opts: SourceOptions = {}): Promise<{ state: CacheState; bytes: number }> {
  let present = 0;
  let bytes = 0;
  for (const file of entry.files) {
    try {
      const s = await stat(cachedFilePath(entry, file, opts));
      if (s.size === file.bytes) {
        present++;
        bytes += s.size;
      }
    } catch {
      // not cached
    }
  }
  return { state: present === entry.files.length ? 'cached' : present > 0 ? 'partial' : 'missing', bytes };
}
