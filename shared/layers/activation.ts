import type { ActivationName } from './activations';
import { activationParam } from './common-params';
import { defineLayer, single } from './define';

export type ActivationConfig = { activation: ActivationName };

export const Activation = defineLayer<ActivationConfig, 'Activation'>({
  className: 'Activation',
  category: 'Activation',
  description: 'Applies an activation function element-wise.',
  params: [activationParam],
  defaults: () => ({ activation: 'relu' }),
  inferShape: (_c, inputShapes) => [...single(inputShapes)],
});
