import { regularizerNulls } from './common-params';
import { showShape } from './conv-arithmetic';
import { canonicalAxis, defineLayer, single } from './define';
import { ShapeError, type Shape } from './types';

export type BatchNormalizationConfig = {
  axis: number;
  momentum: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
};

/** The size of the normalised axis (negative axes count from the end); it sizes the weights, so it must be known. */
export function featureAxisSize(input: Shape, axis: number, what: string): number {
  const index = axis < 0 ? input.length + axis : axis;
  if (index <= 0 || index >= input.length) {
    throw new ShapeError(
      `${what} axis=${axis} is outside the sample axes of input ${showShape(input)}; use -1 (the last axis) ` +
        `or a value from 1 to ${input.length - 1}.`,
    );
  }
  const size = input[index];
  if (size === null || size === undefined) {
    throw new ShapeError(`${what} needs a known size on axis ${axis}, got ${showShape(input)}.`);
  }
  return size;
}

export function firstAxis(value: unknown): unknown {
  // tf.keras 2 writes axis as a list ([3]); tfjs takes a single int.
  return Array.isArray(value) && value.length === 1 ? value[0] : value;
}

export const BatchNormalization = defineLayer<BatchNormalizationConfig, 'BatchNormalization'>({
  className: 'BatchNormalization',
  category: 'Normalization',
  description: 'Normalises each feature with batch statistics; keeps running mean and variance for inference.',
  params: [
    { name: 'axis', type: 'int', description: 'The feature axis (-1: last, the channels).' },
    { name: 'momentum', type: 'float', min: 0, max: 1, description: 'Momentum of the running mean and variance.' },
    { name: 'epsilon', type: 'float', min: 0, exclusiveMin: true, description: 'Added to the variance to avoid dividing by zero.' },
    { name: 'center', type: 'bool', description: 'Learn an offset (beta).' },
    { name: 'scale', type: 'bool', description: 'Learn a factor (gamma).' },
  ],
  defaults: () => ({ axis: -1, momentum: 0.99, epsilon: 0.001, center: true, scale: true }),
  inferShape(c, inputShapes) {
    const input = single(inputShapes);
    featureAxisSize(input, c.axis, 'BatchNormalization');
    return [...input];
  },
  countParams(c, inputShapes) {
    const n = featureAxisSize(single(inputShapes), c.axis, 'BatchNormalization');
    return { trainable: n * (Number(c.center) + Number(c.scale)), nonTrainable: 2 * n };
  },
  kerasExtras: () => ({
    beta_initializer: { class_name: 'Zeros', config: {} },
    gamma_initializer: { class_name: 'Ones', config: {} },
    moving_mean_initializer: { class_name: 'Zeros', config: {} },
    moving_variance_initializer: { class_name: 'Ones', config: {} },
    ...regularizerNulls('beta', 'gamma'),
  }),
  canonicalConfig: canonicalAxis,
  fromKeras: (keras, read) => ({ ...read, axis: (firstAxis(keras['axis']) ?? read.axis) as number }),
});
