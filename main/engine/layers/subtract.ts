/**
 * Subtract for tfjs-layers, which lacks it (4.22 has Add, Multiply, Average, Maximum, Minimum, Concatenate):
 * Keras' first-minus-second merge of exactly two tensors of one shape. Built on tfjs' own Add so the merge
 * plumbing (shape checks, masks, serialisation) is tfjs'; only the arithmetic differs.
 */
import * as tf from '@tensorflow/tfjs';

type MergeClass = new (args?: Record<string, unknown>) => tf.layers.Layer;
const TfjsAdd = tf.layers.add({}).constructor as unknown as MergeClass;

export class Subtract extends TfjsAdd {
  static readonly className = 'Subtract';

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    if (!Array.isArray(inputShape[0]) || inputShape.length !== 2) {
      throw new Error(`Subtract takes exactly 2 inputs; got ${Array.isArray(inputShape[0]) ? inputShape.length : 1}. Use Add with a negated branch for more.`);
    }
    super.build(inputShape);
  }

  /** Called by tfjs' Merge.call with the input tensors. */
  protected mergeFunction(inputs: tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.sub(inputs[0]!, inputs[1]!));
  }
}
