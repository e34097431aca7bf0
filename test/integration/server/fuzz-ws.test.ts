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
});
