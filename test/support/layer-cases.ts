import type { Shape } from '../../shared/layers/types';

/**
 * Configurations worth checking for every layer kind: each with the input shapes it is applied to. Shared by the
 * unit tests (round trips, shape sweeps) and the tfjs agreement test, so both cover the same ground.
 */
export interface LayerCase {
  kind: string;
  config: Record<string, unknown>;
  inputs: Shape[];
}

const img = (h: number, w: number, c: number): Shape => [null, h, w, c];

export const layerCases: LayerCase[] = [
  { kind: 'InputLayer', config: { batch_input_shape: [null, 784] }, inputs: [] },
  { kind: 'InputLayer', config: { batch_input_shape: [null, 28, 28, 1] }, inputs: [] },
  { kind: 'Dense', config: { units: 64, activation: 'relu' }, inputs: [[null, 784]] },
  { kind: 'Dense', config: { units: 10, activation: 'softmax', use_bias: false }, inputs: [[null, 64]] },
  { kind: 'Dense', config: { units: 7, activation: 'gelu' }, inputs: [img(5, 5, 3)] },
  { kind: 'Dense', config: { units: 3, activation: 'swish', kernel_initializer: 'he_normal' }, inputs: [[null, 4, 6]] },
  { kind: 'Conv2D', config: { filters: 32, kernel_size: [3, 3], activation: 'relu' }, inputs: [img(28, 28, 1)] },
  { kind: 'Conv2D', config: { filters: 8, kernel_size: [3, 5], strides: [2, 2], padding: 'same' }, inputs: [img(28, 28, 3)] },
  { kind: 'Conv2D', config: { filters: 4, kernel_size: [5, 3], strides: [2, 3], padding: 'valid', use_bias: false }, inputs: [img(17, 19, 2)] },
  { kind: 'Conv2D', config: { filters: 6, kernel_size: [3, 3], dilation_rate: [2, 2], padding: 'valid' }, inputs: [img(16, 16, 3)] },
  { kind: 'Conv2D', config: { filters: 6, kernel_size: [3, 3], dilation_rate: [2, 3], padding: 'same' }, inputs: [img(15, 16, 3)] },
  { kind: 'Conv2D', config: { filters: 5, kernel_size: [1, 1], strides: [3, 3], padding: 'same' }, inputs: [img(10, 11, 4)] },
  { kind: 'SeparableConv2D', config: { filters: 16, kernel_size: [3, 3], depth_multiplier: 2 }, inputs: [img(12, 12, 3)] },
  { kind: 'SeparableConv2D', config: { filters: 8, kernel_size: [5, 3], strides: [2, 2], padding: 'same' }, inputs: [img(13, 14, 4)] },
  { kind: 'SeparableConv2D', config: { filters: 4, kernel_size: [3, 3], dilation_rate: [2, 2], use_bias: false }, inputs: [img(12, 12, 2)] },
  { kind: 'DepthwiseConv2D', config: { kernel_size: [3, 3], depth_multiplier: 3 }, inputs: [img(10, 10, 4)] },
  { kind: 'DepthwiseConv2D', config: { kernel_size: [3, 5], strides: [2, 2], padding: 'same', use_bias: false }, inputs: [img(11, 12, 2)] },
  { kind: 'DepthwiseConv2D', config: { kernel_size: [2, 2], padding: 'same' }, inputs: [img(12, 12, 3)] },
  { kind: 'Conv2DTranspose', config: { filters: 8, kernel_size: [3, 3], strides: [2, 2], padding: 'same' }, inputs: [img(7, 7, 16)] },
  { kind: 'Conv2DTranspose', config: { filters: 3, kernel_size: [4, 3], strides: [2, 3], padding: 'valid' }, inputs: [img(5, 6, 2)] },
  { kind: 'Conv2DTranspose', config: { filters: 2, kernel_size: [2, 2], strides: [3, 3], padding: 'valid', use_bias: false }, inputs: [img(4, 4, 2)] },
  { kind: 'MaxPooling2D', config: { pool_size: [2, 2] }, inputs: [img(26, 26, 32)] },
  { kind: 'MaxPooling2D', config: { pool_size: [3, 3], strides: [2, 2], padding: 'same' }, inputs: [img(15, 16, 3)] },
  { kind: 'MaxPooling2D', config: { pool_size: [2, 3], strides: [1, 2], padding: 'valid' }, inputs: [img(9, 10, 2)] },
  { kind: 'AveragePooling2D', config: { pool_size: [2, 2] }, inputs: [img(9, 9, 4)] },
  { kind: 'AveragePooling2D', config: { pool_size: [3, 2], strides: [3, 1], padding: 'same' }, inputs: [img(10, 7, 2)] },
  { kind: 'GlobalAveragePooling2D', config: {}, inputs: [img(8, 8, 16)] },
  { kind: 'GlobalMaxPooling2D', config: {}, inputs: [img(7, 5, 3)] },
  { kind: 'Flatten', config: {}, inputs: [img(5, 5, 64)] },
  { kind: 'Flatten', config: {}, inputs: [[null, 3, 4]] },
  { kind: 'Dropout', config: { rate: 0.25 }, inputs: [img(4, 4, 2)] },
  { kind: 'Dropout', config: { rate: 0 }, inputs: [[null, 10]] },
  { kind: 'SpatialDropout2D', config: { rate: 0.2 }, inputs: [img(6, 6, 4)] },
  { kind: 'BatchNormalization', config: {}, inputs: [img(6, 6, 8)] },
  { kind: 'BatchNormalization', config: { center: false, momentum: 0.9, epsilon: 0.01 }, inputs: [[null, 12]] },
  { kind: 'BatchNormalization', config: { scale: false, axis: 1 }, inputs: [[null, 5, 3]] },
  { kind: 'LayerNormalization', config: {}, inputs: [[null, 12]] },
  { kind: 'LayerNormalization', config: { center: false, epsilon: 1e-5 }, inputs: [img(4, 4, 6)] },
  { kind: 'Activation', config: { activation: 'relu' }, inputs: [[null, 5]] },
  { kind: 'Activation', config: { activation: 'softmax' }, inputs: [[null, 10]] },
  { kind: 'Activation', config: { activation: 'gelu' }, inputs: [img(3, 3, 2)] },
  { kind: 'Activation', config: { activation: 'selu' }, inputs: [[null, 3]] },
  { kind: 'ReLU', config: {}, inputs: [[null, 5]] },
  { kind: 'ReLU', config: { max_value: 6 }, inputs: [img(3, 3, 2)] },
  { kind: 'LeakyReLU', config: { alpha: 0.1 }, inputs: [[null, 5]] },
  { kind: 'Reshape', config: { target_shape: [28, 28, 1] }, inputs: [[null, 784]] },
  { kind: 'Reshape', config: { target_shape: [-1, 4] }, inputs: [img(4, 4, 2)] },
  { kind: 'Reshape', config: { target_shape: [2, 3, -1] }, inputs: [[null, 24]] },
  { kind: 'ZeroPadding2D', config: {}, inputs: [img(5, 5, 3)] },
  { kind: 'ZeroPadding2D', config: { padding: [[0, 2], [3, 1]] }, inputs: [img(4, 6, 2)] },
  { kind: 'UpSampling2D', config: {}, inputs: [img(4, 4, 3)] },
  { kind: 'UpSampling2D', config: { size: [3, 2], interpolation: 'bilinear' }, inputs: [img(4, 5, 2)] },
  { kind: 'Add', config: {}, inputs: [img(4, 4, 8), img(4, 4, 8)] },
  { kind: 'Add', config: {}, inputs: [[null, 6], [null, 6], [null, 6]] },
  { kind: 'Multiply', config: {}, inputs: [[null, 10], [null, 10]] },
  { kind: 'Average', config: {}, inputs: [img(3, 3, 2), img(3, 3, 2)] },
  { kind: 'Subtract', config: {}, inputs: [img(4, 4, 8), img(4, 4, 8)] },
  { kind: 'Maximum', config: {}, inputs: [[null, 6], [null, 6], [null, 6]] },
  { kind: 'Minimum', config: {}, inputs: [img(3, 3, 2), img(3, 3, 2)] },
  { kind: 'ELU', config: {}, inputs: [[null, 5]] },
  { kind: 'ELU', config: { alpha: 1 }, inputs: [img(3, 3, 2)] },
  { kind: 'Softmax', config: {}, inputs: [[null, 10]] },
  { kind: 'Softmax', config: { axis: -1 }, inputs: [[null, 4, 6]] },
  { kind: 'Cropping2D', config: {}, inputs: [img(6, 6, 3)] },
  { kind: 'Cropping2D', config: { cropping: [[0, 2], [3, 1]] }, inputs: [img(8, 9, 2)] },
  { kind: 'Concatenate', config: {}, inputs: [img(8, 8, 16), img(8, 8, 32)] },
  { kind: 'Concatenate', config: { axis: 1 }, inputs: [[null, 3, 5], [null, 4, 5]] },
  { kind: 'Concatenate', config: { axis: 2 }, inputs: [img(4, 3, 2), img(4, 5, 2), img(4, 1, 2)] },
];
