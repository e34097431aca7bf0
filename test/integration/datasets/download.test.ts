import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChecksumError, getCatalogEntry, loadDataset, obtainFile, type DownloadProgress } from '../../../main/datasets/index';
import { sharedDatasets, tempDir } from './paths';

type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

/** Serves the real MNIST files from ../shared under /mnist/, with a per-test behaviour. */
async function serve(handler: Handler): Promise<{ url: string; requests: { path: string; range?: string }[]; close: () => Promise<void> }> {
  const requests: { path: string; range?: string }[] = [];
  const server: Server = createServer(async (req, res) => {
    requests.push({ path: req.url ?? '', range: req.headers.range });
    const name = (req.url ?? '').replace(/^\/mnist\/(real\/)?/, '');
    let body: Buffer;
    try {
      body = await readFile(join(sharedDatasets, 'mnist', name));
    } catch {
      res.writeHead(404).end();
      return;
    }
    handler(req, res, body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

/** Honours Range like a real static server, sending the body in small pieces so progress has something to show. */
function rangeAware(req: IncomingMessage, res: ServerResponse, body: Buffer, cutAt?: number): void {
  const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  const start = m ? Number(m[1]) : 0;
  const part = body.subarray(start);
  res.writeHead(m ? 206 : 200, {
    'content-length': String(part.length),
    ...(m ? { 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` } : {}),
  });
  let off = 0;
  const step = 64 * 1024;
  const pump = () => {
    if (cutAt !== undefined && start + off >= cutAt) {
      res.socket?.destroy();
      return;
    }
    if (off >= part.length) {
      res.end();
      return;
    }
    const end = Math.min(part.length, off + step, cutAt !== undefined ? cutAt - start : Infinity);
    res.write(part.subarray(off, end), () => setImmediate(pump));
    off = end;
  };
  pump();
}

const entry = getCatalogEntry('mnist');
const imagesFile = entry.files.find((f) => f.name === 't10k-images-idx3-ubyte.gz')!;

describe('downloads from a local HTTP server', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let server: Awaited<ReturnType<typeof serve>> | undefined;
  beforeEach(async () => {
    tmp = await tempDir('download');
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await tmp.cleanup();
  });
  const cacheDir = () => join(tmp.dir, 'cache');
  const fast = { retryDelayMs: 10, progressIntervalMs: 0 };

  it('streams with progress (bytes, total, rate, ETA), verifies, and lands in the cache; loadDataset uses it', async () => {
    server = await serve((req, res, body) => rangeAware(req, res, body));
    const events: DownloadProgress[] = [];
    const got = await obtainFile(entry, imagesFile, { mirror: server.url, cacheDir: cacheDir(), offline: true, download: fast, onProgress: (p) => events.push(p) });
    expect(got.source).toBe(`${server.url}mnist/${imagesFile.name}`);
    expect(got.path).toBe(join(cacheDir(), 'datasets', 'mnist', imagesFile.name));
    const bytes = await readFile(got.path);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(imagesFile.sha256);
    expect(events.length).toBeGreaterThan(5);
    expect(events.every((e) => e.total === imagesFile.bytes)).toBe(true);
    for (let i = 1; i < events.length; i++) expect(events[i].bytes).toBeGreaterThanOrEqual(events[i - 1].bytes);
    const last = events[events.length - 1];
    expect(last).toMatchObject({ done: true, bytes: imagesFile.bytes, file: imagesFile.name });
    expect(events.some((e) => e.rate > 0 && e.etaSeconds !== undefined && !e.done)).toBe(true);
    expect(await readdir(join(cacheDir(), 'datasets', 'mnist'))).toEqual([imagesFile.name]);

    // The rest comes over HTTP too; then the dataset loads from the cache with no server.
    const d = await loadDataset('mnist', { mirror: server.url, cacheDir: cacheDir(), offline: true, limitTrain: 10 });
    expect(d.test?.count).toBe(10000);
    await server.close();
    server = undefined;
    const again = await loadDataset('mnist', { cacheDir: cacheDir(), offline: true, env: {} });
    expect(again.train.count).toBe(60000);
  });

  it('a download cut off half-way resumes with a Range request and verifies', async () => {
    let first = true;
    server = await serve((req, res, body) => {
      const cut = first ? body.length >> 1 : undefined;
      first = false;
      rangeAware(req, res, body, cut);
    });
    const events: DownloadProgress[] = [];
    await obtainFile(entry, imagesFile, { mirror: server.url, cacheDir: cacheDir(), offline: true, download: fast, onProgress: (p) => events.push(p) });
    // The second request asks only for what is missing (the cut lands where the socket died, at most half-way).
    expect(server.requests).toHaveLength(2);
    expect(server.requests[0].range).toBeUndefined();
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(server.requests[1].range ?? '')?.[1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(imagesFile.bytes >> 1);
    const second = events.filter((e) => e.attempt === 2);
    expect(second[0].bytes).toBeGreaterThan(resumedAt);
    expect(second[second.length - 1]).toMatchObject({ done: true, bytes: imagesFile.bytes });
    const bytes = await readFile(join(cacheDir(), 'datasets', 'mnist', imagesFile.name));
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(imagesFile.sha256);
  });

  it('a server that ignores Range gets a full retry, still verified', async () => {
    let first = true;
    server = await serve((req, res, body) => {
      const cut = first ? 300_000 : undefined;
      first = false;
      // No Range support: always 200 with the whole body.
      const plain = { ...req, headers: {} } as IncomingMessage;
      rangeAware(plain, res, body, cut);
    });
    const got = await obtainFile(entry, imagesFile, { mirror: server.url, cacheDir: cacheDir(), offline: true, download: fast });
    expect(server.requests).toHaveLength(2);
    expect(createHash('sha256').update(await readFile(got.path)).digest('hex')).toBe(imagesFile.sha256);
  });

  it('when every attempt breaks, the error says so and the partial file is kept for the next fetch to resume', async () => {
    server = await serve((req, res, body) => rangeAware(req, res, body, 500_000));
    const err = await obtainFile(entry, imagesFile, { mirror: server.url, cacheDir: cacheDir(), offline: true, download: { ...fast, retries: 1 } }).catch((e: unknown) => e);
    const kept = Number(/(\d+) of 1648877 bytes are kept in .*\.part; the next fetch resumes from there/.exec((err as Error).message)?.[1]);
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(500_000);
    expect(await readdir(join(cacheDir(), 'datasets', 'mnist'))).toEqual([`${imagesFile.name}.part`]);
    await server.close();
    server = await serve((req, res, body) => rangeAware(req, res, body));
    await obtainFile(entry, imagesFile, { mirror: server.url, cacheDir: cacheDir(), offline: true, download: fast });
    expect(server.requests[0].range).toBe(`bytes=${kept}-`);
    expect(await readdir(join(cacheDir(), 'datasets', 'mnist'))).toEqual([imagesFile.name]);
  });

  it('keeps the bytes as published when a host labels the .gz with Content-Encoding: gzip, and follows redirects', async () => {
    server = await serve((req, res, body) => {
      if (!req.url?.includes('/real/')) {
        res.writeHead(302, { location: req.url!.replace('/mnist/', '/mnist/real/') }).end();
        return;
      }
      res.writeHead(200, { 'content-length': String(body.length), 'content-encoding': 'gzip', 'content-type': 'application/octet-stream' });
      res.end(body);
    });
    const labelsFile = entry.files.find((f) => f.name === 't10k-labels-idx1-ubyte.gz')!;
    const got = await obtainFile(entry, labelsFile, { mirror: server.url, cacheDir: cacheDir(), offline: true, download: fast, wantBytes: true });
    expect(createHash('sha256').update(got.bytes!).digest('hex')).toBe(labelsFile.sha256);
    expect(server.requests.map((r) => r.path)).toEqual([`/mnist/${labelsFile.name}`, `/mnist/real/${labelsFile.name}`]);
  });

  it('served bytes that do not match the published sha256 are refused and nothing is kept', async () => {
    server = await serve((req, res, body) => {
      const bad = Buffer.from(body);
      bad[1000] ^= 0x10;
      rangeAware(req, res, bad);
    });
    const err = await obtainFile(entry, imagesFile, { mirror: server.url, cacheDir: cacheDir(), offline: true, download: fast }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChecksumError);
    expect((err as Error).message).toContain(`expected ${imagesFile.sha256}`);
    expect((err as Error).message).toContain(`${server.url}mnist/${imagesFile.name}`);
    expect(await readdir(join(cacheDir(), 'datasets', 'mnist'))).toEqual([]);
  });
});
