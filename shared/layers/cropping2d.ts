import { IMAGE_HINT, requireRank, showShape } from './conv-arithmetic';
import { defineLayer, single } from './define';
import { ShapeError } from './types';

export type Cropping2DConfig = { cropping: [[number, number], [number, number]] };

export const Cropping2D = defineLayer<Cropping2DConfig, 'Cropping2D'>({
  className: 'Cropping2D',
  category: 'Reshaping',
  description: 'Cuts rows and columns off the edges of an image (U-Net skip connections).',
  params: [
    { name: 'cropping', type: 'intPairs', length: 2, min: 0, description: '[[top, bottom], [left, right]] rows/columns to remove.' },
  ],
  defaults: () => ({ cropping: [[1, 1], [1, 1]] }),
  inferShape(c, inputShapes) {
    const input = single(inputShapes);
    requireRank(input, 4, 'Cropping2D', IMAGE_HINT);
    const [[top, bottom], [left, right]] = c.cropping;
    const h = input[1] ?? null;
    const w = input[2] ?? null;
    const out = [input[0] ?? null, h === null ? null : h - top - bottom, w === null ? null : w - left - right, input[3] ?? null];
    if ((out[1] !== null && out[1] <= 0) || (out[2] !== null && out[2] <= 0)) {
      throw new ShapeError(`Cropping2D cropping=${JSON.stringify(c.cropping)} removes the whole of ${showShape(input)}; crop fewer rows/columns.`);
    }
    return out;
  },
  kerasExtras: () => ({ data_format: 'channels_last' }),
});
