import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { API_METHODS } from '../../../shared/api';
import { createBackendService } from '../../../main/service/service';
import { startServer, type RunningServer } from '../../../main/server/server';
import { MIRROR, refusingRunnerFactory, validParams } from '../../unit/api/examples';
import { mutate, randomJson, rng } from '../../unit/api/fuzz';
import { Client, openSocket } from './helpers';

const ROUNDS = 2000;

const cacheDir = mkdtempSync(join(tmpdir(), 'layerlab-wsfuzz-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

describe('fuzzing the API over a real WebSocket', () => {
  const service = createBackendService({
    datasets: { mirror: MIRROR, cacheDir, offline: true },
    baseDir: cacheDir,
    // A fuzzed training.start that is valid must not start real training here.
    runnerFactory: refusingRunnerFactory().factory,
    engineInfo: async () => ({ backend: 'cpu', skipped: [], gpuNotes: [] }),
  });
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ service, port: 0, log: () => {} });
  });
  afterAll(async () => {
    await server.close();
    await service.close();
  });

  it(`answers ${ROUNDS} random messages, one response each, and keeps serving`, async () => {
    const ws = await openSocket(`ws://127.0.0.1:${server.port}/api?token=${server.token}`);
    const next = rng(99);
    const responses: { id: unknown; error?: { code: string } }[] = [];
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString());
      if (!('event' in m)) responses.push(m);
    });
    const skipped = new Set(['datasets.preview', 'datasets.fetch']);
    const methods = API_METHODS.filter((m) => !skipped.has(m));
    for (let i = 0; i < ROUNDS; i++) {
      const kind = i % 4;
      if (kind === 0) ws.send(JSON.stringify(randomJson(next)));
      else if (kind === 1) ws.send(JSON.stringify(randomJson(next)).slice(0, 50) + '{');
      else {
        const method = methods[Math.floor(next() * methods.length)]!;
        const params = kind === 2 ? randomJson(next) : mutate(validParams[method], next);
        ws.send(JSON.stringify({ id: i, method, params }));
      }
    }
    ws.send(Buffer.from([1, 2, 3]), { binary: true });
    const deadline = Date.now() + 60_000;
    while (responses.length < ROUNDS + 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(responses.length).toBe(ROUNDS + 1);
    expect(responses.every((r) => r.error === undefined || typeof r.error.code === 'string')).toBe(true);
    expect(responses.filter((r) => r.error?.code === 'internal')).toEqual([]);
    expect(ws.readyState).toBe(WebSocket.OPEN);

    const client = new Client(ws);
    expect(await client.call('datasets.info', { name: 'mnist' })).toMatchObject({ result: { name: 'mnist', available: true } });
    // A fresh connection works too.
    const fresh = new Client(await openSocket(`ws://127.0.0.1:${server.port}/api?token=${server.token}`));
    expect(await fresh.call('training.list')).toMatchObject({ result: { runs: expect.any(Array) } });
    fresh.ws.close();
    ws.close();
  });

  it('closes a connection that sends a frame above the size limit, and keeps serving others', async () => {
    const ws = await openSocket(`ws://127.0.0.1:${server.port}/api?token=${server.token}`);
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    ws.send('x'.repeat(8 * 1024 * 1024 + 10));
    expect(await closed).toBe(1009);
    const other = new Client(await openSocket(`ws://127.0.0.1:${server.port}/api?token=${server.token}`));
    expect(await other.call('training.list')).toMatchObject({ result: { runs: expect.any(Array) } });
    other.ws.close();
  });

  it('survives batches of hostile messages (deep nesting, huge arrays, wrong types, invalid UTF-8) with bounded memory', async () => {
    const url = `ws://127.0.0.1:${server.port}/api?token=${server.token}`;
    const next = rng(2024);
    const deep = (depth: number, leaf: string) => `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}`;
    /** Each hostile message, as JSON text: nesting in the free-form fields the issue found, arrays far past every limit. */
    const hostile = (i: number): string => {
      const depth = 65 + Math.floor(next() * 20_000);
      switch (i % 6) {
        case 0:
          return `{"id":${i},"method":"projects.save","params":{"path":"x.layerlab","project":{"name":"p","graph":${deep(depth, '1')}}}}`;
        case 1:
          return `{"id":${i},"method":"training.start","params":{"graph":{"nodes":[{"id":"a","kind":"Dense","name":"a","config":{"units":${deep(depth, '3')}}}],"edges":[]},"config":{}}}`;
        case 2:
          return `{"id":${i},"method":"export.run","params":${deep(depth, '{}')}}`;
        case 3:
          // Huge arrays cost the parser and schema ~150 ms each: a few per batch show they are refused.
          if (i % 60 !== 3) return `{"id":${i},"method":"sweeps.start","params":{"config":{"name":"s","dimensions":${deep(depth, '0')}}}}`;
          return `{"id":${i},"method":"training.predict","params":{"runId":"r","input":{"pixels":[${new Array(200_000 + Math.floor(next() * 100_000)).fill(0).join(',')}],"shape":[1]}}}`;
        case 4:
          return JSON.stringify({ id: i, method: API_METHODS[i % API_METHODS.length], params: [next(), 'x', null, { nested: [true] }][i % 4] });
        default:
          return `${deep(depth, `{"id":${i}}`)}`;
      }
    };
    const BATCHES = 5;
    const PER_BATCH = 400;
    globalThis.gc?.();
    const rssStart = process.memoryUsage().rss;
    let rssMax = rssStart;
    for (let batch = 0; batch < BATCHES; batch++) {
      const ws = await openSocket(url);
      const client = new Client(ws);
      let answered = 0;
      const internal: string[] = [];
      ws.on('message', (d) => {
        const m = JSON.parse(d.toString()) as { event?: string; error?: { code: string; message: string } };
        if (m.event) return;
        answered++;
        if (m.error?.code === 'internal') internal.push(m.error.message);
      });
      for (let i = 0; i < PER_BATCH; i++) ws.send(hostile(batch * PER_BATCH + i));
      // Every message gets exactly one answer, none of them 'internal', and the server still does real work.
      const deadline = Date.now() + 120_000;
      while (answered < PER_BATCH && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(answered, `batch ${batch}`).toBe(PER_BATCH);
      expect(internal, `batch ${batch}`).toEqual([]);
      expect(await client.call('training.list'), `batch ${batch}`).toMatchObject({ result: { runs: expect.any(Array) } });
      // Invalid UTF-8 in a text frame: the socket library closes that connection (1007); the server lives on.
      const bad = await openSocket(url);
      const closed = new Promise<number>((resolve) => bad.on('close', (code) => resolve(code)));
      bad.send(Buffer.from([0x7b, 0xff, 0xfe, 0xc3, 0x28, 0x7d]), { binary: false });
      expect(await closed).toBe(1007);
      ws.close();
      rssMax = Math.max(rssMax, process.memoryUsage().rss);
    }
    const fresh = new Client(await openSocket(url));
    expect(await fresh.call('datasets.info', { name: 'mnist' })).toMatchObject({ result: { name: 'mnist' } });
    fresh.ws.close();
    // Loose: the messages themselves total ~1 GB over the run; the server holds none of them for long.
    expect(rssMax - rssStart).toBeLessThan(768 * 2 ** 20);
  }, 300_000);
});
