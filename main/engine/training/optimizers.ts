/**
 * tf optimizers from the config's Keras parameters, and the learning-rate access tfjs keeps protected.
 */
import * as tf from '@tensorflow/tfjs';
import type { OptimizerConfig } from '../../../shared/training';

export function createOptimizer(config: OptimizerConfig): tf.Optimizer {
  switch (config.name) {
    case 'sgd':
      // tf.train.sgd has no momentum; tf.train.momentum with 0 momentum would still allocate accumulators.
      return config.momentum > 0 || config.nesterov
        ? tf.train.momentum(config.learning_rate, config.momentum, config.nesterov)
        : tf.train.sgd(config.learning_rate);
    case 'adam':
      return tf.train.adam(config.learning_rate, config.beta_1, config.beta_2, config.epsilon);
    case 'rmsprop':
      return tf.train.rmsprop(config.learning_rate, config.rho, config.momentum, config.epsilon, config.centered);
    case 'adagrad':
      return tf.train.adagrad(config.learning_rate, config.initial_accumulator_value);
    case 'adadelta':
      return tf.train.adadelta(config.learning_rate, config.rho, config.epsilon);
    case 'adamax':
      return tf.train.adamax(config.learning_rate, config.beta_1, config.beta_2, config.epsilon, 0);
  }
}

/** Every tfjs optimizer stores its rate in a protected `learningRate` field that it reads at each step. */
interface WithLearningRate {
  learningRate: number;
  setLearningRate?: (lr: number) => void;
}

export function getLearningRate(optimizer: tf.Optimizer): number {
  const lr = (optimizer as unknown as WithLearningRate).learningRate;
  if (typeof lr !== 'number') {
    throw new Error(`optimizer ${optimizer.getClassName()} has no numeric learning rate: build it with createOptimizer()`);
  }
  return lr;
}

export function setLearningRate(optimizer: tf.Optimizer, lr: number): void {
  if (!(lr > 0) || !Number.isFinite(lr)) throw new Error(`learning rate must be a finite number > 0, got ${lr}`);
  const o = optimizer as unknown as WithLearningRate;
  // SGD and Momentum cache -lr in a scalar tensor; only setLearningRate refreshes it.
  if (typeof o.setLearningRate === 'function') o.setLearningRate(lr);
  else o.learningRate = lr;
}
