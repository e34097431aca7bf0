import { showShape } from './conv-arithmetic';
import { defineLayer } from './define';
import { ShapeError, type LayerKind, type Shape } from './types';

export type ElementwiseMergeConfig = Record<string, never>;

export const MERGE_INPUTS = { min: 2, max: Number.POSITIVE_INFINITY };

/**
 * Element-wise merges need equal shapes. Keras would broadcast size-1 axes; we refuse those so that a wrong
 * skip connection is reported instead of silently broadcasting.
 */
export function elementwiseShape(className: string, inputShapes: Shape[]): Shape {
  const first = inputShapes[0];
  if (!first) throw new ShapeError(`${className} needs at least 2 inputs.`);
  const out: Shape = [...first];
  for (const shape of inputShapes.slice(1)) {
    const same = shape.length === out.length && shape.every((d, i) => d === null || out[i] === null || d === out[i]);
    if (!same) {
      throw new ShapeError(
        `${className} needs inputs of the same shape, got ${inputShapes.map(showShape).join(' and ')}. ` +
          `Make the branches produce equal shapes (e.g. a 1x1 Conv2D or Dense to match channels, equal strides).`,
      );
    }
    shape.forEach((d, i) => {
      if (out[i] === null) out[i] = d;
    });
  }
  return out;
}

export function defineElementwiseMerge<N extends string>(
  className: N,
  description: string,
  inputs: { min: number; max: number } = MERGE_INPUTS,
): LayerKind<ElementwiseMergeConfig, N> {
  return defineLayer<ElementwiseMergeConfig, N>({
    className,
    category: 'Merge',
    description,
    inputs,
    params: [],
    defaults: () => ({}),
    inferShape: (_c, inputShapes) => elementwiseShape(className, inputShapes),
  });
}
