import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../../main/datasets/index';
import { createBackendService, type LocalBackendService } from '../../../main/service/service';
import { startServer, type RunningServer } from '../../../main/server/server';
import { MIRROR, mlpGraph } from '../../unit/api/examples';
import { replayRunEvents } from '../../../shared/run-state';
import { Client, openSocket } from '../server/helpers';

const config = (limit: number) => ({ dataset: { name: 'mnist' }, epochs: 1, batch_size: 32, limit_train: limit, limit_test: 500 });

describe('training through the WebSocket API (real worker, real MNIST subset)', () => {
  let service: LocalBackendService;
  let server: RunningServer;
  let a: Client;
  let b: Client;
  const checkpointDir = mkdtempSync(join(tmpdir(), 'layerlab-ckpt-'));

  beforeAll(async () => {
    service = createBackendService({
      datasets: { mirror: MIRROR, cacheDir: join(checkpointDir, 'cache'), offline: true },
      checkpointDir,
    });
    server = await startServer({ service, port: 0, log: () => {} });
    const url = `ws://127.0.0.1:${server.port}/api?token=${server.token}`;
    a = new Client(await openSocket(url));
    b = new Client(await openSocket(url));
  });
  afterAll(async () => {
    a?.ws.close();
    b?.ws.close();
    await server?.close();
    await service?.close();
    rmSync(checkpointDir, { recursive: true, force: true });
  });

  const status = (runId: string, s: string) => (e: { event: string; payload: Record<string, any> }) =>
    e.event === 'training.status' && e.payload.runId === runId && e.payload.status === s;
  const progress = (runId: string) => (e: { event: string; payload: Record<string, any> }) =>
    e.event === 'training.progress' && e.payload.runId === runId;

  let first = '';
  let second = '';

  it('starts a run, queues a second one, and both clients see the same events', async () => {
    const r1 = await a.call('training.start', { graph: mlpGraph, config: config(3000), name: 'first' });
    expect(r1.result).toMatchObject({ status: 'running' });
    first = r1.result.runId;
    const r2 = await b.call('training.start', { graph: mlpGraph, config: config(3000), name: 'second' });
    expect(r2.result).toMatchObject({ status: 'queued' });
    second = r2.result.runId;
    const listed = await a.call('training.list');
    expect(listed.result.runs.find((r: { runId: string }) => r.runId === second)).toMatchObject({ status: 'queued', queuePosition: 0 });

    // Pause on the first progress event; no batch finishes while paused; then resume.
    await a.waitFor(progress(first));
    expect((await b.call('training.pause', { runId: first })).result).toMatchObject({ status: 'paused' });
    await a.waitFor(status(first, 'paused'));
    await new Promise((r) => setTimeout(r, 300));
    const during = a.events.filter(progress(first)).length;
    await new Promise((r) => setTimeout(r, 700));
    expect(a.events.filter(progress(first)).length).toBe(during);
    expect((await a.call('training.pause', { runId: first })).error).toMatchObject({ code: 'conflict' });
    expect((await a.call('training.resume', { runId: first })).result).toMatchObject({ status: 'running' });

    for (const client of [a, b]) {
      const done = await client.waitFor(status(first, 'completed'));
      expect(done.payload.runId).toBe(first);
      const epoch = client.events.find((e) => e.event === 'training.epoch' && e.payload.runId === first)!;
      expect(Object.keys(epoch.payload.metrics).sort()).toEqual(['acc', 'loss', 'val_acc', 'val_loss']);
      // A Dense net on 3000 real digits gets well past chance (10%) in one epoch.
      expect(epoch.payload.metrics.val_acc).toBeGreaterThan(0.6);
      expect(client.events.some((e) => e.event === 'training.histograms' && e.payload.runId === first)).toBe(true);
      const p = client.events.filter(progress(first));
      expect(p.length).toBeGreaterThan(1);
      expect(p[p.length - 1]!.payload).toMatchObject({ epoch: 0, batches: 94 });
      expect(p[p.length - 1]!.payload.batch).toBeGreaterThan(p[0]!.payload.batch);
      // Each progress event carries the batch's accuracy beside its loss, as the epoch metrics name it.
      for (const e of p) if (e.payload.loss !== undefined) expect(Object.keys(e.payload.metrics)).toEqual(['acc']);
      expect(p.filter((e) => e.payload.metrics?.acc >= 0 && e.payload.metrics.acc <= 1).length).toBeGreaterThan(1);
      // The confusion matrix covers the whole validation set (limit_test 500).
      const confusion = client.events.find((e) => e.event === 'training.confusion' && e.payload.runId === first)!;
      expect(confusion.payload.matrix.flat().reduce((s: number, v: number) => s + v, 0)).toBe(500);
    }
    // The queued run started only after the first one ended.
    const order = a.events.filter((e) => e.event === 'training.status').map((e) => `${e.payload.runId}:${e.payload.status}`);
    expect(order.indexOf(`${second}:running`)).toBeGreaterThan(order.indexOf(`${first}:completed`));
  });

  it('keeps the history, telemetry and checkpoint of a finished run and predicts with its weights', async () => {
    const detail = (await b.call('training.get', { runId: first })).result;
    expect(detail).toMatchObject({ runId: first, name: 'first', status: 'completed', graph: mlpGraph });
    expect(detail.history).toHaveLength(1);
    expect(detail.lastConfusion).toMatchObject({ runId: first, samples: 500 });
    expect(detail.lastActivations.layers.map((l: { layer: string }) => l.layer)).toEqual(expect.arrayContaining(['dense', 'output']));
    expect(detail.lastHistograms.histograms.find((h: { layer: string; weight: string }) => h.layer === 'dense' && h.weight === 'kernel').count).toBe(784 * 32);
    expect(existsSync(join(detail.checkpoint, 'checkpoint.json'))).toBe(true);

    const mnist = await loadDataset('mnist', { mirror: MIRROR, offline: true, limitTrain: 1, limitTest: 1 });
    const pixels = Array.from(mnist.test!.x.subarray(0, 784));
    const prediction = (await a.call('training.predict', { runId: first, input: { pixels, shape: [28, 28, 1] } })).result;
    expect(prediction.probabilities).toHaveLength(10);
    expect(prediction.probabilities.reduce((s: number, p: number) => s + p, 0)).toBeCloseTo(1, 4);
    // The first MNIST test image is a clear 7.
    expect(mnist.test!.y[0]).toBe(7);
    expect(prediction.predicted).toBe(7);
    expect(prediction.classNames).toHaveLength(10);
    // Export with the trained weights: 784*32+32 + 32*10+10 = 25450 float32 values.
    const outDir = join(checkpointDir, 'export');
    const exported = (await a.call('export.run', { format: 'tfjs', graph: mlpGraph, runId: first, path: outDir })).result;
    const bins = exported.files.filter((f: string) => f.endsWith('.bin'));
    expect(bins.reduce((sum: number, f: string) => sum + statSync(join(outDir, f)).size, 0)).toBe(25450 * 4);
    const wrongSize = await a.call('training.predict', { runId: first, input: { pixels: pixels.slice(0, 100), shape: [10, 10, 1] } });
    expect(wrongSize.error).toMatchObject({ code: 'invalid-params', message: expect.stringContaining('784') });
  });

  it('reports a killed worker on every client and keeps serving', async () => {
    await a.waitFor(progress(second));
    await service.runs.kill(second);
    for (const client of [a, b]) {
      const failed = await client.waitFor(status(second, 'failed'));
      expect(failed.payload.message).toMatch(/worker was killed/);
    }
    const runs = (await b.call('training.list')).result.runs;
    expect(runs.map((r: { runId: string; status: string }) => [r.runId, r.status])).toEqual([
      [first, 'completed'],
      [second, 'failed'],
    ]);
    // A new run still starts, and stop ends it between batches with the weights kept.
    const third = (await a.call('training.start', { graph: mlpGraph, config: config(2000) })).result.runId;
    await b.waitFor(progress(third));
    expect((await b.call('training.stop', { runId: third })).error).toBeUndefined();
    const stopped = await a.waitFor(status(third, 'stopped'));
    expect(stopped.payload.message).toMatch(/weights trained so far are kept/);
    expect((await a.call('training.stop', { runId: third })).error).toMatchObject({ code: 'conflict' });
  });

  it('resumes a stopped run from its last checkpoint, keeping its history', async () => {
    const runId = (await a.call('training.start', { graph: mlpGraph, config: { ...config(1000), epochs: 3, batch_size: 50 } })).result.runId;
    const isEpoch = (n: number) => (e: { event: string; payload: Record<string, any> }) =>
      e.event === 'training.epoch' && e.payload.runId === runId && e.payload.epoch === n;
    await a.waitFor(isEpoch(0));
    await a.call('training.stop', { runId });
    await a.waitFor(status(runId, 'stopped'));
    const stopped = (await a.call('training.get', { runId })).result;
    expect(stopped.checkpoint).toBeTruthy();
    const kept = stopped.history.length;
    expect(kept).toBeGreaterThanOrEqual(1);

    expect((await b.call('training.resume', { runId })).result).toMatchObject({ status: expect.stringMatching(/queued|running/) });
    await b.waitFor(status(runId, 'completed'));
    const done = (await b.call('training.get', { runId })).result;
    // Epochs continue where the checkpoint left off, none repeated; the continued weights keep lowering the loss.
    expect(done.history.map((h: { epoch: number }) => h.epoch)).toEqual([0, 1, 2]);
    expect(done.history[2].metrics.loss).toBeLessThan(done.history[0].metrics.loss);
    // What the dashboard shows of it: every epoch's histograms, and batch points that run forward in fractional
    // epochs (the stopped epoch's first batches gave way to the resumed ones), each with its accuracy.
    const shown = replayRunEvents((await b.call('training.telemetry', { runId })).result.events);
    expect(shown.histograms.map((h) => h.epoch)).toEqual([0, 1, 2]);
    const x = shown.batches.map((p) => p.epoch + (p.batch + 1) / p.batches);
    expect(x.length).toBeGreaterThan(3);
    for (let i = 1; i < x.length; i++) expect(x[i]!).toBeGreaterThan(x[i - 1]!);
    expect(new Set(shown.batches.map((p) => p.epoch))).toEqual(new Set([0, 1, 2]));
    for (const p of shown.batches) expect(p.metrics!.acc).toBeLessThanOrEqual(1);
    expect((await b.call('training.resume', { runId })).error).toMatchObject({ code: 'conflict' });
  });
});
