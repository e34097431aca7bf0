/**
 * Everything training needs from a loaded dataset in one object: the normaliser fitted on the training part only,
 * a seeded validation split (or the official test split), and per-epoch batch generators that convert from the
 * uint8 storage on demand. tfjs is passed in, so this module never picks a backend.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { AugmentConfig } from './augment';
import { batches, batchShapeFor, fitNormaliser, validationSplit, type Batch, type Normalisation, type Normaliser } from './preprocess';
import type { LoadedDataset, LoadedSplit } from './types';

export interface FeedOptions {
  batchSize: number;
  /** Default 'scale'. */
  normalisation?: Normalisation;
  /** 'sparse' for sparseCategoricalCrossentropy, 'onehot' for categoricalCrossentropy. Default 'onehot'. */
  labels?: 'sparse' | 'onehot';
  /** A fraction of the training set held out (seeded), or 'test' for the official test split. Default 'test'. */
  validation?: number | 'test' | 'none';
  seed?: number;
  /** Shuffle training batches every epoch. Default true. */
  shuffle?: boolean;
  /** The model's input shape without the batch axis. */
  inputShape?: number[];
  /** Applied to training batches only. */
  augment?: AugmentConfig;
}

export interface Feeder {
  normaliser: Normaliser;
  numClasses?: number;
  trainCount: number;
  validationCount: number;
  stepsPerEpoch: number;
  /** Shape of one batch of xs with `n` samples, e.g. [n, 28, 28, 1]. */
  xShape(n: number): number[];
  trainBatches(epoch: number): Generator<Batch>;
  validationBatches(): Generator<Batch>;
}

export function createFeeder(dataset: LoadedDataset, opts: FeedOptions): Feeder {
  const seed = opts.seed ?? 0;
  const train = dataset.train;
  const labels = opts.labels ?? 'onehot';
  const isRegression = train.y instanceof Float32Array;
  const numClasses = isRegression ? undefined : dataset.classNames?.length ?? maxLabel(train) + 1;
  const mode = opts.validation ?? 'test';
  let trainIdx: Uint32Array | undefined;
  let valSplit: LoadedSplit | undefined;
  let valIdx: Uint32Array | undefined;
  if (typeof mode === 'number') {
    // The user's own data holds out its LAST rows, as Keras' validation_split does; the catalog's a seeded shuffle.
    const s = dataset.own?.validation === 'last' ? validationSplit(train.count, mode) : validationSplit(train.count, mode, seed);
    trainIdx = s.train;
    valIdx = s.validation;
    valSplit = train;
  } else if (mode === 'test') {
    if (!dataset.test) throw new Error(`${dataset.name} has no test split: use a validation fraction such as 0.1 instead.`);
    valSplit = dataset.test;
  }
  const fixed = dataset.own?.normaliser;
  const normaliser: Normaliser = fixed
    ? { mode: 'standardise', channels: fixed.offset.length, offset: fixed.offset, scale: fixed.scale }
    : fitNormaliser(train, opts.normalisation ?? 'scale', trainIdx);
  batchShapeFor(train.sampleShape, opts.inputShape, 1);
  const common = { batchSize: opts.batchSize, normaliser, labels: isRegression ? ('sparse' as const) : labels, numClasses, inputShape: opts.inputShape };
  const trainCount = trainIdx ? trainIdx.length : train.count;
  return {
    normaliser,
    numClasses,
    trainCount,
    validationCount: valIdx ? valIdx.length : (valSplit?.count ?? 0),
    stepsPerEpoch: Math.ceil(trainCount / opts.batchSize),
    xShape: (n) => batchShapeFor(train.sampleShape, opts.inputShape, n),
    trainBatches: (epoch) => batches(train, { ...common, indices: trainIdx, shuffle: opts.shuffle ?? true, seed, epoch, augment: opts.augment }),
    validationBatches: function* () {
      if (valSplit) yield* batches(valSplit, { ...common, indices: valIdx });
    },
  };
}

function maxLabel(split: LoadedSplit): number {
  let m = 0;
  for (let i = 0; i < split.y.length; i++) if (split.y[i] > m) m = split.y[i];
  return m;
}

/** Wraps a batch as tensors (the caller disposes them, e.g. inside tf.tidy or after trainOnBatch). */
export function batchToTensors(tf: typeof tfTypes, batch: Batch): { xs: tfTypes.Tensor; ys: tfTypes.Tensor } {
  return {
    xs: tf.tensor(batch.xs, batch.xShape, 'float32'),
    ys: tf.tensor(batch.ys, batch.yShape, batch.ys instanceof Int32Array ? 'int32' : 'float32'),
  };
}
