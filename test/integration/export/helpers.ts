import { mulberry32 as rng } from '../../../shared/random';
/** Shared by the export tests: real test images, seeded weights, the Python runner, the workshop models. */
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { parseIdx } from '../../../main/datasets/idx';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const DATASETS = resolve(REPO, '../shared/datasets');
export const PYTHON = '/usr/bin/python3';

/** Why Python-backed checks cannot run here, or null when /usr/bin/python3 has torch. */
export function torchMissing(): string | null {
  const r = spawnSync(PYTHON, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
  return r.status === 0 ? null : `/usr/bin/python3 lacks torch/numpy (apt-get install python3-torch): ${r.stderr?.trim() || r.error?.message}`;
}

export function runPython(args: string[], cwd?: string, timeoutMs = 120_000): { stdout: string; stderr: string } {
  const r = spawnSync(PYTHON, args, { cwd, encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, OMP_NUM_THREADS: '1' } });
  if (r.status !== 0) throw new Error(`python ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stderr}\n${r.stdout}`);
  return { stdout: r.stdout, stderr: r.stderr };
}

/** The first n MNIST t10k (or train) images, scaled to [0, 1], as [n, 28, 28, 1], and their labels. */
export function mnist(n: number, split: 't10k' | 'train' = 't10k'): { x: Float32Array; y: Uint8Array; raw: Uint8Array } {
  const images = parseIdx(readFileSync(join(DATASETS, 'mnist', `${split}-images-idx3-ubyte.gz`)), split, { ndim: 3 });
  const labels = parseIdx(readFileSync(join(DATASETS, 'mnist', `${split}-labels-idx1-ubyte.gz`)), split, { ndim: 1 });
  const raw = (images.data as Uint8Array).slice(0, n * 784);
  return { x: Float32Array.from(raw, (v) => v / 255), y: (labels.data as Uint8Array).slice(0, n), raw };
}

/** The first n CIFAR-10 test images of the subset (PNG, one 32x32 RGB image per row), [n, 32, 32, 3] in [0, 1]. */
export function cifarTest(n: number): Float32Array {
  const png = PNG.sync.read(readFileSync(join(DATASETS, 'cifar-10-subset', 'cifar10_batch_50.png')));
  const out = new Float32Array(n * 3072);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < 1024; p++) {
      for (let c = 0; c < 3; c++) out[i * 3072 + p * 3 + c] = png.data[(i * png.width + p) * 4 + c] / 255;
    }
  }
  return out;
}

export { mulberry32 as rng } from '../../../shared/random';

/** Seeded, non-trivial weights: variance-keeping kernels, non-zero biases, BatchNorm stats far from (0, 1). */
export function randomizeWeights(model: tf.LayersModel, seed: number): void {
  const r = rng(seed);
  const u = (lo: number, hi: number): number => lo + (hi - lo) * r();
  const values = model.weights.map((w) => {
    const shape = w.shape as number[];
    const n = shape.reduce((a, b) => a * b, 1);
    const name = w.originalName.split('/').pop()!;
    const data = new Float32Array(n);
    const fanIn = name === 'depthwise_kernel' ? shape[0] * shape[1] : name.endsWith('kernel') ? n / shape[shape.length - 1] : 1;
    for (let i = 0; i < n; i++) {
      if (name.endsWith('kernel')) data[i] = u(-1, 1) * Math.sqrt(3 / fanIn);
      else if (name === 'gamma' || name === 'moving_variance') data[i] = u(0.5, 1.5);
      else if (name === 'moving_mean') data[i] = u(-0.3, 0.3);
      else data[i] = u(-0.1, 0.1);
    }
    return tf.tensor(data, shape);
  });
  model.setWeights(values);
  tf.dispose(values);
}

export function predict(model: tf.LayersModel, x: Float32Array, shape: number[]): { data: Float32Array; shape: number[] } {
  return tf.tidy(() => {
    const y = model.predict(tf.tensor(x, shape)) as tf.Tensor;
    return { data: y.dataSync() as Float32Array, shape: y.shape };
  });
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
