import { showShape } from './conv-arithmetic';
import { canonicalAxis, defineLayer, single } from './define';
import { ShapeError } from './types';

export type SoftmaxConfig = { axis: number };

export const Softmax = defineLayer<SoftmaxConfig, 'Softmax'>({
  className: 'Softmax',
  category: 'Activation',
  description: 'Softmax along one axis (default: the last), as a layer of its own.',
  params: [{ name: 'axis', type: 'int', description: 'Axis the probabilities sum to 1 along (-1: last).' }],
  defaults: () => ({ axis: -1 }),
  canonicalConfig: canonicalAxis,
  inferShape(c, inputShapes) {
    const input = single(inputShapes);
    const axis = c.axis < 0 ? input.length + c.axis : c.axis;
    if (axis <= 0 || axis >= input.length) {
      throw new ShapeError(`Softmax axis=${c.axis} is not a sample axis of ${showShape(input)}; use -1 (last) or 1 to ${input.length - 1}.`);
    }
    // tfjs-core: "Softmax along a non-last dimension is not yet supported".
    if (axis !== input.length - 1) {
      throw new ShapeError(`Softmax axis=${c.axis} of ${showShape(input)}: TF.js, which trains Layerlab models, computes softmax only along the last axis; use axis -1 (Reshape the axis to the end first).`);
    }
    return [...input];
  },
});
