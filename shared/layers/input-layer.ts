import { showShape } from './conv-arithmetic';
import { defineLayer } from './define';
import { ShapeError, type Shape } from './types';

export type InputLayerConfig = {
  /** Full shape with the batch axis first, normally null: [null, 28, 28, 1]. */
  batch_input_shape: Shape;
  dtype: 'float32';
};

export const InputLayer = defineLayer<InputLayerConfig, 'InputLayer'>({
  className: 'InputLayer',
  category: 'Input',
  description: 'The model input: the shape of one batch of samples.',
  inputs: { min: 0, max: 0 },
  params: [
    { name: 'batch_input_shape', type: 'shape', description: 'Input shape with the batch axis first (null = any batch size).' },
    { name: 'dtype', type: 'enum', description: 'Element type of the input.', options: ['float32'] },
  ],
  defaults: () => ({ batch_input_shape: [null, 28, 28, 1], dtype: 'float32' }),
  check(config) {
    if (config.batch_input_shape.length < 2) {
      return [
        {
          field: 'batch_input_shape',
          message:
            `expected the batch axis plus at least one sample axis, e.g. (None, 784). ` +
            `Received: batch_input_shape=${showShape(config.batch_input_shape)}`,
        },
      ];
    }
    return [];
  },
  inferShape(config) {
    if (config.batch_input_shape.length < 2) {
      throw new ShapeError(`InputLayer needs a shape with at least one sample axis, got ${showShape(config.batch_input_shape)}.`);
    }
    return [...config.batch_input_shape];
  },
  kerasExtras: () => ({ sparse: false }),
  fromKeras(keras, input) {
    let read = input;
    // Keras 3 writes batch_shape; a Keras 2 InputLayer may carry only input_shape (without the batch axis).
    // Token-id inputs are often declared int32/int64 (keras.Input(dtype='int64') before an Embedding); the engine
    // feeds ids as float32 (exact below 2^24) and Embedding casts them, so they read as float32.
    if (typeof keras['dtype'] === 'string' && /^u?int(8|16|32|64)$/.test(keras['dtype'])) read = { ...read, dtype: 'float32' };
    const batchShape = keras['batch_input_shape'] ?? keras['batch_shape'];
    if (Array.isArray(batchShape)) return { ...read, batch_input_shape: [...batchShape] as Shape };
    if (Array.isArray(keras['input_shape'])) return { ...read, batch_input_shape: [null, ...(keras['input_shape'] as Shape)] };
    return read;
  },
});
