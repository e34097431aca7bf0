import { defineLayer, single } from './define';
import type { ParamSpec } from './types';

export type DropoutConfig = { rate: number };

export const rateParam: ParamSpec = {
  name: 'rate',
  type: 'float',
  min: 0,
  max: 1,
  exclusiveMax: true,
  description: 'Fraction of the inputs to drop during training.',
};

export const Dropout = defineLayer<DropoutConfig, 'Dropout'>({
  className: 'Dropout',
  category: 'Regularization',
  description: 'Randomly zeroes a fraction of the inputs during training.',
  params: [rateParam],
  defaults: () => ({ rate: 0.5 }),
  inferShape: (_c, inputShapes) => [...single(inputShapes)],
  kerasExtras: () => ({ noise_shape: null, seed: null }),
});
