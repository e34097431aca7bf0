/**
 * tf optimizers from the config's Keras parameters, and the learning-rate access tfjs keeps protected.
 */
import * as tf from '@tensorflow/tfjs';
import type { OptimizerConfig } from '../../../shared/training';
import { FusedAdamOptimizer, FusedMomentumOptimizer } from './fused-optimizers';

export function createOptimizer(config: OptimizerConfig): tf.Optimizer {
  switch (config.name) {
    case 'sgd':
      // tf.train.sgd has no momentum; tf.train.momentum with 0 momentum would still allocate accumulators.
      return config.momentum > 0 || config.nesterov
        ? new FusedMomentumOptimizer(config.learning_rate, config.momentum, config.nesterov)
        : tf.train.sgd(config.learning_rate);
    case 'adam':
      return new FusedAdamOptimizer(config.learning_rate, config.beta_1, config.beta_2, config.epsilon);
    case 'rmsprop':
      return tf.train.rmsprop(config.learning_rate, config.rho, config.momentum, config.epsilon, config.centered);
    case 'adagrad':
      return tf.train.adagrad(config.learning_rate, config.initial_accumulator_value);
    case 'adadelta':
      return tf.train.adadelta(config.learning_rate, config.rho, config.epsilon);
    case 'adamax':
      return new CheckpointableAdamax(config.learning_rate, config.beta_1, config.beta_2, config.epsilon, 0);
  }
}

/** What Optimizer.getWeights() returns (tfjs-core's NamedTensor, which the tfjs bundle does not re-export). */
type NamedTensor = Awaited<ReturnType<tf.Optimizer['getWeights']>>[number];

interface OptimizerVariable {
  originalName: string;
  variable: tf.Variable;
}

/** The fields tfjs' Adamax keeps private; read and replaced here exactly as its Adam does with its own. */
interface AdamaxState {
  beta1: number;
  iteration: tf.Variable;
  accBeta1: tf.Variable;
  accumulatedFirstMoment: OptimizerVariable[];
  accumulatedWeightedInfNorm: OptimizerVariable[];
}

/**
 * tfjs 4.22's Adamax throws from getWeights()/setWeights() ("not implemented for Adamax yet"), so a run could not
 * checkpoint (it crashed after epoch 1) nor resume. These follow its Adam's: the iteration count, then every first
 * moment, then every weighted infinity norm; the bias-correction power and the decay counter follow from the count.
 */
export class CheckpointableAdamax extends tf.AdamaxOptimizer {
  private get state(): AdamaxState {
    return this as unknown as AdamaxState;
  }

  override async getWeights(): Promise<NamedTensor[]> {
    const s = this.state;
    const variables = [...s.accumulatedFirstMoment, ...s.accumulatedWeightedInfNorm];
    return [await this.saveIterations(), ...variables.map((v) => ({ name: v.originalName, tensor: v.variable }))];
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const values = await this.extractIterations(weightValues);
    const s = this.state;
    const steps = this.iterations;
    tf.tidy(() => {
      s.iteration.assign(tf.scalar(steps));
      s.accBeta1.assign(tf.pow(s.beta1, steps + 1));
    });
    tf.dispose([...s.accumulatedFirstMoment, ...s.accumulatedWeightedInfNorm].map((v) => v.variable));
    const half = values.length / 2;
    const toVariable = (v: NamedTensor): OptimizerVariable => ({ originalName: v.name, variable: v.tensor.variable(false) });
    s.accumulatedFirstMoment = values.slice(0, half).map(toVariable);
    s.accumulatedWeightedInfNorm = values.slice(half).map(toVariable);
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
