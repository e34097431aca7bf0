import { featureAxisSize, firstAxis } from './batch-normalization';
import { regularizerNulls } from './common-params';
import { canonicalAxis, defineLayer, single } from './define';

export type LayerNormalizationConfig = { axis: number; epsilon: number; center: boolean; scale: boolean };

export const LayerNormalization = defineLayer<LayerNormalizationConfig, 'LayerNormalization'>({
  className: 'LayerNormalization',
  category: 'Normalization',
  description: 'Normalises each sample over its feature axis (no batch statistics).',
  params: [
    { name: 'axis', type: 'int', description: 'The axis to normalise (-1: last).' },
    { name: 'epsilon', type: 'float', min: 0, exclusiveMin: true, description: 'Added to the variance to avoid dividing by zero.' },
    { name: 'center', type: 'bool', description: 'Learn an offset (beta).' },
    { name: 'scale', type: 'bool', description: 'Learn a factor (gamma).' },
  ],
  defaults: () => ({ axis: -1, epsilon: 0.001, center: true, scale: true }),
  inferShape(c, inputShapes) {
    const input = single(inputShapes);
    featureAxisSize(input, c.axis, 'LayerNormalization');
    return [...input];
  },
  countParams(c, inputShapes) {
    const n = featureAxisSize(single(inputShapes), c.axis, 'LayerNormalization');
    return { trainable: n * (Number(c.center) + Number(c.scale)), nonTrainable: 0 };
  },
  kerasExtras: () => ({
    beta_initializer: { class_name: 'Zeros', config: {} },
    gamma_initializer: { class_name: 'Ones', config: {} },
    ...regularizerNulls('beta', 'gamma'),
  }),
  canonicalConfig: canonicalAxis,
  fromKeras: (keras, read) => ({ ...read, axis: (firstAxis(keras['axis']) ?? read.axis) as number }),
});
