import type { ActivationName } from './activations';
import { filtersParam, kernelTailDefaults, kernelTailParams, regularizerNulls, stridesWithDilation } from './common-params';
import { convOutputLength } from './conv-arithmetic';
import { defineLayer, single } from './define';
import type { InitializerName } from './initializers';
import { intParam1, knownFeatures, requireSequence } from './sequence-arithmetic';

export type Conv1DPadding = 'valid' | 'same' | 'causal';

export type Conv1DConfig = {
  filters: number;
  kernel_size: [number];
  strides: [number];
  padding: Conv1DPadding;
  dilation_rate: [number];
  activation: ActivationName;
  use_bias: boolean;
  kernel_initializer: InitializerName;
  bias_initializer: InitializerName;
};

export const Conv1D = defineLayer<Conv1DConfig, 'Conv1D'>({
  className: 'Conv1D',
  category: 'Sequence',
  description: '1-D convolution along the timesteps of a sequence [batch, T, features].',
  params: [
    filtersParam,
    intParam1('kernel_size', 'Length of the convolution window.'),
    intParam1('strides', 'Step of the window along the timesteps.'),
    {
      name: 'padding',
      type: 'enum',
      description: "'valid': no padding; 'same': output = ceil(T / stride); 'causal': pad on the left only, so step t sees no later step.",
      options: ['valid', 'same', 'causal'],
    },
    intParam1('dilation_rate', 'Spacing between kernel taps.'),
    ...kernelTailParams,
  ],
  defaults: () => ({
    filters: 32,
    kernel_size: [3],
    strides: [1],
    padding: 'valid',
    dilation_rate: [1],
    ...kernelTailDefaults(),
  }),
  check: (c) => stridesWithDilation(c.strides, c.dilation_rate),
  inferShape(c, inputShapes) {
    const input = single(inputShapes);
    requireSequence(input, 'Conv1D');
    // Causal pads dilation * (kernel - 1) on the left: the length comes out as with 'same'.
    const padding = c.padding === 'causal' ? 'same' : c.padding;
    return [input[0] ?? null, convOutputLength(input[1] ?? null, c.kernel_size[0], padding, c.strides[0], c.dilation_rate[0]), c.filters];
  },
  countParams(c, inputShapes) {
    const d = knownFeatures(single(inputShapes), 'Conv1D');
    return { trainable: c.kernel_size[0] * d * c.filters + (c.use_bias ? c.filters : 0), nonTrainable: 0 };
  },
  kerasExtras: () => ({ data_format: 'channels_last', groups: 1, ...regularizerNulls('kernel', 'bias'), activity_regularizer: null }),
});
