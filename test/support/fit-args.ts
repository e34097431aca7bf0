/**
 * For tests and benchmarks that drive model.fit() with the engine's callbacks themselves (a run has its own loop,
 * engine/train.ts): the fit arguments that come straight from a TrainingConfig, and the validation split done up
 * front so the training callbacks (not fit) evaluate it: one predict pass then serves val metrics and the confusion
 * matrix.
 */
import * as tf from '@tensorflow/tfjs';
import type { TrainingConfig } from '../../shared/training';

export type ConfigFitArgs = Pick<tf.ModelFitArgs, 'batchSize' | 'epochs' | 'shuffle' | 'classWeight' | 'validationSplit'>;

/**
 * batchSize, epochs, shuffle, classWeight, and validationSplit for a 'split' validation. When the validation data
 * goes to createTrainingCallbacks instead (recommended), split it with splitForValidation and drop validationSplit.
 */
export function fitArgsFromConfig(config: TrainingConfig): ConfigFitArgs {
  const args: ConfigFitArgs = { batchSize: config.batch_size, epochs: config.epochs, shuffle: config.shuffle };
  if (config.class_weight) {
    args.classWeight = Object.fromEntries(Object.entries(config.class_weight).map(([k, v]) => [Number(k), v]));
  }
  if (config.validation.kind === 'split') args.validationSplit = config.validation.fraction;
  return args;
}

/**
 * Holds out the last `fraction` of the samples, exactly as fit({ validationSplit }) would (before shuffling).
 * The caller disposes the four tensors.
 */
export function splitForValidation(x: tf.Tensor, y: tf.Tensor, fraction: number): { train: { x: tf.Tensor; y: tf.Tensor }; validation: { x: tf.Tensor; y: tf.Tensor } } {
  const n = x.shape[0] ?? 0;
  const at = Math.floor(n * (1 - fraction));
  if (at <= 0 || at >= n) {
    throw new Error(`validation fraction ${fraction} of ${n} samples leaves ${at} for training and ${n - at} for validation: use more data or a fraction between 0.05 and 0.5`);
  }
  return {
    train: { x: tf.slice(x, 0, at), y: tf.slice(y, 0, at) },
    validation: { x: tf.slice(x, at), y: tf.slice(y, at) },
  };
}
