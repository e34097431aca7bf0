import { mkdtemp, rm } from 'node:fs/promises';
import { readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint, saveCheckpoint } from '../../../main/engine/training/checkpoint';
import { TrainingControl } from '../../../main/engine/training/control';
import { EarlyStopper } from '../../../main/engine/training/early-stopping';
import { compileArgs } from '../../../main/engine/training/losses';
import { getLearningRate } from '../../../main/engine/training/optimizers';
import { useBackend } from './support/backend';
import { mlp, mnistTensors } from './support/mnist';
import { config, run } from './support/run';

let dir: string;
beforeAll(async () => {
  await useBackend('wasm');
  dir = await mkdtemp(join(tmpdir(), 'layerlab-ckpt-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const lightTelemetry = { histograms: false, filters: false, activations: false, confusion_matrix: false, health_checks: true } as const;

describe('early stopping', () => {
  it('stops when val_loss stops improving and restores the weights of the logged best epoch', async () => {
    // 64 training samples overfit within a few epochs, so val_loss turns up.
    const train = mnistTensors('train', 64);
    const val = mnistTensors('test', 300);
    const cfg = config({
      optimizer: { name: 'adam', learning_rate: 0.01 }, epochs: 40, batch_size: 16, shuffle: false,
      early_stopping: { monitor: 'val_loss', patience: 2, restore_best_weights: true }, telemetry: lightTelemetry,
    });
    const model = mlp(64, 10, 'softmax');
    model.compile(compileArgs(cfg));
    const r = await run(model, cfg, train.x, train.y, { validation: { x: val.x, y: val.y } });
    const losses = r.of('epoch').map((e) => e.metrics.val_loss!);
    const best = losses.indexOf(Math.min(...losses));
    expect(r.training.outcome()).toBe('early-stopped');
    expect(losses.length).toBeLessThan(40);
    expect(losses.length).toBe(best + 1 + 2); // patience epochs after the best one
    expect(r.training.earlyStopping!.bestEpoch).toBe(best);
    expect(r.of('notice').map((n) => n.kind)).toEqual(['early-stopped', 'restored-best-weights']);
    // History (fed by the same logs) has the val metrics the callback computed.
    expect(r.history.history.val_loss).toHaveLength(losses.length);
    const evaluated = model.evaluate(val.x, val.y, { batchSize: 300 }) as tf.Scalar[];
    expect((await evaluated[0]!.data())[0]).toBeCloseTo(losses[best]!, 4);
    expect(losses.at(-1)! - losses[best]!).toBeGreaterThan(1e-3);
    tf.dispose([train.x, train.y, val.x, val.y]);
  });
});

describe('EarlyStopper rules', () => {
  it("mode 'auto' maximises val_acc; min_delta decides what counts; stops after `patience` flat epochs", () => {
    const es = new EarlyStopper({ monitor: 'val_acc', patience: 2, min_delta: 0.01, mode: 'auto', restore_best_weights: false });
    const model = null as unknown as tf.LayersModel; // not touched without restore_best_weights
    const stops = [0.5, 0.6, 0.605, 0.609].map((v, e) => es.update(e, { val_acc: v }, model));
    expect(stops).toEqual([false, false, false, true]);
    expect([es.bestEpoch, es.bestValue, es.stoppedEpoch]).toEqual([1, 0.6, 3]);
    expect(es.update(4, { val_acc: 0.7 }, model)).toBe(false);
    expect(es.bestEpoch).toBe(4);
    // Resumed from a checkpoint's JSON, the count of flat epochs goes on where it was.
    const resumed = new EarlyStopper(es.config);
    es.update(5, { val_acc: 0.7 }, model);
    resumed.restoreState(JSON.parse(JSON.stringify(es.state())));
    expect(resumed.update(6, { val_acc: 0.7 }, model)).toBe(true);
    expect(() => es.update(5, { val_loss: 1 }, model)).toThrow(/does not log .*set early_stopping.monitor/);
  });
});

describe('NaN loss', () => {
  it('stops the run with a nan-loss warning naming a layer', async () => {
    const train = mnistTensors('train', 512);
    const val = mnistTensors('test', 64);
    const cfg = config({ optimizer: { name: 'sgd', learning_rate: 10 }, loss: 'mse', metrics: [], epochs: 5, batch_size: 32, telemetry: lightTelemetry });
    // Linear hidden units: ReLUs would simply die under this rate and keep the loss finite.
    const model = mlp(32, 10, 'linear', 1, 'linear');
    model.compile(compileArgs(cfg));
    const y = tf.oneHot(tf.tensor1d(train.labels, 'int32'), 10).toFloat();
    const x = tf.mul(train.x, 255); // unnormalised pixels and a huge rate: overflow within an epoch
    const r = await run(model, cfg, x, y, { validation: { x: val.x, y: tf.oneHot(tf.tensor1d(val.labels, 'int32'), 10).toFloat() } });
    const warnings = r.of('health').filter((w) => w.kind === 'nan-loss');
    expect(r.training.outcome()).toBe('nan-loss');
    expect(warnings).toHaveLength(1);
    expect(['hidden', 'out']).toContain(warnings[0]!.layer);
    expect(warnings[0]!.stopped).toBe(true);
    expect(warnings[0]!.suggestion).toMatch(/lower the learning rate/);
    expect(r.of('epoch').length).toBeLessThanOrEqual(1);
    tf.dispose([train.x, train.y, val.x, val.y, x, y]);
  });
});

describe('pause, stop and resume', () => {
  const cfg = config({ optimizer: { name: 'adam', learning_rate: 0.003 }, epochs: 2, batch_size: 32, shuffle: false, telemetry: lightTelemetry });

  async function continuous(): Promise<{ loss1: number; weights: Float32Array }> {
    const d = mnistTensors('train', 512);
    const model = mlp(32, 10, 'softmax', 7);
    model.compile(compileArgs(cfg));
    const r = await run(model, cfg, d.x, d.y);
    const weights = (await model.getWeights()[0]!.data()) as Float32Array;
    tf.dispose([d.x, d.y]);
    return { loss1: r.of('epoch')[1]!.metrics.loss!, weights };
  }

  it('stop after epoch 1, resume from its checkpoint: epoch 2 matches an uninterrupted run', async () => {
    const reference = await continuous();
    const d = mnistTensors('train', 512);
    const control = new TrainingControl();
    const first = mlp(32, 10, 'softmax', 7);
    first.compile(compileArgs(cfg));
    const stopped = await run(first, cfg, d.x, d.y, {
      control,
      onEpochEnd: async (epoch, metrics) => {
        await saveCheckpoint(dir, first, { epoch: epoch + 1, history: [metrics] });
        control.stop();
      },
    });
    expect(stopped.training.outcome()).toBe('stopped');
    expect(stopped.of('notice').map((n) => n.kind)).toContain('stopped');

    // A fresh model (other initial weights) compiled anew, as after a restart of the app.
    const resumed = mlp(32, 10, 'softmax', 99);
    resumed.compile(compileArgs(cfg));
    const manifest = await loadCheckpoint(dir, resumed);
    expect(manifest.epoch).toBe(1);
    expect(manifest.history).toHaveLength(1);
    expect(getLearningRate(resumed.optimizer)).toBe(0.003);
    const r = await run(resumed, cfg, d.x, d.y, { history: manifest.history }, manifest.epoch);
    const epochs = r.of('epoch');
    expect(epochs.map((e) => e.epoch)).toEqual([1]);
    expect(r.training.history).toHaveLength(2);
    expect(epochs[0]!.metrics.loss).toBeCloseTo(reference.loss1, 5);
    const w = (await resumed.getWeights()[0]!.data()) as Float32Array;
    let maxDiff = 0;
    for (let i = 0; i < w.length; i++) maxDiff = Math.max(maxDiff, Math.abs(w[i]! - reference.weights[i]!));
    expect(maxDiff).toBeLessThan(1e-5);
    tf.dispose([d.x, d.y]);
  });

  it('pause holds training between batches; resume continues with the same weights', async () => {
    const reference = await continuous();
    const d = mnistTensors('train', 512);
    const control = new TrainingControl();
    const model = mlp(32, 10, 'softmax', 7);
    model.compile(compileArgs(cfg));
    let pausedAt = 0;
    let resumedAt = 0;
    const r = await run(model, cfg, d.x, d.y, {
      control,
      onEpochEnd: (epoch) => {
        if (epoch !== 0) return;
        control.pause();
        pausedAt = Date.now();
        setTimeout(() => {
          resumedAt = Date.now();
          control.resume();
        }, 300);
      },
    });
    expect(resumedAt - pausedAt).toBeGreaterThanOrEqual(290);
    expect(r.training.outcome()).toBe('completed');
    expect(r.of('epoch')[1]!.metrics.loss).toBeCloseTo(reference.loss1, 5);
    tf.dispose([d.x, d.y]);
  });

  it('a save killed midway leaves the previous checkpoint whole: blobs are per save, the manifest renamed last', async () => {
    const ckDir = join(dir, 'killed-save');
    const model = mlp(32, 10, 'softmax', 7);
    model.compile(compileArgs(cfg));
    await saveCheckpoint(ckDir, model, { epoch: 1, history: [] });
    const saved = (await model.getWeights()[0]!.data()).slice();
    // What a process killed during the next save leaves: that save's blobs, half written, and no new manifest.
    writeFileSync(join(ckDir, 'weights-2.bin'), new Uint8Array(100));
    writeFileSync(join(ckDir, 'optimizer-2.bin'), new Uint8Array(7));
    const fresh = mlp(32, 10, 'softmax', 99);
    fresh.compile(compileArgs(cfg));
    expect((await loadCheckpoint(ckDir, fresh)).epoch).toBe(1);
    expect(await fresh.getWeights()[0]!.data()).toEqual(saved);
    // The next whole save replaces it and removes every older blob.
    await saveCheckpoint(ckDir, model, { epoch: 3, history: [] });
    expect(readdirSync(ckDir).sort()).toEqual(['checkpoint.json', 'optimizer-3.bin', 'weights-3.bin']);
  });

  it('refuses a checkpoint of another graph, naming the mismatch', async () => {
    const other = mlp(16, 10, 'softmax');
    other.compile(compileArgs(cfg));
    await expect(loadCheckpoint(dir, other)).rejects.toThrow(/shape .* different model graph/);
    await expect(loadCheckpoint(join(dir, 'nope'), other)).rejects.toThrow(/no checkpoint/);
  });
});

describe('learning-rate schedules in fit', () => {
  it('sets the step schedule per epoch and reports it', async () => {
    const d = mnistTensors('train', 128);
    const cfg = config({
      optimizer: { name: 'sgd', learning_rate: 0.1 }, epochs: 5, batch_size: 64, telemetry: lightTelemetry,
      lr_schedule: { kind: 'step', step_size: 2, gamma: 0.5 }, metrics: [],
    });
    const model = mlp(8, 10, 'softmax');
    model.compile(compileArgs(cfg));
    const r = await run(model, cfg, d.x, d.y);
    const lrs = r.of('epoch').map((e) => e.lr);
    expect(lrs).toEqual([0.1, 0.1, 0.05, 0.05, 0.025]);
    tf.dispose([d.x, d.y]);
  });

  it('reduce_on_plateau lowers the rate when the monitored loss stalls', async () => {
    const d = mnistTensors('train', 128);
    // A rate this small leaves the loss flat, which is the plateau.
    const cfg = config({
      optimizer: { name: 'sgd', learning_rate: 1e-6 }, epochs: 4, batch_size: 128, metrics: [], telemetry: lightTelemetry,
      lr_schedule: { kind: 'reduce_on_plateau', monitor: 'loss', patience: 1, factor: 0.5, min_delta: 0.01 },
    });
    const model = mlp(8, 10, 'softmax');
    model.compile(compileArgs(cfg));
    const r = await run(model, cfg, d.x, d.y);
    // Epoch 0 sets the first best value; from epoch 1 on each flat epoch halves the rate for the next.
    expect(r.of('epoch').map((e) => e.lr)).toEqual([1e-6, 1e-6, 5e-7, 2.5e-7]);
    expect(r.of('notice').filter((n) => n.kind === 'lr-reduced').map((n) => n.value)).toEqual([5e-7, 2.5e-7, 1.25e-7]);
    tf.dispose([d.x, d.y]);
  });
});
