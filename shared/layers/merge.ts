import { showShape } from './conv-arithmetic';
import { defineLayer } from './define';
import { ShapeError, type LayerKind, type Shape } from './types';

export type ElementwiseMergeConfig = Record<string, never>;

export const MERGE_INPUTS = { min: 2, max: Number.POSITIVE_INFINITY };

/**
 * Keras' rule for element-wise merges (keras `_Merge._compute_elemwise_op_output_shape`, tfjs
 * `computeElementwiseOpOutputShape`): axes after the batch are aligned from the right; on each, equal sizes stay,
 * a 1 broadcasts to the other size, an unknown size stays unknown; a shorter shape is broadcast over the leading
 * axes of the longer. (28, 28, 8) + (28, 28, 1) is (28, 28, 8), as Keras builds and trains it.
 */
function broadcastPair(className: string, a: Shape, b: Shape, all: Shape[]): Shape {
  if (a.length < b.length) return broadcastPair(className, b, a, all);
  const out: Shape = a.slice(0, a.length - b.length);
  b.forEach((j, k) => {
    const i = a[a.length - b.length + k]!;
    if (i === null || j === null) out.push(null);
    else if (i === 1) out.push(j);
    else if (j === 1 || i === j) out.push(i);
    else {
      throw new ShapeError(
        `${className} needs inputs of the same shape, got ${all.map(showShape).join(' and ')} (only sizes of 1 broadcast, as in Keras). ` +
          `Make the branches produce equal shapes (e.g. a 1x1 Conv2D or Dense to match channels, equal strides).`,
      );
    }
  });
  return out;
}

export function elementwiseShape(className: string, inputShapes: Shape[]): Shape {
  const first = inputShapes[0];
  if (!first) throw new ShapeError(`${className} needs at least 2 inputs.`);
  let out: Shape = first.slice(1);
  for (const shape of inputShapes.slice(1)) out = broadcastPair(className, out, shape.slice(1), inputShapes);
  const batches = new Set(inputShapes.map((s) => s[0]).filter((d) => d !== null && d !== undefined));
  return [batches.size === 1 ? [...batches][0]! : null, ...out];
}

export function defineElementwiseMerge(className: string, description: string): LayerKind<ElementwiseMergeConfig> {
  return defineLayer<ElementwiseMergeConfig>({
    className,
    category: 'Merge',
    description,
    inputs: MERGE_INPUTS,
    params: [],
    defaults: () => ({}),
    inferShape: (_c, inputShapes) => elementwiseShape(className, inputShapes),
  });
}
