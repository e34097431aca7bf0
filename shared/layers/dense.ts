import type { ActivationName } from './activations';
import { activationParam, initializerParam, regularizerNulls, useBiasParam } from './common-params';
import { showShape } from './conv-arithmetic';
import { defineLayer, single } from './define';
import type { InitializerName } from './initializers';
import { ShapeError } from './types';

export type DenseConfig = {
  units: number;
  activation: ActivationName;
  use_bias: boolean;
  kernel_initializer: InitializerName;
  bias_initializer: InitializerName;
};

export const Dense = defineLayer<DenseConfig, 'Dense'>({
  className: 'Dense',
  category: 'Core',
  description: 'Fully connected layer; on N-D inputs it acts on the last axis.',
  params: [
    { name: 'units', type: 'int', min: 1, description: 'Number of output units.' },
    activationParam,
    useBiasParam,
    initializerParam('kernel_initializer', 'Initializer of the weight matrix.'),
    initializerParam('bias_initializer', 'Initializer of the bias.'),
  ],
  defaults: () => ({
    units: 32,
    activation: 'linear',
    use_bias: true,
    kernel_initializer: 'glorot_uniform',
    bias_initializer: 'zeros',
  }),
  inferShape(config, inputShapes) {
    const input = single(inputShapes);
    if (input.length < 2) throw new ShapeError(`Dense expects an input with at least 2 axes, got ${showShape(input)}.`);
    if (input[input.length - 1] === null) {
      throw new ShapeError(
        `Dense needs a known last dimension, got ${showShape(input)}. Give the Input a fixed size or Flatten a fixed shape.`,
      );
    }
    return [...input.slice(0, -1), config.units];
  },
  countParams(config, inputShapes) {
    const input = single(inputShapes);
    const last = input[input.length - 1] ?? 0;
    return { trainable: last * config.units + (config.use_bias ? config.units : 0), nonTrainable: 0 };
  },
  kerasExtras: () => ({ ...regularizerNulls('kernel', 'bias'), activity_regularizer: null }),
});
