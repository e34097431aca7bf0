/**
 * The accuracy logged for one sigmoid unit trained with binary cross-entropy is binary accuracy at 0.5: the share of
 * samples where (p > 0.5) equals the 0/1 label, recomputed here from the trained model's own predictions. Not
 * categorical accuracy (the argmax of one unit is always 0: 1.0 one-hot, or the share of label 0 sparse). Real text:
 * the debian-package-sections sentences in Keras' imdb layout ('net' vs 'science'), on wasm and on cpu.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../../shared/graph/compile';
import { sequentialGraph } from '../../../shared/templates/builder';
import { TrainingConfigSchema } from '../../../shared/training';
import { loadDataset } from '../../../main/datasets';
import type { LoadedSplit } from '../../../main/datasets/types';
import { runTraining } from '../../../main/engine/train';
import type { EpochEvent, FromWorker, StartRequest, WorkerWeight } from '../../../main/engine/worker/protocol';
import { miniTextCatalog } from '../../support/keras-text/mini-catalog';

const dir = mkdtempSync(path.join(tmpdir(), 'layerlab-sigmoid-acc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const mirror = path.join(dir, 'mirror');
const data = { catalog: miniTextCatalog(mirror, 'debian'), mirror, offline: true, cacheDir: path.join(dir, 'cache') };
const LENGTH = 20;
// A small vocabulary: tfjs' cpu backend sums the Embedding's gradient one word id at a time.
const VOCAB = 400;
const text = { num_words: VOCAB, sequence_length: LENGTH };

const spec = compileGraph(
  sequentialGraph([null, LENGTH], [
    ['Embedding', { input_dim: VOCAB, output_dim: 8 }],
    ['GlobalAveragePooling1D', {}],
    ['Dense', { units: 1, activation: 'sigmoid' }],
  ]),
);

async function train(backend: string, optimizer: Record<string, unknown>, epochs: number, initFrom?: WorkerWeight[]) {
  const events: FromWorker[] = [];
  const request: StartRequest = {
    spec,
    config: TrainingConfigSchema.parse({
      dataset: { name: 'imdb', text }, loss: 'binary_crossentropy', metrics: ['accuracy'], optimizer, epochs, batch_size: 32, seed: 3,
      telemetry: { histograms: false, filters: false, activations: false, health_checks: false },
    }),
    data,
    backend,
    ...(initFrom ? { initFrom: { run: 'first', weights: initFrom } } : {}),
  };
  const result = await runTraining(request, (e) => events.push(e));
  const logs = events.filter((e): e is EpochEvent => e.type === 'epoch').at(-1)!.logs;
  return { model: result.model, logs };
}

/** The share of samples where the model's own (p > 0.5) equals the label, and the share of label 0. */
function thresholded(model: tf.LayersModel, split: LoadedSplit) {
  const p = tf.tidy(() => (model.predict(tf.tensor2d(Float32Array.from(split.x), [split.count, LENGTH])) as tf.Tensor).dataSync());
  expect(p.length).toBe(split.count);
  let right = 0;
  let zeros = 0;
  for (let i = 0; i < split.count; i++) {
    if (Number(p[i]! > 0.5) === split.y[i]) right++;
    if (split.y[i] === 0) zeros++;
  }
  return { accuracy: right / split.count, labelZero: zeros / split.count };
}

describe('accuracy of Dense(1, sigmoid) with binary_crossentropy', () => {
  it.each(['wasm', 'cpu'])('on %s: the logged acc and val_acc are (p > 0.5) == label of the model\'s predictions', async (backend) => {
    const loaded = await loadDataset('imdb', { ...data, text: { num_words: VOCAB, sequenceLength: LENGTH } });
    // Three epochs of Adam: a model that has learned something, so the accuracies tell the metrics apart.
    const first = await train(backend, { name: 'adam', learning_rate: 0.02 }, 3);
    expect(tf.getBackend()).toBe(backend);
    const test = thresholded(first.model, loaded.test!);
    expect(first.logs.val_acc).toBeCloseTo(test.accuracy, 6);
    expect(test.accuracy).toBeGreaterThan(0.65);
    // Not categorical accuracy (always 1 for one unit) nor sparse categorical (the share of label 0).
    expect(first.logs.val_acc).not.toBeCloseTo(1, 2);
    expect(first.logs.val_acc).not.toBeCloseTo(test.labelZero, 2);

    // The training acc is averaged over the epoch's batches while the weights move; with a learning rate of 1e-12 (below float32's resolution of these weights) the
    // weights stay those of the first run, so the epoch's acc is exactly the thresholded share of the training set.
    const weights = first.model.weights.map((w) => ({ name: w.originalName, shape: w.shape as number[], data: w.read().dataSync() as Float32Array }));
    first.model.dispose();
    const frozen = await train(backend, { name: 'sgd', learning_rate: 1e-12 }, 1, weights);
    const trainSplit = thresholded(frozen.model, loaded.train);
    expect(frozen.logs.acc).toBeCloseTo(trainSplit.accuracy, 5);
    expect(frozen.logs.val_acc).toBeCloseTo(test.accuracy, 6);
    expect(frozen.logs.acc).not.toBeCloseTo(trainSplit.labelZero, 2);
    frozen.model.dispose();
  }, 180_000);
});
