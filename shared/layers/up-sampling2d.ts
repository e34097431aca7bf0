import { pairParam } from './common-params';
import { IMAGE_HINT, requireRank } from './conv-arithmetic';
import { defineLayer, single } from './define';

export type UpSampling2DConfig = { size: [number, number]; interpolation: 'nearest' | 'bilinear' };

export const UpSampling2D = defineLayer<UpSampling2DConfig, 'UpSampling2D'>({
  className: 'UpSampling2D',
  category: 'Reshaping',
  description: 'Repeats rows and columns to enlarge an image.',
  params: [
    pairParam('size', 'Upsampling factors for height and width.'),
    { name: 'interpolation', type: 'enum', options: ['nearest', 'bilinear'], description: 'How new pixels are filled.' },
  ],
  defaults: () => ({ size: [2, 2], interpolation: 'nearest' }),
  inferShape(c, inputShapes) {
    const input = single(inputShapes);
    requireRank(input, 4, 'UpSampling2D', IMAGE_HINT);
    const h = input[1] ?? null;
    const w = input[2] ?? null;
    return [input[0] ?? null, h === null ? null : h * c.size[0], w === null ? null : w * c.size[1], input[3] ?? null];
  },
  kerasExtras: () => ({ data_format: 'channels_last' }),
});
