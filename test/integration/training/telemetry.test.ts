import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileArgs } from '../../../main/engine/training/losses';
import { ActivationProbe } from '../../../main/engine/training/telemetry/activations';
import { filterTiles } from '../../../main/engine/training/telemetry/filters';
import { deadReluWarnings, gradientWarnings, overfittingWarning } from '../../../main/engine/training/telemetry/health';
import { base64ToBytes } from '../../../shared/telemetry';
import { useBackend } from './support/backend';
import { mnistTensors } from './support/mnist';
import { config, run, type RunResult } from './support/run';

const VAL = 200;

function convNet(): tf.Sequential {
  const seed = 3;
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 4, kernelSize: 3, activation: 'relu', name: 'conv1', kernelInitializer: tf.initializers.heNormal({ seed }) }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2, name: 'pool' }));
  m.add(tf.layers.conv2d({ filters: 6, kernelSize: 3, activation: 'relu', name: 'conv2', kernelInitializer: tf.initializers.heNormal({ seed: seed + 1 }) }));
  m.add(tf.layers.flatten({ name: 'flatten' }));
  m.add(tf.layers.dense({ units: 10, activation: 'softmax', name: 'dense', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }) }));
  return m;
}

let model: tf.Sequential;
let result: RunResult;
let val: ReturnType<typeof mnistTensors>;

beforeAll(async () => {
  // Conv backprop: the CPU backend has the kernels (tfjs-backend-wasm 4.22 does not).
  await useBackend('cpu');
  const train = mnistTensors('train', 128, 0, 'image');
  val = mnistTensors('test', VAL, 0, 'image');
  const cfg = config({
    optimizer: { name: 'adam', learning_rate: 0.01 }, epochs: 1, batch_size: 32,
    telemetry: { gradient_histograms: true, histogram_bins: 20, confidently_wrong: 10 },
  });
  model = convNet();
  model.compile(compileArgs(cfg));
  result = await run(model, cfg, train.x, train.y, { validation: { x: val.x, y: val.y, classNames: [...'0123456789'] } });
  tf.dispose([train.x, train.y]);
});

describe('telemetry of a real conv run (MNIST subset, one epoch)', () => {
  it('epoch metrics include validation metrics computed from the same predictions', async () => {
    const [epoch] = result.of('epoch');
    expect(Object.keys(epoch!.metrics).sort()).toEqual(['acc', 'loss', 'val_acc', 'val_loss']);
    expect(epoch!.lr).toBe(0.01);
    const [loss, acc] = model.evaluate(val.x, val.y, { batchSize: VAL }) as tf.Scalar[];
    expect(epoch!.metrics.val_loss).toBeCloseTo((await loss!.data())[0]!, 4);
    expect(epoch!.metrics.val_acc).toBeCloseTo((await acc!.data())[0]!, 4);
  });

  it('weight histograms: one per weight, counts sum to the parameter counts', () => {
    const hs = result.of('histogram').filter((h) => h.of === 'weights');
    expect(hs.map((h) => `${h.layer}/${h.weight}`)).toEqual(['conv1/kernel', 'conv1/bias', 'conv2/kernel', 'conv2/bias', 'dense/kernel', 'dense/bias']);
    for (const h of hs) {
      const w = model.getLayer(h.layer).weights.find((x) => x.originalName.endsWith(h.weight))!;
      expect(h.count).toBe(w.shape.reduce<number>((a, b) => a * (b ?? 1), 1));
      expect(h.counts).toHaveLength(20);
      expect(h.counts.reduce((a, b) => a + b, 0)).toBe(h.count);
      expect(h.min).toBeLessThanOrEqual(h.max);
    }
    expect(hs.reduce((a, h) => a + h.count, 0)).toBe(model.countParams());
  });

  it('gradient histograms cover every trainable parameter', () => {
    const gs = result.of('histogram').filter((h) => h.of === 'gradients');
    expect(gs.reduce((a, h) => a + h.counts.reduce((x, y) => x + y, 0), 0)).toBe(model.countParams());
  });

  it('filter tiles have the kernel shapes: grey for 1-channel input', () => {
    const fs = result.of('filters');
    expect(fs.map((f) => [f.layer, f.kind, f.tileWidth, f.tileHeight, f.tiles])).toEqual([
      ['conv1', 'grey', 3, 3, 4],
      ['conv2', 'grey', 3, 3, 6],
    ]);
    for (const f of fs) {
      const bytes = base64ToBytes(f.data);
      expect(bytes.length).toBe(f.tiles * f.tileWidth * f.tileHeight);
      // Each tile is normalised on its own: it spans the full range.
      const tile = bytes.subarray(0, 9);
      expect(Math.min(...tile)).toBe(0);
      expect(Math.max(...tile)).toBe(255);
    }
  });

  it('filter tiles of a first conv layer on RGB input are in colour', async () => {
    const rgb = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [32, 32, 3], filters: 5, kernelSize: [5, 4], name: 'rgb1' }), tf.layers.conv2d({ filters: 2, kernelSize: 3, name: 'next' })] });
    const [first, second] = await filterTiles(rgb, 0);
    expect(first).toMatchObject({ layer: 'rgb1', kind: 'rgb', channels: 3, tiles: 5, tileHeight: 5, tileWidth: 4 });
    expect(base64ToBytes(first!.data).length).toBe(5 * 5 * 4 * 3);
    expect(second).toMatchObject({ kind: 'grey', tiles: 2, tileHeight: 3, tileWidth: 3 });
    rgb.dispose();
  });

  it('confusion matrix sums to the validation size; confidently wrong examples are wrong and sorted', () => {
    const [c] = result.of('confusion');
    expect(c!.matrix).toHaveLength(10);
    expect(c!.matrix.flat().reduce((a, b) => a + b, 0)).toBe(VAL);
    expect(c!.samples).toBe(VAL);
    expect(c!.precision).toHaveLength(10);
    expect(c!.recall).toHaveLength(10);
    expect(c!.classNames).toHaveLength(10);
    const diagonal = c!.matrix.reduce((a, row, i) => a + row[i]!, 0);
    expect(c!.accuracy).toBeCloseTo(diagonal / VAL, 9);
    expect(c!.accuracy).toBeCloseTo(result.of('epoch')[0]!.metrics.val_acc!, 4);
    const wrong = c!.confidentlyWrong;
    expect(wrong.length).toBe(Math.min(10, VAL - diagonal));
    for (let i = 0; i < wrong.length; i++) {
      expect(wrong[i]!.trueLabel).toBe(val.labels[wrong[i]!.index]);
      expect(wrong[i]!.predicted).not.toBe(wrong[i]!.trueLabel);
      if (i > 0) expect(wrong[i]!.probability).toBeLessThanOrEqual(wrong[i - 1]!.probability);
    }
  });

  it('activation maps of the probe image: maps for conv layers, bars for dense', () => {
    const [a] = result.of('activations');
    expect(a!.probeIndex).toBe(0);
    expect(a!.probeLabel).toBe(val.labels[0]);
    expect(a!.layers.map((l) => [l.layer, l.kind])).toEqual([
      ['conv1', 'maps'], ['pool', 'maps'], ['conv2', 'maps'], ['flatten', 'bars'], ['dense', 'bars'],
    ]);
    const conv1 = a!.layers[0]!;
    if (conv1.kind !== 'maps') throw new Error('conv1 should be maps');
    expect([conv1.tileHeight, conv1.tileWidth, conv1.tiles]).toEqual([26, 26, 4]);
    expect(base64ToBytes(conv1.data).length).toBe(4 * 26 * 26);
    const dense = a!.layers[4]!;
    if (dense.kind !== 'bars') throw new Error('dense should be bars');
    expect(dense.values.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 4);
  });

  it('sends progress with speed, ETA, the batch\'s loss and accuracy, and no health warning for a healthy run', () => {
    for (const p of result.of('batch')) {
      expect(p.batches).toBe(4);
      expect(p.samplesPerSec).toBeGreaterThan(0);
      expect(p.etaSeconds).toBeGreaterThanOrEqual(0);
      // The accuracy of this batch of 32 alone (not a running mean): a whole number of right answers out of 32.
      expect(Object.keys(p.metrics!)).toEqual(['acc']);
      expect(p.metrics!.acc * 32).toBeCloseTo(Math.round(p.metrics!.acc * 32), 4);
      expect(p.metrics!.acc).toBeLessThanOrEqual(1);
    }
    expect(result.of('batch').filter((p) => p.loss !== undefined).length).toBeGreaterThan(0);
    expect(result.of('health').filter((h) => h.kind === 'nan-loss')).toEqual([]);
    expect(result.training.outcome()).toBe('completed');
  });
});

describe('health checks', () => {
  it('dead ReLU: a layer whose units never fire is named', async () => {
    const conv2 = model.getLayer('conv2');
    const [kernel, bias] = conv2.getWeights();
    conv2.setWeights([kernel!, tf.fill(bias!.shape, -1e3)]);
    const probe = new ActivationProbe(model);
    const fractions = await probe.deadReluFractions(tf.slice(val.x, 0, 32));
    expect(fractions.find((f) => f.layer === 'conv2')).toEqual({ layer: 'conv2', fraction: 1, units: 6 });
    const warnings = deadReluWarnings(fractions, 0);
    expect(warnings.map((w) => w.layer)).toContain('conv2');
    expect(warnings[0]!.suggestion).toMatch(/LeakyReLU/);
  });

  it('overfitting: val_loss rising while loss falls for N epochs suggests dropout', () => {
    const h = [
      { loss: 1.0, val_loss: 1.0 }, { loss: 0.8, val_loss: 0.9 }, { loss: 0.6, val_loss: 0.95 }, { loss: 0.5, val_loss: 1.0 }, { loss: 0.4, val_loss: 1.1 },
    ];
    expect(overfittingWarning(h.slice(0, 4), 3, 3)).toBeNull();
    const w = overfittingWarning(h, 4, 3);
    expect(w).toMatchObject({ kind: 'overfitting', epoch: 4 });
    expect(w!.suggestion).toMatch(/Dropout/);
  });

  it('exploding and vanishing gradients from gradient norms', () => {
    const warnings = gradientWarnings({
      globalNorm: 5e3, histograms: [],
      norms: [{ layer: 'd1', weight: 'kernel', norm: 1e-9 }, { layer: 'd2', weight: 'kernel', norm: 5e3 }],
    }, 2);
    expect(warnings.map((w) => [w.kind, w.layer])).toEqual([['exploding-gradients', 'd2'], ['vanishing-gradients', 'd1']]);
  });
});
