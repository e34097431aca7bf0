import { showShape } from './conv-arithmetic';
import { defineLayer, single } from './define';
import { ShapeError, type LayerKind, type Shape } from './types';

export type ReshapeConfig = { target_shape: number[] };

function product(dims: readonly number[]): number {
  return dims.reduce((a, d) => a * d, 1);
}

export const Reshape: LayerKind<ReshapeConfig, 'Reshape'> = defineLayer<ReshapeConfig, 'Reshape'>({
  className: 'Reshape',
  category: 'Reshaping',
  description: 'Reshapes each sample; one axis may be -1 (inferred).',
  params: [
    { name: 'target_shape', type: 'shape', allowInfer: true, description: 'New sample shape without the batch axis, e.g. [28, 28, 1].' },
  ],
  defaults: () => ({ target_shape: [28, 28, 1] }),
  exportConfig(c, inputShapes) {
    if (!c.target_shape.includes(-1)) return c;
    const out = Reshape.inferShape(c, inputShapes).slice(1);
    return out.every((d): d is number => d !== null) ? { target_shape: out } : c;
  },
  inferShape(c, inputShapes) {
    const input = single(inputShapes);
    const rest = input.slice(1);
    const target = c.target_shape;
    if (rest.some((d) => d === null)) {
      return [input[0] ?? null, ...target.map((d) => (d === -1 ? null : d))];
    }
    const size = product(rest as number[]);
    const known = product(target.filter((d) => d !== -1));
    const inferred = target.indexOf(-1);
    if (inferred >= 0) {
      if (size % known !== 0) {
        throw new ShapeError(
          `Reshape cannot fit ${size} values (input ${showShape(input)}) into target_shape ${showShape(target)}: ` +
            `${size} is not a multiple of ${known}. Choose sizes whose product divides ${size}.`,
        );
      }
      const out: Shape = [input[0] ?? null, ...target];
      out[inferred + 1] = size / known;
      return out;
    }
    if (known !== size) {
      throw new ShapeError(
        `Reshape target_shape ${showShape(target)} holds ${known} values but the input ${showShape(input)} has ${size}. ` +
          `Choose sizes whose product is ${size}, or use -1 for one axis.`,
      );
    }
    return [input[0] ?? null, ...target];
  },
});
