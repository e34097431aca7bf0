import { showShape } from './conv-arithmetic';
import { defineLayer, single } from './define';
import { ShapeError } from './types';

export type FlattenConfig = Record<string, never>;

export const Flatten = defineLayer<FlattenConfig, 'Flatten'>({
  className: 'Flatten',
  category: 'Reshaping',
  description: 'Flattens each sample to one axis, e.g. [null, 5, 5, 64] to [null, 1600].',
  params: [],
  defaults: () => ({}),
  inferShape(_c, inputShapes) {
    const input = single(inputShapes);
    // tfjs (unlike Keras) refuses 2-D inputs; such a Flatten would do nothing anyway.
    if (input.length < 3) {
      throw new ShapeError(`Flatten expects an input with 2 or more sample axes, got ${showShape(input)}, which is already flat; remove the Flatten.`);
    }
    const rest = input.slice(1);
    const size = rest.some((d) => d === null) ? null : rest.reduce<number>((a, d) => a * (d as number), 1);
    return [input[0] ?? null, size];
  },
  kerasExtras: () => ({ data_format: 'channels_last' }),
});
