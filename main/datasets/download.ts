/**
 * Streaming HTTP download into a temporary ".part" file next to the destination, with progress events, resume by
 * Range after a broken connection (or a restart when the server ignores Range), checksum verification, and an
 * atomic rename: the destination name only ever holds a verified file.
 */
import { createWriteStream } from 'node:fs';
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CatalogFile } from './catalog';
import { verifyFile } from './checksum';
import { DatasetError } from './errors';

export interface DownloadProgress {
  file: string;
  source: string;
  /** Bytes of the file on disk so far (resumed bytes included). */
  bytes: number;
  total?: number;
  /** Bytes per second over this attempt. */
  rate: number;
  etaSeconds?: number;
  attempt: number;
  done: boolean;
}

export interface DownloadOptions {
  onProgress?: (p: DownloadProgress) => void;
  /** Attempts after the first one when the connection breaks (each resumes where the last stopped). Default 3. */
  retries?: number;
  /** Abort an attempt when no byte arrives for this long. Default 30 s. */
  idleTimeoutMs?: number;
  /** Delay before a retry, doubled each time. Default 500 ms. */
  retryDelayMs?: number;
  /** Minimum interval between progress events. Default 100 ms. */
  progressIntervalMs?: number;
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

/** Network errors sometimes carry the real reason in `cause`. */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return err.name === 'AbortError' ? 'no data for too long' : `${err.message}${cause}`;
}

class HttpStatusError extends DatasetError {
  constructor(readonly status: number, url: string) {
    super(`${url}: HTTP ${status}`);
  }
}

interface Response {
  status: number;
  headers: IncomingHttpHeaders;
  body: IncomingMessage;
}

/**
 * GET with node:http(s) rather than fetch: fetch transparently gunzips bodies served with Content-Encoding: gzip,
 * which some hosts send for .gz files, and the published checksums are of the compressed bytes.
 */
function get(url: string, headers: Record<string, string>, signal: AbortSignal, redirects = 5): Promise<Response> {
  return new Promise((resolveGet, rejectGet) => {
    const u = new URL(url);
    const client = u.protocol === 'https:' ? https : http;
    const req = client.get(u, { headers: { ...headers, 'accept-encoding': 'identity' }, signal }, (res) => {
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (status >= 300 && status < 400 && location) {
        res.resume();
        if (redirects <= 0) return rejectGet(new DatasetError(`${url}: too many redirects`));
        return resolveGet(get(new URL(location, u).toString(), headers, signal, redirects - 1));
      }
      resolveGet({ status, headers: res.headers, body: res });
    });
    req.on('error', rejectGet);
  });
}

/** One attempt: appends to `part` from its current size. Resolves when the body ended (complete or not). */
async function attempt(url: string, part: string, file: CatalogFile, n: number, opts: DownloadOptions): Promise<void> {
  const have = await sizeOf(part);
  const controller = new AbortController();
  const idleMs = opts.idleTimeoutMs ?? 30_000;
  let idle = setTimeout(() => controller.abort(), idleMs);
  try {
    const res = await get(url, have > 0 ? { range: `bytes=${have}-` } : {}, controller.signal);
    if (res.status === 416 && have > 0) {
      // The part file already holds the whole file (or more): let verification decide.
      res.body.resume();
      return;
    }
    if (res.status < 200 || res.status >= 300) {
      res.body.resume();
      throw new HttpStatusError(res.status, url);
    }
    const resumed = res.status === 206 && have > 0;
    const start = resumed ? have : 0;
    const lengthHeader = Number(res.headers['content-length']);
    const total = Number.isFinite(lengthHeader) && lengthHeader > 0 ? start + lengthHeader : file.bytes;
    const out = createWriteStream(part, { flags: resumed ? 'a' : 'w' });
    const closed = new Promise<void>((resolveClose, rejectClose) => {
      out.on('close', resolveClose);
      out.on('error', rejectClose);
    });
    let bytes = start;
    const t0 = performance.now();
    let lastEmit = 0;
    const interval = opts.progressIntervalMs ?? 100;
    const emit = (done: boolean) => {
      const seconds = (performance.now() - t0) / 1000;
      const rate = seconds > 0 ? (bytes - start) / seconds : 0;
      const etaSeconds = rate > 0 ? Math.max(0, (total - bytes) / rate) : undefined;
      opts.onProgress?.({ file: file.name, source: url, bytes, total, rate, etaSeconds, attempt: n, done });
    };
    try {
      for await (const chunk of res.body) {
        const value = chunk as Buffer;
        clearTimeout(idle);
        idle = setTimeout(() => controller.abort(), idleMs);
        bytes += value.byteLength;
        if (!out.write(value)) await new Promise<void>((r) => out.once('drain', () => r()));
        const now = performance.now();
        if (now - lastEmit >= interval) {
          lastEmit = now;
          emit(false);
        }
      }
      // A body that ends early (the server closed cleanly) is not done: the caller retries from here.
      emit(bytes >= total);
    } catch (err) {
      throw new DatasetError(`${url}: connection broke after ${bytes} of ${total} bytes (${describe(err)})`);
    } finally {
      out.end();
      await closed;
    }
  } finally {
    clearTimeout(idle);
  }
}

/**
 * Downloads `url` to `dest` (through `dest + '.part'`), verifying the catalog checksums before the rename.
 * A broken connection is retried with Range from the bytes already on disk. A checksum mismatch deletes the part
 * file and throws ChecksumError; other failures keep the part file so a later fetch can resume.
 */
export async function downloadVerified(url: string, dest: string, file: CatalogFile, opts: DownloadOptions = {}): Promise<void> {
  await mkdir(dirname(dest), { recursive: true });
  const part = dest + '.part';
  const retries = opts.retries ?? 3;
  let lastError: unknown;
  for (let n = 0; n <= retries; n++) {
    if (n > 0) await new Promise((r) => setTimeout(r, (opts.retryDelayMs ?? 500) * 2 ** (n - 1)));
    try {
      await attempt(url, part, file, n + 1, opts);
    } catch (err) {
      lastError = err;
      // A 4xx other than a broken Range will not get better by retrying.
      if (err instanceof HttpStatusError && err.status >= 400 && err.status < 500) break;
      continue;
    }
    const got = await sizeOf(part);
    if (got < file.bytes) {
      lastError = new DatasetError(`${url}: connection ended after ${got} of ${file.bytes} bytes`);
      continue;
    }
    try {
      await verifyFile(file, part, url);
    } catch (err) {
      // A complete download with the wrong bytes cannot be resumed into a good one: start clean next time.
      await rm(part, { force: true });
      throw err;
    }
    await rename(part, dest);
    return;
  }
  const reason = lastError instanceof DatasetError ? lastError.message : describe(lastError);
  const have = await sizeOf(part);
  throw new DatasetError(
    `could not download ${file.name} from ${url} (last error: ${reason}).` +
      (have > 0 ? ` ${have} of ${file.bytes} bytes are kept in ${part}; the next fetch resumes from there.` : '') +
      ' Check the network, or point --mirror / LAYERLAB_DATASET_MIRROR at a folder that has the file.',
    file.name,
  );
}
