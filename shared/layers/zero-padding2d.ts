import { IMAGE_HINT, requireRank } from './conv-arithmetic';
import { defineLayer, single } from './define';

export type ZeroPadding2DConfig = { padding: [[number, number], [number, number]] };

export const ZeroPadding2D = defineLayer<ZeroPadding2DConfig, 'ZeroPadding2D'>({
  className: 'ZeroPadding2D',
  category: 'Reshaping',
  description: 'Adds rows and columns of zeros around an image.',
  params: [
    { name: 'padding', type: 'intPairs', length: 2, min: 0, description: '[[top, bottom], [left, right]] rows/columns of zeros.' },
  ],
  defaults: () => ({ padding: [[1, 1], [1, 1]] }),
  inferShape(c, inputShapes) {
    const input = single(inputShapes);
    requireRank(input, 4, 'ZeroPadding2D', IMAGE_HINT);
    const [[top, bottom], [left, right]] = c.padding;
    const h = input[1] ?? null;
    const w = input[2] ?? null;
    return [input[0] ?? null, h === null ? null : h + top + bottom, w === null ? null : w + left + right, input[3] ?? null];
  },
  kerasExtras: () => ({ data_format: 'channels_last' }),
});
