import type { ActivationName } from './activations';
import {
  activationParam,
  filtersParam,
  initializerParam,
  pairParam,
  paddingParam,
  regularizerNulls,
  useBiasParam,
} from './common-params';
import { deconvOutputLength, IMAGE_HINT, knownChannels, requireRank, type Padding } from './conv-arithmetic';
import { defineLayer, single } from './define';
import type { InitializerName } from './initializers';

/** No dilation_rate: tfjs' conv2dTranspose op has none, so a dilated one would not load there. */
export type Conv2DTransposeConfig = {
  filters: number;
  kernel_size: [number, number];
  strides: [number, number];
  padding: Padding;
  activation: ActivationName;
  use_bias: boolean;
  kernel_initializer: InitializerName;
  bias_initializer: InitializerName;
};

export const Conv2DTranspose = defineLayer<Conv2DTransposeConfig, 'Conv2DTranspose'>({
  className: 'Conv2DTranspose',
  category: 'Convolution',
  description: 'Transposed 2-D convolution: upsamples by the stride.',
  params: [
    filtersParam,
    pairParam('kernel_size', 'Height and width of the convolution window.'),
    pairParam('strides', 'Upsampling factor along height and width.'),
    paddingParam,
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
    activation: 'linear',
    use_bias: true,
    kernel_initializer: 'glorot_uniform',
    bias_initializer: 'zeros',
  }),
  inferShape(c, inputShapes) {
    const input = single(inputShapes);
    requireRank(input, 4, 'Conv2DTranspose', IMAGE_HINT);
    return [
      input[0] ?? null,
      deconvOutputLength(input[1] ?? null, c.kernel_size[0], c.padding, c.strides[0]),
      deconvOutputLength(input[2] ?? null, c.kernel_size[1], c.padding, c.strides[1]),
      c.filters,
    ];
  },
  countParams(c, inputShapes) {
    const cin = knownChannels(single(inputShapes), 'Conv2DTranspose');
    const [kh, kw] = c.kernel_size;
    return { trainable: kh * kw * cin * c.filters + (c.use_bias ? c.filters : 0), nonTrainable: 0 };
  },
  kerasExtras: () => ({
    data_format: 'channels_last',
    dilation_rate: [1, 1],
    output_padding: null,
    ...regularizerNulls('kernel', 'bias'),
    activity_regularizer: null,
  }),
});
