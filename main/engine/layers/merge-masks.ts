/**
 * The masks of merged sequences, as Keras 3 computes them (keras/src/layers/merging/base_merge.py, concatenate.py):
 * - Add, Subtract, Multiply, Average, Maximum, Minimum: no mask unless every input has one, then their OR;
 * - Concatenate: no mask unless some input has one; an input without one counts as kept everywhere; a step is kept
 *   where any input keeps it.
 * tfjs-layers 4.22 gets both wrong: its Merge.computeMask adds a leading axis to each mask and ANDs all but the last,
 * so Add(masked, masked) -> LSTM failed with "Operands could not be broadcast together with shapes 2,2 and 1,6";
 * its Concatenate ANDs where Keras ORs. Patched on tfjs' two prototypes (our Subtract inherits Merge's).
 */
import * as tf from '@tensorflow/tfjs';

type Masks = (tf.Tensor | null | undefined)[] | tf.Tensor | null | undefined;
type ComputeMask = (this: { axis?: number }, inputs: tf.Tensor | tf.Tensor[], mask?: Masks) => tf.Tensor | null;

/** Keras' base_merge rule: every input masked, or no mask. */
export function mergedMask(masks: Masks): tf.Tensor | null {
  if (!Array.isArray(masks) || masks.length === 0 || masks.some((m) => m == null)) return null;
  return tf.tidy(() => (masks as tf.Tensor[]).slice(1).reduce((a, m) => tf.logicalOr(a, m), masks[0] as tf.Tensor));
}

/** Keras' Concatenate rule along `axis`. */
export function concatenatedMask(inputs: tf.Tensor[], masks: Masks, axis: number): tf.Tensor | null {
  if (!Array.isArray(masks) || masks.every((m) => m == null)) return null;
  return tf.tidy(() => {
    const parts = inputs.map((x, i) => {
      const m = masks[i];
      if (m == null) return tf.onesLike(x).cast('bool');
      return m.rank < x.rank ? tf.logicalOr(tf.expandDims(m, -1), tf.zerosLike(x).cast('bool')) : m;
    });
    return tf.any(tf.concat(parts, axis), -1);
  });
}

let installed = false;

/** Idempotent; installed with the custom layers (layers/index.ts). */
export function kerasMergeMasks(): void {
  if (installed) return;
  installed = true;
  const concatenate = tf.layers.concatenate({}).constructor.prototype as { computeMask: ComputeMask };
  const merge = Object.getPrototypeOf(tf.layers.add({}).constructor.prototype) as { computeMask: ComputeMask };
  merge.computeMask = (_inputs, mask) => mergedMask(mask);
  concatenate.computeMask = function (inputs, mask) {
    return concatenatedMask(Array.isArray(inputs) ? inputs : [inputs], mask, this.axis ?? -1);
  };
}
