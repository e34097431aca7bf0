/**
 * Loss and metrics for model.compile, and the same functions as plain (yTrue, yPred) => per-sample tensors for
 * the telemetry that evaluates validation data itself.
 */
import * as tf from '@tensorflow/tfjs';
import type { LossName, MetricName, TrainingConfig } from '../../../shared/training';
import { createOptimizer } from './optimizers';

export type LossFn = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

/** Per-sample Huber loss (mean over the last axis), so class weights and tfjs' batch mean apply as for the others. */
export function huberLoss(delta = 1): LossFn {
  const fn = (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor =>
    tf.tidy(() => tf.mean(tf.losses.huberLoss(yTrue, yPred, undefined, delta, tf.Reduction.NONE), -1));
  // tfjs names custom losses and metrics after the function.
  Object.defineProperty(fn, 'name', { value: 'huber' });
  return fn;
}

/** tfjs exports no sparse cross-entropy metric; one-hot the labels and reuse the categorical one. */
function sparseCategoricalCrossentropy(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const classes = yPred.shape[yPred.shape.length - 1] ?? 1;
    const labels = tf.cast(tf.reshape(yTrue, [-1]), 'int32') as tf.Tensor1D;
    return tf.metrics.categoricalCrossentropy(tf.oneHot(labels, classes), yPred);
  });
}

const TFJS_LOSS_NAMES: Record<Exclude<LossName, 'huber'>, string> = {
  sparse_categorical_crossentropy: 'sparseCategoricalCrossentropy',
  categorical_crossentropy: 'categoricalCrossentropy',
  binary_crossentropy: 'binaryCrossentropy',
  mse: 'meanSquaredError',
  mae: 'meanAbsoluteError',
};

/** The `loss` argument of model.compile. */
export function createLoss(config: Pick<TrainingConfig, 'loss' | 'huber_delta'>): string | LossFn {
  return config.loss === 'huber' ? huberLoss(config.huber_delta) : TFJS_LOSS_NAMES[config.loss];
}

/** The loss as a function, for evaluating outside model.fit. */
export function lossFunction(config: Pick<TrainingConfig, 'loss' | 'huber_delta'>): LossFn {
  switch (config.loss) {
    case 'sparse_categorical_crossentropy':
      return sparseCategoricalCrossentropy;
    case 'categorical_crossentropy':
      return tf.metrics.categoricalCrossentropy;
    case 'binary_crossentropy':
      return tf.metrics.binaryCrossentropy;
    case 'mse':
      return tf.metrics.meanSquaredError;
    case 'mae':
      return tf.metrics.meanAbsoluteError;
    case 'huber':
      return huberLoss(config.huber_delta);
  }
}

/**
 * The accuracy that fits the loss, chosen as tfjs-layers chooses it for the string 'accuracy': binary for a single
 * output unit or binary cross-entropy, sparse for sparse labels, categorical otherwise.
 */
export function accuracyFunction(loss: LossName, outputUnits: number): LossFn {
  if (outputUnits === 1 || loss === 'binary_crossentropy') return tf.metrics.binaryAccuracy;
  if (loss === 'sparse_categorical_crossentropy') return tf.metrics.sparseCategoricalAccuracy;
  return tf.metrics.categoricalAccuracy;
}

export function metricFunction(metric: MetricName, loss: LossName, outputUnits: number): LossFn {
  if (metric === 'accuracy') return accuracyFunction(loss, outputUnits);
  return metric === 'mae' ? tf.metrics.meanAbsoluteError : tf.metrics.meanSquaredError;
}

/** The `metrics` argument of model.compile; tfjs resolves 'accuracy' by loss and output shape (logged as 'acc'). */
export function createMetrics(config: Pick<TrainingConfig, 'metrics'>): string[] {
  return config.metrics.map((m) => m);
}

/** Everything model.compile needs from the config. */
export function compileArgs(config: TrainingConfig): tf.ModelCompileArgs {
  return { optimizer: createOptimizer(config.optimizer), loss: createLoss(config), metrics: createMetrics(config) };
}
