/** The training worker on real MNIST: events, stop between batches, and failures surfacing as one error event. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startTrainingWorker } from '../../../main/engine/worker/client';
import type { FromWorker, StartRequest } from '../../../main/engine/worker/protocol';
import { specFromJson } from '../../../main/engine/model';
import { TrainingConfigSchema, type TrainingConfigInput } from '../../../shared/training';
import { fixture, mnistDir } from './paths';

const mlp = specFromJson(JSON.parse(readFileSync(fixture('mlp-784-64-64-10.json'), 'utf8')));

function request(overrides: TrainingConfigInput = {}, dataDir = mnistDir): StartRequest {
  return {
    spec: mlp,
    config: TrainingConfigSchema.parse({
      dataset: { name: 'mnist' }, limit_train: 1000, limit_test: 300, epochs: 2, batch_size: 50, seed: 1,
      optimizer: { name: 'sgd', learning_rate: 0.1, momentum: 0.9 },
      telemetry: { histograms: false, filters: false, activations: false },
      ...overrides,
    }),
    data: { dataDir },
    backend: 'wasm',
  };
}
const isProgress = (e: FromWorker) => e.type === 'telemetry' && e.event.type === 'batch';

describe('training worker', () => {
  it('trains the 784-64-64-10 MLP on real MNIST, reports backend, ready, progress, epochs, done, then predicts', async () => {
    const events: FromWorker[] = [];
    const h = startTrainingWorker(request(), (e) => events.push(e), { keepAlive: true });
    const end = await h.finished;
    expect(end).toMatchObject({ type: 'done', status: 'completed', epochsCompleted: 2, stopped: false });
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('backend');
    expect(types[1]).toBe('ready');
    expect(types.filter((t) => t === 'epoch')).toHaveLength(2);
    expect(events.some(isProgress)).toBe(true);
    expect(types[types.length - 1]).toBe('done');
    expect(events[1]).toMatchObject({ type: 'ready', trainCount: 1000, testCount: 300, params: 55050, batchesPerEpoch: 20, inputShape: [784], initialEpoch: 0 });
    const last = h.epochs[1]!;
    expect(last.logs.val_acc).toBeGreaterThan(0.7);
    expect(last.logs.loss).toBeLessThan(h.epochs[0]!.logs.loss!);
    expect(last.samplesPerSecond).toBeGreaterThan(0);
    expect(last.lr).toBeCloseTo(0.1, 6);
    // The worker stays to answer predictions with the trained weights: a probability vector over 10 classes.
    const p = await h.predict(Array.from({ length: 784 }, (_, i) => (i % 28 > 10 && i % 28 < 16 ? 255 : 0)));
    expect(p).toHaveLength(10);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    await expect(h.predict([1, 2, 3])).rejects.toThrow(/784/);
    const artifacts = await h.artifacts();
    expect(artifacts.weightData.byteLength).toBe(55050 * 4);
    await h.terminate();
  });

  it('stops between batches when asked', async () => {
    let stopped = false;
    let during: Promise<number[]> | undefined;
    const h = startTrainingWorker(request({ epochs: 50, telemetry: { progress_per_second: 60 } }), (e) => {
      if (isProgress(e) && !stopped) {
        stopped = true;
        // Predictions are answered between batches while training runs.
        during = h.predict(new Array<number>(784).fill(0));
        h.stop();
      }
    });
    const end = await h.finished;
    expect(end).toMatchObject({ type: 'done', status: 'stopped', stopped: true });
    expect(await during).toHaveLength(10);
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
    const end = await startTrainingWorker(request({}, '/nonexistent/mnist')).finished;
    expect(end).toMatchObject({ type: 'error' });
    expect(end.type === 'error' && end.message).toMatch(/\/nonexistent\/mnist does not exist/);
  });

  it('a killed worker surfaces as an error event, not a hang', async () => {
    const h = startTrainingWorker(request({ epochs: 50 }), (e) => {
      if (isProgress(e)) void h.terminate();
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
