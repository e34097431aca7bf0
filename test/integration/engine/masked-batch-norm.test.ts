/**
 * BatchNormalization over a masked sequence trains as Keras 3's does (engine/layers/masked-batch-normalization.ts):
 * the batch moments, and so the moving statistics, cover the unmasked steps only. On wasm and cpu, one training step
 * of Embedding(mask_zero) -> BatchNormalization -> GlobalAveragePooling1D -> Dense on real descriptions
 * (debian-package-sections) padded to 20 and to 60 ids gives the same loss, moving statistics and weights; the
 * moving mean is the hand-computed mean of the kept steps' embeddings. The training-mode output and gradients equal
 * Keras' formula, and wasm's gradients equal cpu's within 1e-4.
 */
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../../shared/graph/compile';
import { sequentialGraph } from '../../../shared/templates/builder';
import { adaptVectorization, vectorize } from '../../../shared/text/vectorization';
import { buildModel } from '../../../main/engine/model';
import { readTextCsv } from '../../../main/datasets/text-source';
import { compileModel } from '../../support/compile-model';
import { initWasmAndCpu, on, randomArray, relError } from './backend-compare';
import { repoRoot } from '../datasets/paths';

const debian = join(repoRoot, '../shared/datasets/debian-package-sections');
const VOCAB = 2000;
const SHORT = 20;
const LONG = 60;
const N = 32;
const D = 8;

let short: Float32Array;
let labels: Float32Array;

beforeAll(async () => {
  await initWasmAndCpu();
  const trainCsv = await readTextCsv(join(debian, 'train.csv'));
  const v = adaptVectorization(trainCsv.texts, { maxTokens: VOCAB, sequenceLength: SHORT });
  short = vectorize(v, trainCsv.texts.slice(0, N)).data;
  const classes = [...new Set(trainCsv.labels)].sort();
  labels = Float32Array.from(trainCsv.labels.slice(0, N), (l) => classes.indexOf(l));
}, 60_000);

function padTo(ids: Float32Array, from: number, to: number): Float32Array {
  const out = new Float32Array((ids.length / from) * to);
  for (let i = 0; i < ids.length / from; i++) out.set(ids.subarray(i * from, (i + 1) * from), i * to);
  return out;
}

async function stepped(maskZero: boolean, ids: Float32Array, steps: number): Promise<{ loss: number; weights: Float32Array[]; table: Float32Array }> {
  const spec = compileGraph(sequentialGraph([null, null], [
    ['Embedding', { input_dim: VOCAB, output_dim: D, mask_zero: maskZero }],
    ['BatchNormalization', {}],
    ['GlobalAveragePooling1D', {}],
    ['Dense', { units: 8, activation: 'softmax' }],
  ]));
  const m = await buildModel(spec, { seed: 1 });
  compileModel(m, { optimizer: { name: 'sgd', learning_rate: 0.1 }, loss: 'sparseCategoricalCrossentropy' });
  const table = m.getWeights()[0]!.dataSync() as Float32Array;
  const xs = tf.tensor(ids, [N, steps]);
  const ys = tf.tensor(labels, [N, 1]);
  const out = await m.trainOnBatch(xs, ys);
  const loss = Array.isArray(out) ? out[0]! : out;
  const weights = m.getWeights().map((w) => w.dataSync() as Float32Array);
  tf.dispose([xs, ys]);
  m.dispose();
  return { loss, weights, table };
}

/** The moving mean after one step from 0 with Keras' momentum 0.99: 0.01 times the mean of the kept ids' embeddings. */
function keptMean(table: Float32Array): Float32Array {
  const want = new Float32Array(D);
  const kept = Array.from(short).filter((id) => id !== 0);
  for (const id of kept) for (let f = 0; f < D; f++) want[f]! += (0.01 * table[id * D + f]!) / kept.length;
  return want;
}

describe.each(['wasm', 'cpu'])('masked BatchNormalization training on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });

  it('one step on 20 and 60 ids of padding: same loss, moving statistics and weights; the moving mean is the kept steps\' mean', async () => {
    const a = await stepped(true, short, SHORT);
    const b = await stepped(true, padTo(short, SHORT, LONG), LONG);
    expect(Math.abs(a.loss - b.loss)).toBeLessThan(1e-5);
    a.weights.forEach((w, i) => expect(relError(b.weights[i]!, w), `weight ${i}`).toBeLessThan(1e-4));
    // getWeights: the trainable ones (embeddings, gamma, beta, kernel, bias), then moving_mean, moving_variance.
    expect(relError(a.weights[5]!, keptMean(a.table))).toBeLessThan(1e-4);
  }, 60_000);

  it('without mask_zero the padding counts: the moving mean is not the kept steps\' (so the check above can fail)', async () => {
    const a = await stepped(false, padTo(short, SHORT, LONG), LONG);
    expect(relError(a.weights[5]!, keptMean(a.table))).toBeGreaterThan(0.1);
  }, 60_000);
});

describe('masked BatchNormalization in training: Keras 3\'s formula and gradients, wasm against cpu', () => {
  const [b, t, d] = [3, 5, 4];
  const maskData = [1, 1, 0, 0, 1, /**/ 0, 0, 0, 1, 1, /**/ 1, 1, 1, 1, 0];
  const run = () => {
    const layer = tf.layers.batchNormalization({ gammaInitializer: tf.initializers.constant({ value: 1.5 }), betaInitializer: tf.initializers.constant({ value: 0.25 }) });
    const x = tf.tensor(randomArray(b * t * d, 7), [b, t, d]);
    const w = tf.tensor(randomArray(b * t * d, 8), [b, t, d]);
    const mask = tf.tensor(maskData, [b, t], 'bool');
    layer.build(x.shape);
    const f = (v: tf.Tensor) => tf.sum(tf.mul(layer.apply(v, { mask, training: true }) as tf.Tensor, w));
    const y = layer.apply(x, { mask, training: true }) as tf.Tensor;
    const { value, grads } = tf.variableGrads(() => f(x) as tf.Scalar, layer.trainableWeights.map((v) => (v as unknown as { val: tf.Variable }).val));
    const dx = tf.grad(f)(x);
    return [y, value, dx, ...Object.values(grads)];
  };

  it('normalises every step with the moments of the kept steps only (Keras\' _moments)', async () => {
    const [y] = await on('cpu', () => run()[0]!);
    const x = randomArray(b * t * d, 7);
    for (let f = 0; f < d; f++) {
      const kept = maskData.flatMap((m, s) => (m ? [x[s * d + f]!] : []));
      const mean = kept.reduce((s, v) => s + v, 0) / kept.length;
      const variance = kept.reduce((s, v) => s + (v - mean) ** 2, 0) / kept.length;
      for (let s = 0; s < b * t; s++) expect(y!.data[s * d + f]!).toBeCloseTo(1.5 * ((x[s * d + f]! - mean) / Math.sqrt(variance + 1e-3)) + 0.25, 4);
    }
  });

  it('gradients for the input, gamma and beta on wasm equal cpu\'s within 1e-4', async () => {
    const cpu = await on('cpu', run);
    const wasm = await on('wasm', run);
    expect(cpu.length).toBe(5);
    cpu.forEach((c, i) => {
      expect(Array.from(c.data).some((v) => v !== 0), `result ${i} is not all zero`).toBe(true);
      expect(relError(wasm[i]!.data, c.data), `result ${i}`).toBeLessThan(1e-4);
    });
  });
});
