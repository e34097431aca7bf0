/**
 * GlobalAveragePooling1D after Embedding(mask_zero=True) averages only the unmasked steps, as Keras does
 * (engine/layers/masked-global-average-pooling1d.ts), on wasm and cpu: the same real descriptions
 * (debian-package-sections) padded to 20 and to 200 ids pool to the same vector and predict the same, before and
 * after training; without mask_zero the padding is averaged in and they differ. Gradients of the masked mean equal
 * the hand-derived ones on both backends, and tfjs' kwargs no longer carry a mask past a layer that ends it.
 */
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../../shared/graph/compile';
import { sequentialGraph } from '../../../shared/templates/builder';
import { adaptVectorization, vectorize } from '../../../shared/text/vectorization';
import { buildModel } from '../../../main/engine/model';
import { readTextCsv } from '../../../main/datasets/text-source';
import { MaskedGlobalAveragePooling1D } from '../../../main/engine/layers/masked-global-average-pooling1d';
import { compileModel } from '../../support/compile-model';
import { initWasmAndCpu, randomArray, relError } from './backend-compare';
import { repoRoot } from '../datasets/paths';

const debian = join(repoRoot, '../shared/datasets/debian-package-sections');
const VOCAB = 2000;
const SHORT = 20;
const LONG = 200;
const N = 64;

let train: { ids: Float32Array; labels: Float32Array };
/** N test descriptions that fit in SHORT ids (so nothing is cut), post-padded to SHORT and to LONG. */
let short: Float32Array;
let long: Float32Array;

function padTo(ids: Float32Array, from: number, to: number): Float32Array {
  const out = new Float32Array((ids.length / from) * to);
  for (let i = 0; i < ids.length / from; i++) out.set(ids.subarray(i * from, (i + 1) * from), i * to);
  return out;
}

beforeAll(async () => {
  await initWasmAndCpu();
  const trainCsv = await readTextCsv(join(debian, 'train.csv'));
  const testCsv = await readTextCsv(join(debian, 'test.csv'));
  const v = adaptVectorization(trainCsv.texts, { maxTokens: VOCAB, sequenceLength: SHORT + 1 });
  // One id more than SHORT, so a description that would be cut shows a non-zero id there and is left out.
  const wide = vectorize(v, testCsv.texts).data;
  const rows: number[] = [];
  for (let i = 0; rows.length < N && i < testCsv.texts.length; i++) if (wide[i * (SHORT + 1) + SHORT] === 0) rows.push(i);
  short = new Float32Array(N * SHORT);
  rows.forEach((r, k) => short.set(wide.subarray(r * (SHORT + 1), r * (SHORT + 1) + SHORT), k * SHORT));
  long = padTo(short, SHORT, LONG);
  const classes = [...new Set(trainCsv.labels)].sort();
  const vt = adaptVectorization(trainCsv.texts, { maxTokens: VOCAB, sequenceLength: SHORT });
  train = { ids: vectorize(vt, trainCsv.texts.slice(0, 512)).data, labels: Float32Array.from(trainCsv.labels.slice(0, 512), (l) => classes.indexOf(l)) };
}, 60_000);

function layers(maskZero: boolean, head = false): Parameters<typeof sequentialGraph>[1] {
  return [
    ['Embedding', { input_dim: VOCAB, output_dim: 16, mask_zero: maskZero }],
    ['GlobalAveragePooling1D', {}],
    ...(head ? ([['Dense', { units: 16, activation: 'relu' }], ['Dense', { units: 8, activation: 'softmax' }]] as const) : []),
  ] as Parameters<typeof sequentialGraph>[1];
}

async function model(maskZero: boolean, head = false): Promise<tf.LayersModel> {
  return buildModel(compileGraph(sequentialGraph([null, null], layers(maskZero, head))), { seed: 1 });
}

function predict(m: tf.LayersModel, ids: Float32Array, steps: number): Float32Array {
  return tf.tidy(() => (m.predict(tf.tensor(ids, [ids.length / steps, steps])) as tf.Tensor).dataSync() as Float32Array);
}

describe.each(['wasm', 'cpu'])('masked GlobalAveragePooling1D on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });

  it('pools a description padded to 20 and to 200 ids to the same vector: the mean of its words\' embeddings', async () => {
    const m = await model(true);
    const a = predict(m, short, SHORT);
    const b = predict(m, long, LONG);
    expect(relError(b, a)).toBeLessThan(1e-5);
    // By hand: the mean of the embedding rows of the non-zero ids.
    const table = m.getWeights()[0]!.dataSync();
    const want = new Float32Array(N * 16);
    for (let i = 0; i < N; i++) {
      const ids = Array.from(short.subarray(i * SHORT, (i + 1) * SHORT)).filter((id) => id !== 0);
      for (const id of ids) for (let f = 0; f < 16; f++) want[i * 16 + f]! += table[id * 16 + f]! / ids.length;
    }
    expect(relError(a, want)).toBeLessThan(1e-5);
    m.dispose();
  });

  it('without mask_zero the padding is averaged in: 20 and 200 ids pool differently (so the check above can fail)', async () => {
    const m = await model(false);
    expect(relError(predict(m, long, LONG), predict(m, short, SHORT))).toBeGreaterThan(1e-2);
    m.dispose();
  });

  it('the imdb-embedding-pool model trained on real text predicts the same at 20 and 200 ids; unmasked it does not', async () => {
    const results: Record<string, number> = {};
    for (const maskZero of [true, false]) {
      const m = await model(maskZero, true);
      compileModel(m, { optimizer: { name: 'adam', learning_rate: 0.01 }, loss: 'sparseCategoricalCrossentropy' });
      // tfjs' cpu backend computes the Embedding's gradient slowly: a smaller subset there.
      const rows = backend === 'cpu' ? 64 : train.labels.length;
      const xs = tf.tensor(train.ids.subarray(0, rows * SHORT), [rows, SHORT]);
      const ys = tf.tensor(train.labels.subarray(0, rows), [rows, 1]);
      const h = await m.fit(xs, ys, { epochs: 2, batchSize: 32, verbose: 0, shuffle: false });
      tf.dispose([xs, ys]);
      const losses = h.history.loss as number[];
      expect(losses.every(Number.isFinite)).toBe(true);
      expect(losses[1]!).toBeLessThan(losses[0]!);
      results[String(maskZero)] = relError(predict(m, long, LONG), predict(m, short, SHORT));
      m.dispose();
    }
    expect(results['true']).toBeLessThan(1e-5);
    expect(results['false']).toBeGreaterThan(1e-3);
  }, 120_000);

  it('the gradient reaching each step is mask / count times the output gradient (tf.grad)', () => {
    const [b, t, d] = [3, 5, 4];
    const x = tf.tensor(randomArray(b * t * d, 3), [b, t, d]);
    const maskData = [1, 1, 0, 0, 1, /**/ 0, 0, 0, 1, 1, /**/ 1, 1, 1, 1, 1];
    const mask = tf.tensor(maskData, [b, t], 'bool');
    const w = tf.tensor(randomArray(b * d, 4), [b, d]);
    const layer = new MaskedGlobalAveragePooling1D();
    const dx = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(layer.apply(v, { mask }) as tf.Tensor, w)))(x).dataSync();
    const wv = w.dataSync();
    const want = new Float32Array(b * t * d);
    for (let i = 0; i < b; i++) {
      const count = maskData.slice(i * t, (i + 1) * t).reduce((s, v) => s + v, 0);
      for (let s = 0; s < t; s++) for (let f = 0; f < d; f++) want[(i * t + s) * d + f] = (maskData[i * t + s]! * wv[i * d + f]!) / count;
    }
    expect(relError(dx as Float32Array, want)).toBeLessThan(1e-4);
    tf.dispose([x, mask, w]);
  });

  it('a row with every step masked pools to zeros (Keras divides 0 by 0 there and gets NaN)', () => {
    const layer = new MaskedGlobalAveragePooling1D();
    const y = layer.apply(tf.ones([2, 3, 2]), { mask: tf.tensor([[0, 0, 0], [1, 0, 0]], [2, 3], 'bool') }) as tf.Tensor;
    expect(Array.from(y.dataSync())).toEqual([0, 0, 1, 1]);
  });
});

describe('a mask ends where Keras ends it (tfjs shared one kwargs object between layers)', () => {
  it.each(['wasm', 'cpu'])('on %s, Conv1D after Embedding(mask_zero) ends the mask: the pool after it averages every step', async (backend) => {
    await tf.setBackend(backend);
    const spec = (maskZero: boolean) => compileGraph(sequentialGraph([null, SHORT], [
      ['Embedding', { input_dim: VOCAB, output_dim: 8, mask_zero: maskZero }],
      ['Conv1D', { filters: 4, kernel_size: [3], padding: 'same' }],
      ['GlobalAveragePooling1D', {}],
    ]));
    const masked = await buildModel(spec(true), { seed: 2 });
    const plain = await buildModel(spec(false), { seed: 2 });
    plain.setWeights(masked.getWeights());
    expect(relError(predict(masked, short, SHORT), predict(plain, short, SHORT))).toBeLessThan(1e-6);
    masked.dispose();
    plain.dispose();
  });
});
