import { defineLayer, single } from './define';

/** Only max_value: tfjs' ReLU has no negative_slope or threshold, so those are written as Keras' neutral 0. */
export type ReLUConfig = { max_value: number | null };

export const ReLU = defineLayer<ReLUConfig, 'ReLU'>({
  className: 'ReLU',
  category: 'Activation',
  description: 'Rectified linear unit, optionally capped at max_value (e.g. 6 for ReLU6).',
  params: [{ name: 'max_value', type: 'float', min: 0, nullable: true, description: 'Upper cap; empty for none.' }],
  defaults: () => ({ max_value: null }),
  inferShape: (_c, inputShapes) => [...single(inputShapes)],
  kerasExtras: () => ({ negative_slope: 0, threshold: 0 }),
});
