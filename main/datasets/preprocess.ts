/**
 * Turning a loaded split into what a model eats: float values (scaled to [0,1] or standardised with train-set
 * statistics), labels as class indices or one-hot, a validation split, seeded shuffling, and batches produced on
 * demand from the uint8 storage so that no second full-size copy of the data is needed.
 */
import { shuffledIndices } from '../../shared/random';
import type { LoadedSplit } from './types';
import type { AugmentConfig } from './augment';
import { createAugmenter } from './augment';

export type Normalisation = 'none' | 'scale' | 'standardise';

/** out = (x - offset[c]) * scale[c], with c the channel (last axis of the sample shape). */
export interface Normaliser {
  mode: Normalisation;
  channels: number;
  offset: Float32Array;
  scale: Float32Array;
}

function channelsOf(split: LoadedSplit): number {
  return split.sampleShape[split.sampleShape.length - 1] ?? 1;
}

function sampleSize(split: LoadedSplit): number {
  return split.sampleShape.reduce((a, b) => a * b, 1);
}

/**
 * Fits a normaliser on the training samples (all, or those in `indices`). 'scale' maps uint8 by 1/255 and float
 * data by each channel's train min..max onto [0, 1]; 'standardise' uses each channel's train mean and std.
 */
export function fitNormaliser(split: LoadedSplit, mode: Normalisation, indices?: Uint32Array): Normaliser {
  const channels = channelsOf(split);
  const offset = new Float32Array(channels);
  const scale = new Float32Array(channels).fill(1);
  if (mode === 'none') return { mode, channels, offset, scale };
  if (mode === 'scale' && split.x instanceof Uint8Array) return { mode, channels, offset, scale: scale.fill(1 / 255) };
  const per = sampleSize(split);
  const rows = indices ?? null;
  const n = rows ? rows.length : split.count;
  const x = split.x;
  if (mode === 'scale') {
    const lo = new Float64Array(channels).fill(Infinity);
    const hi = new Float64Array(channels).fill(-Infinity);
    for (let r = 0; r < n; r++) {
      const base = (rows ? rows[r] : r) * per;
      for (let i = 0; i < per; i++) {
        const v = x[base + i];
        const c = i % channels;
        if (v < lo[c]) lo[c] = v;
        if (v > hi[c]) hi[c] = v;
      }
    }
    for (let c = 0; c < channels; c++) {
      offset[c] = lo[c];
      scale[c] = hi[c] > lo[c] ? 1 / (hi[c] - lo[c]) : 1;
    }
    return { mode, channels, offset, scale };
  }
  const sum = new Float64Array(channels);
  const sq = new Float64Array(channels);
  for (let r = 0; r < n; r++) {
    const base = (rows ? rows[r] : r) * per;
    for (let i = 0; i < per; i++) {
      const v = x[base + i];
      const c = i % channels;
      sum[c] += v;
      sq[c] += v * v;
    }
  }
  const count = (n * per) / channels;
  for (let c = 0; c < channels; c++) {
    const mean = sum[c] / count;
    const std = Math.sqrt(Math.max(0, sq[c] / count - mean * mean));
    offset[c] = mean;
    scale[c] = std > 1e-12 ? 1 / std : 1;
  }
  return { mode, channels, offset, scale };
}

/** Normalises values [from, to) of `x` into `out` (allocated when absent). */
export function applyNormaliser(x: ArrayLike<number>, norm: Normaliser, out?: Float32Array, from = 0, to = x.length): Float32Array {
  const dst = out ?? new Float32Array(to - from);
  const { channels, offset, scale } = norm;
  if (x instanceof Uint8Array) return applyLut(x, lutFor(norm), channels, dst, from, to);
  if (channels === 1) {
    const o = offset[0];
    const s = scale[0];
    for (let i = from, j = 0; i < to; i++, j++) dst[j] = (x[i] - o) * s;
    return dst;
  }
  for (let i = from, j = 0; i < to; i++, j++) {
    const c = i % channels;
    dst[j] = (x[i] - offset[c]) * scale[c];
  }
  return dst;
}

const luts = new WeakMap<Normaliser, Float32Array>();

/** uint8 inputs take only 256 values per channel: a table lookup beats the arithmetic, and keeps the loop monomorphic. */
function lutFor(norm: Normaliser): Float32Array {
  let lut = luts.get(norm);
  if (!lut) {
    lut = new Float32Array(256 * norm.channels);
    for (let c = 0; c < norm.channels; c++) for (let v = 0; v < 256; v++) lut[c * 256 + v] = (v - norm.offset[c]) * norm.scale[c];
    luts.set(norm, lut);
  }
  return lut;
}

function applyLut(x: Uint8Array, lut: Float32Array, channels: number, dst: Float32Array, from: number, to: number): Float32Array {
  if (channels === 1) {
    // Unrolled by 4: measured ~1.5x faster than the plain loop on full MNIST (V8 does not vectorise this).
    let i = from;
    let j = 0;
    for (; i + 4 <= to; i += 4, j += 4) {
      dst[j] = lut[x[i]];
      dst[j + 1] = lut[x[i + 1]];
      dst[j + 2] = lut[x[i + 2]];
      dst[j + 3] = lut[x[i + 3]];
    }
    for (; i < to; i++, j++) dst[j] = lut[x[i]];
    return dst;
  }
  if (channels === 3) {
    for (let i = from, j = 0, c = from % 3; i < to; i++, j++) {
      dst[j] = lut[c * 256 + x[i]];
      c = c === 2 ? 0 : c + 1;
    }
    return dst;
  }
  for (let i = from, j = 0; i < to; i++, j++) dst[j] = lut[(i % channels) * 256 + x[i]];
  return dst;
}

/** The whole split as one Float32Array (fine for MNIST-size data; use batches() for bigger sets). */
export function normaliseSplit(split: LoadedSplit, norm: Normaliser): Float32Array {
  return applyNormaliser(split.x, norm);
}

/** Class indices -> one-hot rows. Throws on a label outside [0, numClasses). */
export function oneHot(y: ArrayLike<number>, numClasses: number, out?: Float32Array, indices?: ArrayLike<number>): Float32Array {
  const n = indices ? indices.length : y.length;
  const dst = out ?? new Float32Array(n * numClasses);
  dst.fill(0, 0, n * numClasses);
  for (let r = 0; r < n; r++) {
    const label = y[indices ? indices[r] : r];
    if (!Number.isInteger(label) || label < 0 || label >= numClasses) {
      throw new Error(`label ${label} of sample ${indices ? indices[r] : r} is outside 0..${numClasses - 1}: set numClasses to the dataset's class count.`);
    }
    dst[r * numClasses + label] = 1;
  }
  return dst;
}

/**
 * Checks that one sample fits the model's input shape (same number of values) and returns the batch shape
 * ([batch, ...inputShape]); e.g. [28, 28, 1] samples feed a Dense input of [784].
 */
export function batchShapeFor(sampleShape: number[], inputShape: number[] | undefined, batch: number): number[] {
  if (!inputShape) return [batch, ...sampleShape];
  const want = inputShape.reduce((a, b) => a * b, 1);
  const have = sampleShape.reduce((a, b) => a * b, 1);
  if (want !== have) {
    throw new Error(
      `the model input [${inputShape.join(', ')}] takes ${want} values per sample but the data has [${sampleShape.join(', ')}] = ${have}. ` +
        `Change the input layer's shape to [${sampleShape.join(', ')}] (or add a Reshape/Flatten).`,
    );
  }
  return [batch, ...inputShape];
}

export interface ValidationSplit {
  train: Uint32Array;
  validation: Uint32Array;
}

/**
 * Splits sample indices into train and validation. With a seed the samples are shuffled first; without one the
 * last `fraction` of the samples is held out, as Keras' validation_split does.
 */
export function validationSplit(count: number, fraction: number, seed?: number): ValidationSplit {
  if (!(fraction >= 0 && fraction < 1)) throw new Error(`validation fraction must be in [0, 1). Received: ${fraction}`);
  const order = seed === undefined ? Uint32Array.from({ length: count }, (_, i) => i) : shuffledIndices(count, seed);
  const nVal = Math.round(count * fraction);
  return { train: order.subarray(0, count - nVal), validation: order.subarray(count - nVal) };
}

export interface BatchOptions {
  batchSize: number;
  /** Sample indices to draw from (a validation split's part); default all. */
  indices?: Uint32Array;
  /** Shuffle the order each epoch with seed + epoch. */
  shuffle?: boolean;
  seed?: number;
  epoch?: number;
  normaliser?: Normaliser;
  labels?: 'sparse' | 'onehot';
  numClasses?: number;
  /** The model's input shape without the batch axis; checked against the sample shape. */
  inputShape?: number[];
  augment?: AugmentConfig;
  /** Drop a last batch smaller than batchSize. */
  dropRemainder?: boolean;
}

export interface Batch {
  xs: Float32Array;
  xShape: number[];
  /** Sparse labels as Int32 class indices (Float32 for regression targets), one-hot as Float32 rows. */
  ys: Float32Array | Int32Array;
  yShape: number[];
  size: number;
}

/**
 * Yields batches converted on demand from the split's storage. Buffers are fresh per batch so the caller may wrap
 * them in tensors (tf.tensor copies or adopts them) without later batches overwriting earlier ones.
 */
export function* batches(split: LoadedSplit, opts: BatchOptions): Generator<Batch> {
  const { batchSize } = opts;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be a positive integer. Received: ${batchSize}`);
  const base = opts.indices ? Uint32Array.from(opts.indices) : Uint32Array.from({ length: split.count }, (_, i) => i);
  const order = opts.shuffle ? shuffledIndices(base.length, (opts.seed ?? 0) + (opts.epoch ?? 0) * 7919, base) : base;
  const per = sampleSize(split);
  const norm = opts.normaliser ?? fitNormaliser(split, 'none');
  const isRegression = split.y instanceof Float32Array;
  const onehot = opts.labels === 'onehot';
  if (onehot && !opts.numClasses) throw new Error('one-hot labels need numClasses (the number of classes).');
  if (onehot && isRegression) throw new Error('one-hot labels need class labels, but this split holds regression targets.');
  const augmenter = opts.augment ? createAugmenter(split.sampleShape, opts.augment, (opts.augment.seed ?? opts.seed ?? 0) + (opts.epoch ?? 0)) : undefined;
  batchShapeFor(split.sampleShape, opts.inputShape, 1);
  for (let start = 0; start < order.length; start += batchSize) {
    const size = Math.min(batchSize, order.length - start);
    if (size < batchSize && opts.dropRemainder) return;
    const rows = order.subarray(start, start + size);
    const xs = new Float32Array(size * per);
    for (let r = 0; r < size; r++) {
      const from = rows[r] * per;
      const dst = xs.subarray(r * per, (r + 1) * per);
      applyNormaliser(split.x, norm, dst, from, from + per);
      if (augmenter) augmenter(dst);
    }
    let ys: Float32Array | Int32Array;
    let yShape: number[];
    if (onehot) {
      ys = oneHot(split.y, opts.numClasses!, undefined, rows);
      yShape = [size, opts.numClasses!];
    } else {
      ys = isRegression ? new Float32Array(size) : new Int32Array(size);
      for (let r = 0; r < size; r++) ys[r] = split.y[rows[r]];
      yShape = [size];
    }
    yield { xs, xShape: batchShapeFor(split.sampleShape, opts.inputShape, size), ys, yShape, size };
  }
}
