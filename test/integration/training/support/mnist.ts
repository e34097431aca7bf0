/**
 * A tiny reader of the real MNIST IDX files in ../shared/datasets/mnist, for training tests that must not wait for
 * (or break with) the dataset manager. Returns the first `count` samples after `offset`, scaled to [0, 1].
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(here, '../../../..');
export const MNIST_DIR = resolve(REPO_ROOT, '../shared/datasets/mnist');

const cache = new Map<string, Uint8Array>();

function idx(file: string, magic: number): { dims: number[]; data: Uint8Array } {
  let bytes = cache.get(file);
  if (!bytes) {
    bytes = new Uint8Array(gunzipSync(readFileSync(resolve(MNIST_DIR, file))));
    cache.set(file, bytes);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0) !== magic) throw new Error(`${file}: magic ${view.getUint32(0).toString(16)}, expected ${magic.toString(16)}`);
  const rank = magic & 0xff;
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  return { dims, data: bytes.subarray(4 + 4 * rank) };
}

export interface MnistSubset {
  /** [count, 784] scaled to [0, 1]. */
  x: Float32Array;
  y: Int32Array;
  count: number;
}

export function loadMnist(split: 'train' | 'test', count: number, offset = 0): MnistSubset {
  const prefix = split === 'train' ? 'train' : 't10k';
  const images = idx(`${prefix}-images-idx3-ubyte.gz`, 0x00000803);
  const labels = idx(`${prefix}-labels-idx1-ubyte.gz`, 0x00000801);
  if (offset + count > images.dims[0]!) throw new Error(`MNIST ${split} has ${images.dims[0]} samples, asked for ${offset}+${count}`);
  const px = 28 * 28;
  const x = new Float32Array(count * px);
  for (let i = 0; i < count * px; i++) x[i] = images.data[offset * px + i]! / 255;
  const y = Int32Array.from(labels.data.subarray(offset, offset + count));
  return { x, y, count };
}

export type MnistLayout = 'flat' | 'image';

/** Tensors of a subset: x [n, 784] ('flat') or [n, 28, 28, 1] ('image'), y class indices [n] (float32, as tfjs wants). */
export function mnistTensors(split: 'train' | 'test', count: number, offset = 0, layout: MnistLayout = 'flat'): { x: tf.Tensor; y: tf.Tensor; labels: Int32Array } {
  const s = loadMnist(split, count, offset);
  const shape = layout === 'flat' ? [count, 784] : [count, 28, 28, 1];
  return { x: tf.tensor(s.x, shape), y: tf.tensor1d(Float32Array.from(s.y)), labels: s.y };
}

/** A seeded MLP, so runs are repeatable: 784 -> hidden (relu) -> outputs. */
export function mlp(hidden: number, outputs: number, activation: 'softmax' | 'sigmoid' | 'linear', seed = 1, hiddenActivation: 'relu' | 'linear' = 'relu'): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.dense({ inputShape: [784], units: hidden, activation: hiddenActivation, kernelInitializer: tf.initializers.glorotUniform({ seed }), name: 'hidden' }));
  m.add(tf.layers.dense({ units: outputs, activation, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }), name: 'out' }));
  return m;
}
