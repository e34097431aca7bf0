import type { ActivationName } from './activations';
import {
  activationParam,
  depthMultiplierParam,
  initializerParam,
  pairParam,
  paddingParam,
  regularizerNulls,
  useBiasParam,
} from './common-params';
import { IMAGE_HINT, knownChannels, requireRank, windowOutput, type Padding } from './conv-arithmetic';
import { defineLayer, single } from './define';
import type { InitializerName } from './initializers';

/** No dilation_rate: tfjs' DepthwiseConv2D ignores it, so a dilated one would differ there. */
export type DepthwiseConv2DConfig = {
  kernel_size: [number, number];
  strides: [number, number];
  padding: Padding;
  depth_multiplier: number;
  activation: ActivationName;
  use_bias: boolean;
  depthwise_initializer: InitializerName;
  bias_initializer: InitializerName;
};

export const DepthwiseConv2D = defineLayer<DepthwiseConv2DConfig, 'DepthwiseConv2D'>({
  className: 'DepthwiseConv2D',
  category: 'Convolution',
  description: 'Convolution of each input channel on its own (channels out = channels in x depth_multiplier).',
  params: [
    pairParam('kernel_size', 'Height and width of the window.'),
    pairParam('strides', 'Step of the window along height and width.'),
    paddingParam,
    depthMultiplierParam,
    activationParam,
    useBiasParam,
    initializerParam('depthwise_initializer', 'Initializer of the depthwise kernel.'),
    initializerParam('bias_initializer', 'Initializer of the bias.'),
  ],
  defaults: () => ({
    kernel_size: [3, 3],
    strides: [1, 1],
    padding: 'valid',
    depth_multiplier: 1,
    activation: 'linear',
    use_bias: true,
    depthwise_initializer: 'glorot_uniform',
    bias_initializer: 'zeros',
  }),
  inferShape(c, inputShapes) {
    const input = single(inputShapes);
    requireRank(input, 4, 'DepthwiseConv2D', IMAGE_HINT);
    const cin = input[3] ?? null;
    return [
      ...windowOutput(input, c.kernel_size, c.strides, c.padding),
      cin === null ? null : cin * c.depth_multiplier,
    ];
  },
  countParams(c, inputShapes) {
    const cin = knownChannels(single(inputShapes), 'DepthwiseConv2D');
    const [kh, kw] = c.kernel_size;
    const out = cin * c.depth_multiplier;
    return { trainable: kh * kw * out + (c.use_bias ? out : 0), nonTrainable: 0 };
  },
  kerasExtras: () => ({
    data_format: 'channels_last',
    dilation_rate: [1, 1],
    ...regularizerNulls('depthwise', 'bias'),
    activity_regularizer: null,
  }),
});
