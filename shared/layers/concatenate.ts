import { showShape } from './conv-arithmetic';
import { canonicalAxis, defineLayer } from './define';
import { MERGE_INPUTS } from './merge';
import { ShapeError, type Shape } from './types';

export type ConcatenateConfig = { axis: number };

export const Concatenate = defineLayer<ConcatenateConfig, 'Concatenate'>({
  className: 'Concatenate',
  category: 'Merge',
  description: 'Joins its inputs along one axis (default: channels), e.g. Inception branches.',
  inputs: MERGE_INPUTS,
  params: [{ name: 'axis', type: 'int', description: 'Axis to join along (-1: last).' }],
  defaults: () => ({ axis: -1 }),
  canonicalConfig: canonicalAxis,
  inferShape(c, inputShapes) {
    const first = inputShapes[0];
    if (!first) throw new ShapeError('Concatenate needs at least 2 inputs.');
    const rank = first.length;
    const axis = c.axis < 0 ? rank + c.axis : c.axis;
    if (axis <= 0 || axis >= rank) {
      throw new ShapeError(
        `Concatenate axis=${c.axis} is not a sample axis of ${rank}-D inputs ${showShape(first)}; ` +
          `use -1 (last) or a value from 1 to ${rank - 1}.`,
      );
    }
    const shown = inputShapes.map(showShape).join(', ');
    const out: Shape = [...first];
    for (const shape of inputShapes.slice(1)) {
      if (shape.length !== rank) {
        throw new ShapeError(`Concatenate needs inputs of the same rank, got ${shown}. Flatten or Reshape the branches first.`);
      }
      for (let i = 1; i < rank; i++) {
        if (i === axis) continue;
        const a = out[i] ?? null;
        const b = shape[i] ?? null;
        if (a !== null && b !== null && a !== b) {
          throw new ShapeError(
            `Concatenate along axis ${c.axis} needs equal sizes on every other axis, but axis ${i} differs: ${shown}. ` +
              `Match the branches' spatial sizes (padding 'same', equal strides) or concatenate along axis ${i}.`,
          );
        }
        if (a === null) out[i] = b;
      }
      const a = out[axis] ?? null;
      const b = shape[axis] ?? null;
      out[axis] = a === null || b === null ? null : a + b;
    }
    return out;
  },
});
