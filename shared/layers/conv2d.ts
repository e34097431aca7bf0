import type { ActivationName } from './activations';
import {
  activationParam,
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

export type Conv2DConfig = {
  filters: number;
  kernel_size: [number, number];
  strides: [number, number];
  padding: Padding;
  dilation_rate: [number, number];
  activation: ActivationName;
  use_bias: boolean;
  kernel_initializer: InitializerName;
  bias_initializer: InitializerName;
};

export const Conv2D = defineLayer<Conv2DConfig, 'Conv2D'>({
  className: 'Conv2D',
  category: 'Convolution',
  description: '2-D convolution over an image (channels last).',
  params: [
    filtersParam,
    pairParam('kernel_size', 'Height and width of the convolution window.'),
    pairParam('strides', 'Step of the window along height and width.'),
    paddingParam,
    pairParam('dilation_rate', 'Spacing between kernel taps (atrous convolution).'),
    activationParam,
    useBiasParam,
    initializerParam('kernel_initializer', 'Initializer of the kernel.'),
    initializerParam('bias_initializer', 'Initializer of the bias.'),
  ],
  defaults: () => ({
    filters: 32,
    kernel_size: [3, 3],
    strides: [1, 1],
    padding: 'valid',
    dilation_rate: [1, 1],
    activation: 'linear',
    use_bias: true,
    kernel_initializer: 'glorot_uniform',
    bias_initializer: 'zeros',
  }),
  check: (c) => stridesWithDilation(c.strides, c.dilation_rate),
  inferShape(c, inputShapes) {
    const input = single(inputShapes);
    requireRank(input, 4, 'Conv2D', IMAGE_HINT);
    return [...windowOutput(input, c.kernel_size, c.strides, c.padding, c.dilation_rate), c.filters];
  },
  countParams(c, inputShapes) {
    const cin = knownChannels(single(inputShapes), 'Conv2D');
    const [kh, kw] = c.kernel_size;
    return { trainable: kh * kw * cin * c.filters + (c.use_bias ? c.filters : 0), nonTrainable: 0 };
  },
  kerasExtras: () => ({
    data_format: 'channels_last',
    groups: 1,
    ...regularizerNulls('kernel', 'bias'),
    activity_regularizer: null,
  }),
});
