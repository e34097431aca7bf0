/**
 * The PyTorch export computes the tfjs model's function: for the workshop models and seeded random graphs, with
 * trained or random weights (BatchNorm stats far from 0/1), the exported model.py + weights.npz gives the same
 * outputs on 100 real test images (max abs diff < 1e-4) and the same parameter count.
 */
import * as tf from '@tensorflow/tfjs';
// The wasm backend (XNNPACK) is tfjs' own and ~20x faster than the pure-JS cpu one for these convolutions.
import '@tensorflow/tfjs-backend-wasm';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportModel } from '../../../main/export';
import { decodeNpy, encodeNpy } from '../../../main/export/npy';
import { buildTfjsModel, namedWeights } from '../../../main/export/tfjs-model';
import { compileGraph } from '../../../shared/graph';
import { templates as allTemplates } from '../../../shared/templates';
import { GraphBuilder } from '../../../shared/templates/builder';

/** The text templates take word ids, not images: sequence-parity.test.ts checks them on real text. */
const templates = allTemplates.filter((t) => t.dataset !== 'imdb' && t.dataset !== 'reuters');
import type { ModelSpec } from '../../../shared/graph/types';
import { cifarTest, maxAbsDiff, mnist, predict, randomizeWeights, REPO, rng, runPython, torchMissing } from './helpers';
import { randomModel } from './random-models';
import { cnnBatchNorm, mixedConvNet, mlp, mnistCnn, residual } from './workshop-models';

const missing = torchMissing();
if (missing) console.warn(`SKIPPED PyTorch equivalence tests: ${missing}`);

interface Case {
  name: string;
  dir: string;
  countParams: number;
  trainable: number;
  expected: Float32Array;
}

const cases: Case[] = [];
let counts: Record<string, { total: number; trainable: number; error?: string }> = {};
const root = mkdtempSync(join(tmpdir(), 'layerlab-export-pt-'));

async function prepare(name: string, model: tf.LayersModel, input: Float32Array, shape: number[], train?: () => Promise<void>, compiled?: ModelSpec): Promise<void> {
  const t0 = Date.now();
  if (train) await train();
  const t1 = Date.now();
  const expected = predict(model, input, shape).data;
  const dir = join(root, name);
  const spec = compiled ?? (JSON.parse(JSON.stringify(model.toJSON(null, false))) as ModelSpec);
  await exportModel({ spec, weights: namedWeights(model) }, { format: 'pytorch', outDir: dir });
  writeFileSync(join(dir, 'x.npy'), encodeNpy(shape, input));
  const trainable = model.trainableWeights.reduce((a, w) => a + w.shape.reduce((p: number, d) => p * (d as number), 1), 0);
  cases.push({ name, dir, countParams: model.countParams(), trainable, expected });
  if (process.env.LAYERLAB_TEST_TIMING) console.log(`${name}: train ${t1 - t0} ms, predict+export ${Date.now() - t1} ms`);
  model.dispose();
}

/** A few real optimisation steps, so the weights (and BatchNorm's moving statistics) are trained ones. */
async function fitFewSteps(model: tf.LayersModel, x: Float32Array, shape: number[], y: Uint8Array): Promise<void> {
  // wasm has no convolution gradients: train on the cpu backend, predict on wasm (tfjs moves the variables).
  await tf.setBackend('cpu');
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'sparseCategoricalCrossentropy' });
  const xs = tf.tensor(x, shape);
  const ys = tf.tensor(Array.from(y), [y.length], 'float32');
  await model.fit(xs, ys, { epochs: 1, batchSize: 32, verbose: 0, shuffle: false });
  tf.dispose([xs, ys]);
  await tf.setBackend('wasm');
}

/** Cropping2D, Subtract, Maximum, Minimum, ELU, Softmax and the activations tfjs runs beyond the first ten. */
function newKindsGraph(): ModelSpec {
  const b = new GraphBuilder();
  const x = b.layer('InputLayer', { batch_input_shape: [null, 28, 28, 1] }, [], 'image');
  const a = b.chain(x, [['Conv2D', { filters: 4, kernel_size: [3, 3], activation: 'relu6' }], ['ELU', {}], ['Cropping2D', { cropping: [[1, 2], [0, 3]] }]]);
  const c = b.chain(x, [['Conv2D', { filters: 4, kernel_size: [3, 3], activation: 'hard_sigmoid' }], ['Cropping2D', { cropping: [[2, 1], [2, 1]] }]]);
  const d = b.chain(x, [['Conv2D', { filters: 4, kernel_size: [5, 5], strides: [1, 1], activation: 'mish' }], ['Cropping2D', { cropping: [[1, 0], [1, 0]] }]]);
  const sub = b.layer('Subtract', {}, [a, c]);
  const max = b.layer('Maximum', {}, [sub, d, a]);
  const min = b.layer('Minimum', {}, [max, c]);
  const soft = b.layer('Softmax', { axis: -1 }, [min]);
  return compileGraph(
    (() => {
      b.chain(soft, [['Conv2D', { filters: 3, kernel_size: [3, 3], activation: 'softsign' }], ['Flatten', {}], ['Dense', { units: 12, activation: 'exponential' }], ['Dense', { units: 10, activation: 'log_softmax' }]]);
      return b.build();
    })(),
  );
}

describe.skipIf(missing !== null)('PyTorch export equals tfjs on real images', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    const test = mnist(100);
    const train = mnist(160, 'train');
    const img = [100, 28, 28, 1];
    const flatShape = [100, 784];

    const m1 = mlp();
    await prepare('mlp', m1, test.x, flatShape, () => fitFewSteps(m1, train.x, [160, 784], train.y));
    const m2 = mnistCnn();
    randomizeWeights(m2, 1);
    await prepare('mnist_cnn', m2, test.x, img);
    const m3 = cnnBatchNorm();
    randomizeWeights(m3, 2);
    await prepare('cnn_bn', m3, test.x, img);
    const m4 = residual();
    randomizeWeights(m4, 3);
    await prepare('residual', m4, test.x, img);
    const m5 = mixedConvNet();
    randomizeWeights(m5, 4);
    await prepare('mixed_conv_cifar', m5, cifarTest(100), [100, 32, 32, 3]);
    for (let seed = 1; seed <= 10; seed++) {
      const m = randomModel(seed);
      randomizeWeights(m, 100 + seed);
      await prepare(`random_${seed}`, m, test.x, img);
    }
    // Every kind and activation the registry gained with the one layer model, in one graph.
    const newKinds = newKindsGraph();
    const mk = await buildTfjsModel(newKinds);
    randomizeWeights(mk, 300);
    await prepare('new_kinds', mk, test.x, img, undefined, newKinds);
    // The graph compiler's own output (shared/graph compileGraph) for every workshop template.
    const cifar = cifarTest(100);
    for (const [i, t] of templates.entries()) {
      const spec = compileGraph(t.graph);
      const m = await buildTfjsModel(spec);
      randomizeWeights(m, 200 + i);
      const sample = (m.inputs[0].shape as number[]).slice(1);
      // Tabular templates (e.g. 13 housing features) get seeded standardised values; images get real ones.
      const tabular = sample.length === 1 && sample[0] !== 784;
      const x = tabular ? Float32Array.from({ length: 100 * sample[0]! }, rng(400 + i)).map((v) => v * 4 - 2) : sample.length === 1 ? test.x : t.dataset === 'cifar10' ? cifar : test.x;
      await prepare(`template_${t.id}`, m, x, [100, ...sample], undefined, spec);
    }
    const tp = Date.now();
    const out = runPython([join(REPO, 'test/integration/export/run_torch_models.py'), ...cases.map((c) => c.dir)]);
    counts = JSON.parse(out.stdout.trim().split('\n').pop()!);
    if (process.env.LAYERLAB_TEST_TIMING) console.log(`python: ${Date.now() - tp} ms`);
  }, 300_000);
  afterAll(() => {
    tf.disposeVariables();
    rmSync(root, { recursive: true, force: true });
  });

  const names = ['mlp', 'mnist_cnn', 'cnn_bn', 'residual', 'mixed_conv_cifar', 'new_kinds', ...Array.from({ length: 10 }, (_, i) => `random_${i + 1}`), ...templates.map((t) => `template_${t.id}`)];
  it.each(names)('%s: same parameter count and outputs (max abs diff < 1e-4)', (name) => {
    const c = cases.find((k) => k.name === name)!;
    expect(c, `model ${name} was not exported`).toBeDefined();
    expect(counts[c.dir].error, `${name}: PyTorch failed`).toBeUndefined();
    expect(counts[c.dir].total).toBe(c.countParams);
    expect(counts[c.dir].trainable).toBe(c.trainable);
    const torchY = decodeNpy(readFileSync(join(c.dir, 'torch_y.npy')));
    expect(torchY.data.length).toBe(c.expected.length);
    const diff = maxAbsDiff(torchY.data, c.expected);
    expect(diff, `${name}: max abs diff ${diff}`).toBeLessThan(1e-4);
    // Real images give different outputs: a broken export that ignores its input would not pass.
    const width = torchY.data.length / 100;
    let spread = 0;
    for (let i = 1; i < 100; i++) spread = Math.max(spread, maxAbsDiff(torchY.data.subarray(0, width), torchY.data.subarray(i * width, (i + 1) * width)));
    expect(spread).toBeGreaterThan(1e-4);
  });

  it('every exported .py compiles', () => {
    const files = cases.flatMap((c) => [join(c.dir, 'model.py'), join(c.dir, 'train.py')]);
    runPython(['-m', 'py_compile', ...files]);
  });
});
