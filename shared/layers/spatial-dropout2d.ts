import { IMAGE_HINT, requireRank } from './conv-arithmetic';
import { defineLayer, single } from './define';
import { rateParam } from './dropout';

export type SpatialDropout2DConfig = { rate: number };

/** tfjs-layers 4.22 has no SpatialDropout2D class: main/engine/layers registers one for modelFromJSON. */
export const SpatialDropout2D = defineLayer<SpatialDropout2DConfig, 'SpatialDropout2D'>({
  className: 'SpatialDropout2D',
  category: 'Regularization',
  description: 'Drops whole feature maps (channels) during training.',
  params: [rateParam],
  defaults: () => ({ rate: 0.5 }),
  inferShape(_c, inputShapes) {
    const input = single(inputShapes);
    requireRank(input, 4, 'SpatialDropout2D', IMAGE_HINT);
    return [...input];
  },
  kerasExtras: () => ({ data_format: 'channels_last', seed: null }),
});
