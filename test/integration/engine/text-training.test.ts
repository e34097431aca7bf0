/**
 * Real text trains: the debian-package-sections descriptions (8 sections) through the tokenizer into the
 * imdb-embedding-pool template's layers (Embedding -> GlobalAveragePooling1D -> Dense 16 relu -> softmax) and an
 * LSTM model, on wasm, with the engine's model builder and the dataset feeder (token ids fed raw).
 */
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../../shared/graph/compile';
import { sequentialGraph } from '../../../shared/templates/builder';
import { getTemplate } from '../../../shared/templates/registry';
import { buildModel } from '../../../main/engine/model';
import { compileModel } from '../../support/compile-model';
import { createFeeder } from '../../../main/datasets/feed';
import { buildTextDataset, readTextCsv } from '../../../main/datasets/text-source';
import { initWasmAndCpu } from './backend-compare';
import { repoRoot } from '../datasets/paths';

const debian = join(repoRoot, '../shared/datasets/debian-package-sections');

beforeAll(initWasmAndCpu);

async function accuracyAfterTraining(layers: [string, Record<string, unknown>][], epochs: number, trainRows = Infinity): Promise<number> {
  const all = await readTextCsv(join(debian, 'train.csv'));
  const train = { texts: all.texts.slice(0, trainRows), labels: all.labels.slice(0, trainRows) };
  const d = buildTextDataset('debian', train, await readTextCsv(join(debian, 'test.csv')), {
    maxTokens: 2000,
    sequenceLength: 16,
  });
  await tf.setBackend('wasm');
  const spec = compileGraph(sequentialGraph([null, 16], [...layers, ['Dense', { units: 8, activation: 'softmax' }]]));
  const model = await buildModel(spec, { seed: 1 });
  compileModel(model, { optimizer: { name: 'adam', learning_rate: 0.01 }, loss: 'sparseCategoricalCrossentropy' });
  const feeder = createFeeder(d, { batchSize: 64, normalisation: 'none', labels: 'sparse', validation: 'test', seed: 1, shuffle: true, inputShape: [16] });
  // The feeder hands the ids over unchanged (an Embedding needs them as they are).
  const first = feeder.trainBatches(0).next().value!;
  expect(Math.max(...Array.from(first.xs as Float32Array))).toBeGreaterThan(10);
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (const b of feeder.trainBatches(epoch)) {
      const xs = tf.tensor(b.xs, b.xShape);
      const ys = tf.tensor2d(Float32Array.from(b.ys), [b.size, 1]);
      await model.trainOnBatch(xs, ys);
      tf.dispose([xs, ys]);
    }
  }
  const x = tf.tensor(d.test!.x, [d.test!.count, 16]);
  const pred = (model.predict(x) as tf.Tensor).argMax(-1).dataSync();
  const correct = Array.from(pred).filter((p, i) => p === d.test!.y[i]).length;
  tf.dispose(x);
  model.dispose();
  return correct / d.test!.count;
}

describe('text classification on real data (debian-package-sections, 8 sections, majority class 22%)', () => {
  it('the imdb-embedding-pool layers learn the sections well above chance', async () => {
    const t = getTemplate('imdb-embedding-pool')!;
    expect(t.graph.nodes.map((n) => n.kind)).toEqual(['InputLayer', 'Embedding', 'GlobalAveragePooling1D', 'Dense', 'Dense']);
    const acc = await accuracyAfterTraining([['Embedding', { input_dim: 2000, output_dim: 16 }], ['GlobalAveragePooling1D', {}], ['Dense', { units: 16, activation: 'relu' }]], 4);
    console.log(`debian-package-sections, embedding-pool, 4 epochs on wasm: test accuracy ${(acc * 100).toFixed(1)}%`);
    expect(acc).toBeGreaterThan(0.5);
  }, 120_000);

  // On wasm the LSTM runs as one op per sequence (layers/fused-lstm.ts); a subset still keeps this test short.
  it('an LSTM over a mask_zero Embedding learns too (2,000 training rows)', async () => {
    const acc = await accuracyAfterTraining([['Embedding', { input_dim: 2000, output_dim: 16, mask_zero: true }], ['LSTM', { units: 8 }]], 2, 2000);
    console.log(`debian-package-sections, masked LSTM, 2 epochs of 2,000 rows on wasm: test accuracy ${(acc * 100).toFixed(1)}%`);
    expect(acc).toBeGreaterThan(0.35);
  }, 300_000);
});
