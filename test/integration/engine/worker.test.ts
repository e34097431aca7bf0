/** The training worker on real MNIST: events, stop between batches, and failures surfacing as one error event. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startTrainingWorker } from '../../../main/engine/worker/client';
import type { FromWorker, StartRequest } from '../../../main/engine/worker/protocol';
import { specFromJson } from '../../../main/engine/model';
import { fixture, mnistDir } from './paths';

const mlp = specFromJson(JSON.parse(readFileSync(fixture('mlp-784-64-64-10.json'), 'utf8')));

function request(overrides: Partial<StartRequest['options']> = {}, data: Partial<StartRequest['data']> = {}): StartRequest {
  return {
    spec: mlp,
    data: { dataset: 'mnist', dataDir: mnistDir, limitTrain: 1000, limitTest: 300, ...data },
    options: { epochs: 2, batchSize: 50, optimizer: { name: 'sgd', learning_rate: 0.1, momentum: 0.9 }, seed: 1, backend: 'wasm', ...overrides },
  };
}

describe('training worker', () => {
  it('trains the 784-64-64-10 MLP on real MNIST and reports backend, ready, progress, epochs, done', async () => {
    const events: FromWorker[] = [];
    const h = startTrainingWorker(request(), (e) => events.push(e));
    const end = await h.finished;
    expect(end).toMatchObject({ type: 'done', epochsCompleted: 2, stopped: false });
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('backend');
    expect(types[1]).toBe('ready');
    expect(types.filter((t) => t === 'epoch')).toHaveLength(2);
    expect(types).toContain('progress');
    expect(types[types.length - 1]).toBe('done');
    expect(events[1]).toMatchObject({ type: 'ready', trainCount: 1000, testCount: 300, params: 55050, batchesPerEpoch: 20, inputShape: [784] });
    const last = h.epochs[1]!;
    expect(last.logs.val_acc).toBeGreaterThan(0.75);
    expect(last.logs.loss).toBeLessThan(h.epochs[0]!.logs.loss!);
    expect(last.samplesPerSecond).toBeGreaterThan(0);
  });

  it('stops between batches when asked', async () => {
    let stopped = false;
    const h = startTrainingWorker(request({ epochs: 50, progressEveryMs: 0 }), (e) => {
      if (e.type === 'progress' && !stopped) {
        stopped = true;
        h.stop();
      }
    });
    const end = await h.finished;
    expect(end).toMatchObject({ type: 'done', stopped: true });
    expect(end.type === 'done' && end.epochsCompleted).toBeLessThan(2);
  });

  it('an invalid model surfaces as an error event', async () => {
    const bad = structuredClone(mlp);
    (bad.config.layers[1]!.config as Record<string, unknown>).units = -3;
    const h = startTrainingWorker({ ...request(), spec: bad });
    const end = await h.finished;
    expect(end.type).toBe('error');
    expect(end.type === 'error' && end.message).toMatch(/cannot build the model/);
  });

  it('a missing data folder surfaces as an error event naming it', async () => {
    const end = await startTrainingWorker(request({}, { dataDir: '/nonexistent/mnist' })).finished;
    expect(end).toMatchObject({ type: 'error' });
    expect(end.type === 'error' && end.message).toMatch(/\/nonexistent\/mnist does not exist/);
  });

  it('a killed worker surfaces as an error event, not a hang', async () => {
    const h = startTrainingWorker(request({ epochs: 50 }), (e) => {
      if (e.type === 'progress') void h.terminate();
    });
    const end = await h.finished;
    expect(end).toMatchObject({ type: 'error', message: 'training was terminated before it finished' });
  });

  it('a worker dying on its own (out of memory) surfaces as an error event', async () => {
    // A 1 MB heap cannot even load tfjs: the worker dies, and the handle must say so.
    const end = await startTrainingWorker(request(), () => {}, { maxOldGenerationSizeMb: 1 }).finished;
    expect(end.type).toBe('error');
    expect(end.type === 'error' && end.message).toMatch(/out of memory|exited|crashed/);
  });
});
