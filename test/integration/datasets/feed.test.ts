import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchToTensors, createFeeder, loadDataset, type LoadedDataset } from '../../../main/datasets/index';
import { sharedDatasets, tempDir } from './paths';

describe('feeding real MNIST batches to tfjs', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let mnist: LoadedDataset;
  beforeAll(async () => {
    tmp = await tempDir('feed');
    await tf.setBackend('cpu');
    mnist = await loadDataset('mnist', { mirror: sharedDatasets, offline: true, cacheDir: join(tmp.dir, 'cache'), limitTrain: 2000, limitTest: 500 });
  });
  afterAll(() => tmp.cleanup());

  it('a seeded validation split, train-only statistics, and batches that train a Dense model past chance', async () => {
    const feeder = createFeeder(mnist, { batchSize: 64, validation: 0.1, seed: 3, labels: 'onehot', inputShape: [784] });
    expect(feeder.trainCount).toBe(1800);
    expect(feeder.validationCount).toBe(200);
    expect(feeder.stepsPerEpoch).toBe(29);
    expect(feeder.numClasses).toBe(10);
    expect(feeder.xShape(64)).toEqual([64, 784]);

    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [784], units: 64, activation: 'relu' }), tf.layers.dense({ units: 10, activation: 'softmax' })] });
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const before = tf.memory().numTensors;
    for (let epoch = 0; epoch < 1; epoch++) {
      let seen = 0;
      for (const b of feeder.trainBatches(epoch)) {
        const { xs, ys } = batchToTensors(tf, b);
        expect(Math.max(...b.xs.subarray(0, 784))).toBeLessThanOrEqual(1);
        await model.trainOnBatch(xs, ys);
        tf.dispose([xs, ys]);
        seen += b.size;
      }
      expect(seen).toBe(1800);
    }
    let correct = 0;
    let total = 0;
    for (const b of feeder.validationBatches()) {
      const { xs, ys } = batchToTensors(tf, b);
      const pred = tf.tidy(() => (model.predict(xs) as tf.Tensor).argMax(-1).dataSync());
      const truth = tf.tidy(() => ys.argMax(-1).dataSync());
      pred.forEach((p, i) => (correct += Number(p === truth[i])));
      total += b.size;
      tf.dispose([xs, ys]);
    }
    expect(total).toBe(200);
    expect(correct / total).toBeGreaterThan(0.7);
    // Batches are the only tensors created per step, and they were all released.
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before + 8);
    model.dispose();
  });

  it('official test split, sparse labels, standardisation and augmentation on training batches only', () => {
    const feeder = createFeeder(mnist, { batchSize: 100, labels: 'sparse', normalisation: 'standardise', augment: { shift: 0.1, seed: 1 } });
    expect(feeder.validationCount).toBe(500);
    const first = feeder.trainBatches(0).next().value!;
    expect(first.ys).toBeInstanceOf(Int32Array);
    expect(first.xShape).toEqual([100, 28, 28, 1]);
    const val = [...feeder.validationBatches()];
    expect(val.reduce((n, b) => n + b.size, 0)).toBe(500);
    // Validation data is not augmented: the first test image standardised with the train statistics, unchanged.
    const { offset, scale } = feeder.normaliser;
    const expected = Array.from(mnist.test!.x.subarray(0, 784), (v) => (v - offset[0]) * scale[0]);
    Array.from(val[0].xs.subarray(0, 784)).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 4));
    expect(Array.from(val[0].ys.subarray(0, 5))).toEqual([7, 2, 1, 0, 4]);
  });
});
