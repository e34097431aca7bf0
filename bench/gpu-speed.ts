/**
 * One measurement for bench/gpu-check.sh: trains one model on one tfjs backend for a time budget and prints one JSON
 * line {backend, detail, model, samplesPerSecond, epochs, samples, data}. Each backend runs in its own process
 * (tfjs-node-gpu and webgpu each own the GPU; a failed native load must not spoil the others).
 *
 *   node --import tsx bench/gpu-speed.ts --backend webgpu --model cnn|resnet [--samples N] [--batch B] [--seconds S]
 *   node --import tsx bench/gpu-speed.ts --probe      (the GPU setup report: WebGPU adapters and CUDA)
 *
 * cnn = the workshop CNN on MNIST (real images from BENCH_DATA_DIR or ../shared/datasets/mnist when present, else
 * random pixels: speed does not depend on the values); resnet = the resnet-cifar template on random 32x32x3 images.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../main/engine/backend';
import { readIdxFile } from '../main/datasets/idx';
import { buildModel, specFromJson } from '../main/engine/model';
import { compileModel } from '../test/support/compile-model';
import { formatGpuSetup, gpuSetup } from '../main/system/gpu-setup';
import { compileGraph } from '../shared/graph/index';
import { getTemplate } from '../shared/templates/index';

// BENCH_REPO: the checkout, when this runs as the bench/gpu-kit bundle (gpu-check.sh sets it).
const repoRoot = process.env.BENCH_REPO ?? resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    backend: { type: 'string' }, model: { type: 'string', default: 'cnn' }, probe: { type: 'boolean', default: false },
    samples: { type: 'string', default: '512' }, batch: { type: 'string', default: '32' }, seconds: { type: 'string', default: '20' },
  },
});
const samples = Number(values.samples);
const batch = Number(values.batch);
const budget = Number(values.seconds) * 1000;

function emit(line: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

/** Random inputs in [0, 1) and random one-hot labels over 10 classes. */
function randomData(shape: number[]): { x: tf.Tensor; y: tf.Tensor } {
  return { x: tf.randomUniform([samples, ...shape], 0, 1, 'float32', 1), y: tf.oneHot(tf.randomUniform([samples], 0, 10, 'int32', 2), 10).toFloat() };
}

async function data(model: 'cnn' | 'resnet'): Promise<{ x: tf.Tensor; y: tf.Tensor; source: string }> {
  const mnist = process.env.BENCH_DATA_DIR ?? resolve(repoRoot, '../shared/datasets/mnist');
  if (model === 'cnn' && existsSync(resolve(mnist, 'train-images-idx3-ubyte.gz'))) {
    // The IDX reader alone: the dataset manager would pull in sharp, whose native binary the kit does not carry.
    const images = await readIdxFile(resolve(mnist, 'train-images-idx3-ubyte.gz'));
    const labels = await readIdxFile(resolve(mnist, 'train-labels-idx1-ubyte.gz'));
    const n = Math.min(samples, labels.dims[0]!);
    const x = tf.tidy(() => tf.tensor4d(Float32Array.from(images.data.subarray(0, n * 784)), [n, 28, 28, 1]).div(255));
    const y = tf.oneHot(tf.tensor1d(Int32Array.from(labels.data.subarray(0, n)), 'int32'), 10).toFloat();
    return { x, y, source: 'MNIST' };
  }
  return { ...randomData(model === 'cnn' ? [28, 28, 1] : [32, 32, 3]), source: 'random pixels' };
}

if (values.probe) {
  // What `layerlab gpu` prints: the WebGPU adapters next to the CUDA report.
  process.stdout.write(`${formatGpuSetup(await gpuSetup())}\n`);
  process.exit(0);
}

const modelName = values.model === 'resnet' ? 'resnet' : 'cnn';
try {
  const choice = await selectBackend({ force: values.backend });
  const spec = modelName === 'cnn'
    ? specFromJson(JSON.parse(readFileSync(resolve(repoRoot, 'test/integration/engine/fixtures/workshop-cnn.json'), 'utf8')))
    : compileGraph(getTemplate('resnet-cifar')!.graph);
  const model = await buildModel(spec, { seed: 1 });
  compileModel(model, { optimizer: { name: 'sgd', learning_rate: 0.01, momentum: 0.9 } });
  const { x, y, source } = await data(modelName);
  // Warm-up: kernels compile (GPU shaders, XNNPACK operators) on first use.
  const warm = Math.min(samples, 2 * batch);
  await model.fit(x.slice(0, warm), y.slice(0, warm), { batchSize: batch, epochs: 1, verbose: 0 });
  const rates: number[] = [];
  const t0 = performance.now();
  do {
    const t = performance.now();
    await model.fit(x, y, { batchSize: batch, epochs: 1, verbose: 0, shuffle: true });
    rates.push(samples / ((performance.now() - t) / 1000));
  } while (performance.now() - t0 < budget && rates.length < 5);
  const median = [...rates].sort((a, b) => a - b)[Math.floor(rates.length / 2)]!;
  emit({ backend: choice.backend, detail: choice.detail ?? '', model: modelName, samplesPerSecond: median, epochs: rates.length, samples, data: source });
} catch (err) {
  emit({ backend: values.backend, model: modelName, error: (err instanceof Error ? err.message : String(err)).split('\n')[0] });
}
process.exit(0);
