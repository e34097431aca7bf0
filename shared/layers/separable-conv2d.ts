import type { ActivationName } from './activations';
import {
  activationParam,
  depthMultiplierParam,
  filtersParam,
  initializerParam,
  pairParam,
  paddingParam,
  regularizerNulls,
  stridesWithDilation,
  useBiasParam,
} from './common-params';
import { IMAGE_HINT, knownChannels, requireRank, windowOutput, type Padding } from './conv-arithmetic';
import { defineLayer, single } from './define';
import type { InitializerName } from './initializers';

export type SeparableConv2DConfig = {
  filters: number;
  kernel_size: [number, number];
  strides: [number, number];
  padding: Padding;
  dilation_rate: [number, number];
  depth_multiplier: number;
  activation: ActivationName;
  use_bias: boolean;
  depthwise_initializer: InitializerName;
  pointwise_initializer: InitializerName;
  bias_initializer: InitializerName;
};

export const SeparableConv2D = defineLayer<SeparableConv2DConfig, 'SeparableConv2D'>({
  className: 'SeparableConv2D',
  category: 'Convolution',
  description: 'Depthwise convolution per channel, then a 1x1 convolution mixing channels.',
  params: [
    filtersParam,
    pairParam('kernel_size', 'Height and width of the depthwise window.'),
    pairParam('strides', 'Step of the window along height and width.'),
    paddingParam,
    pairParam('dilation_rate', 'Spacing between kernel taps (atrous convolution).'),
    depthMultiplierParam,
    activationParam,
    useBiasParam,
    initializerParam('depthwise_initializer', 'Initializer of the depthwise kernel.'),
    initializerParam('pointwise_initializer', 'Initializer of the pointwise kernel.'),
    initializerParam('bias_initializer', 'Initializer of the bias.'),
  ],
  defaults: () => ({
    filters: 32,
    kernel_size: [3, 3],
    strides: [1, 1],
    padding: 'valid',
    dilation_rate: [1, 1],
    depth_multiplier: 1,
    activation: 'linear',
    use_bias: true,
    depthwise_initializer: 'glorot_uniform',
    pointwise_initializer: 'glorot_uniform',
    bias_initializer: 'zeros',
  }),
  check: (c) => stridesWithDilation(c.strides, c.dilation_rate),
  inferShape(c, inputShapes) {
    const input = single(inputShapes);
    requireRank(input, 4, 'SeparableConv2D', IMAGE_HINT);
    return [...windowOutput(input, c.kernel_size, c.strides, c.padding, c.dilation_rate), c.filters];
  },
  countParams(c, inputShapes) {
    const cin = knownChannels(single(inputShapes), 'SeparableConv2D');
    const [kh, kw] = c.kernel_size;
    const depthwise = kh * kw * cin * c.depth_multiplier;
    const pointwise = cin * c.depth_multiplier * c.filters;
    return { trainable: depthwise + pointwise + (c.use_bias ? c.filters : 0), nonTrainable: 0 };
  },
  kerasExtras: () => ({
    data_format: 'channels_last',
    ...regularizerNulls('depthwise', 'pointwise', 'bias'),
    activity_regularizer: null,
  }),
});
