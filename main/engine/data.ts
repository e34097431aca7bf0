/**
 * The engine's one door to the dataset manager: loads the referenced dataset (train.ts then feeds it through
 * createFeeder). toTensors is the plain whole-split conversion the benchmark uses.
 * A --data-dir holding the IDX files directly (e.g. ../shared/datasets/mnist) is read in place; anything else goes
 * through main/datasets (cache, mirrors, download).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadDataset, readIdxFile } from '../datasets/index';
import type { LoadedDataset, LoadedSplit } from '../datasets/types';

/** What a worker needs to load the data itself (a reference, not the pixels). */
export interface DataRef {
  /** Catalog name: 'mnist', 'fashion-mnist', ... */
  dataset: string;
  /** A folder with the four IDX(.gz) files, or a mirror root with one sub-folder per dataset. */
  dataDir?: string;
  cacheDir?: string;
  /** Mirror roots for the dataset manager (used when dataDir is absent or holds no IDX files). */
  mirror?: string | string[];
  offline?: boolean;
  limitTrain?: number;
  limitTest?: number;
}

const IDX_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

function findIdx(dir: string, base: string): string | null {
  for (const name of [`${base}.gz`, base]) {
    const p = path.join(dir, name);
    if (existsSync(p)) return p;
  }
  return null;
}

async function readIdxSplit(images: string, labels: string, limit: number | undefined): Promise<LoadedSplit> {
  const [x, y] = await Promise.all([readIdxFile(images, { type: 'uint8', ndim: 3 }), readIdxFile(labels, { type: 'uint8', ndim: 1 })]);
  if (x.dims[0] !== y.dims[0]) throw new Error(`${images} has ${x.dims[0]} images but ${labels} has ${y.dims[0]} labels`);
  const [n, h, w] = x.dims as [number, number, number];
  const count = limit === undefined ? n : Math.min(limit, n);
  return { x: (x.data as Uint8Array).subarray(0, count * h * w), y: (y.data as Uint8Array).subarray(0, count), sampleShape: [h, w, 1], count };
}

/** Loads the referenced dataset (limits applied). */
export async function loadData(ref: DataRef): Promise<LoadedDataset> {
  for (const [k, v] of [['limitTrain', ref.limitTrain], ['limitTest', ref.limitTest]] as const) {
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) throw new Error(`${k} must be a positive integer, got ${v}`);
  }
  if (ref.dataDir) {
    const files = Object.fromEntries(Object.entries(IDX_FILES).map(([k, base]) => [k, findIdx(ref.dataDir!, base)]));
    if (Object.values(files).every(Boolean)) {
      const [train, test] = await Promise.all([
        readIdxSplit(files.trainImages!, files.trainLabels!, ref.limitTrain),
        readIdxSplit(files.testImages!, files.testLabels!, ref.limitTest),
      ]);
      return { name: ref.dataset, train, test, classNames: Array.from({ length: 10 }, (_, i) => String(i)) };
    }
    if (!existsSync(ref.dataDir)) throw new Error(`--data-dir ${ref.dataDir} does not exist`);
  }
  return loadDataset(ref.dataset, {
    mirror: ref.dataDir ?? ref.mirror,
    cacheDir: ref.cacheDir,
    offline: ref.offline,
    limitTrain: ref.limitTrain,
    limitTest: ref.limitTest,
  });
}

export interface SplitTensors {
  /** [n, ...inputShape], float32, pixels scaled to [0, 1]. */
  x: tf.Tensor;
  /** [n, classes] one-hot. */
  y: tf.Tensor;
  count: number;
}

/** Normalises to [0, 1] (uint8 data) and reshapes to the model's input; labels one-hot over `classes`. */
export function toTensors(split: LoadedSplit, inputShape: number[], classes: number): SplitTensors {
  const per = split.sampleShape.reduce((a, b) => a * b, 1);
  const want = inputShape.reduce((a, b) => a * b, 1);
  if (per !== want) {
    throw new Error(
      `the dataset's samples are [${split.sampleShape.join(', ')}] = ${per} values but the model takes [${inputShape.join(', ')}] = ${want}: ` +
        `change the InputLayer shape (e.g. [${split.sampleShape.join(', ')}] or [${per}] with a Flatten/Reshape)`,
    );
  }
  const scale = split.x instanceof Uint8Array ? 1 / 255 : 1;
  const xs = new Float32Array(split.count * per);
  for (let i = 0; i < xs.length; i++) xs[i] = (split.x[i] as number) * scale;
  const labels = Int32Array.from(split.y as ArrayLike<number>);
  for (const l of labels) {
    if (l < 0 || l >= classes) throw new Error(`label ${l} does not fit a model with ${classes} outputs: the last layer needs at least ${l + 1} units`);
  }
  return tf.tidy(() => ({
    x: tf.tensor(xs, [split.count, ...inputShape]),
    y: tf.oneHot(tf.tensor1d(labels, 'int32'), classes).toFloat(),
    count: split.count,
  }));
}
