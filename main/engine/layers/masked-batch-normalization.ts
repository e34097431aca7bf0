/**
 * BatchNormalization over a masked sequence, as Keras 3 trains it (keras/src/layers/normalization/
 * batch_normalization.py, `call(inputs, training, mask)` and `_moments`): in training the batch mean and variance
 * are taken over the unmasked steps only, each weighted by the mask and divided by (count of kept steps + 1e-7),
 * the variance biased as tf.moments'; every step, padding included, is then normalised with them, and the moving
 * mean and variance move towards these masked moments. tfjs-layers 4.22's call ignores the mask, so a batch padded
 * to 200 ids normalised its words with statistics dominated by the padding's embedding.
 *
 * Inference (moving statistics) and unmasked calls are tfjs' own. Patched on tfjs' prototype, as merge-masks.ts is.
 */
import * as tf from '@tensorflow/tfjs';

/** Keras' backend.epsilon(), added to the count of kept steps. */
const KERAS_EPSILON = 1e-7;

interface BatchNormLayer {
  axis: number;
  momentum: number;
  epsilon: number;
  gamma: tf.LayerVariable | null;
  beta: tf.LayerVariable | null;
  movingMean: tf.LayerVariable;
  movingVariance: tf.LayerVariable;
}
type Call = (this: BatchNormLayer, inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => tf.Tensor;

/** Keras 3's masked moments over every axis but the last: [mean, variance], each of the channels' length. */
function maskedMoments(x: tf.Tensor, mask: tf.Tensor): [tf.Tensor, tf.Tensor] {
  return tf.tidy(() => {
    const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
    // The mask broadcast to x's shape (Keras' broadcast_to), so the count is per channel as Keras sums it.
    const weights = tf.mul(tf.expandDims(tf.cast(mask, x.dtype), -1), tf.onesLike(x));
    const count = tf.add(tf.sum(weights, axes), KERAS_EPSILON);
    const weighted = tf.mul(weights, x);
    const mean = tf.div(tf.sum(weighted, axes), count);
    const variance = tf.div(tf.sum(tf.mul(weights, tf.square(tf.sub(weighted, mean))), axes), count);
    return [mean, variance];
  });
}

function movingAverage(variable: tf.LayerVariable, value: tf.Tensor, momentum: number): void {
  tf.tidy(() => {
    const old = variable.read();
    variable.write(tf.sub(old, tf.mul(tf.sub(old, value), 1 - momentum)));
  });
}

let installed = false;

/** Idempotent; installed with the custom layers (layers/index.ts). */
export function kerasMaskedBatchNormalization(): void {
  if (installed) return;
  installed = true;
  const proto = tf.layers.batchNormalization({}).constructor.prototype as { call: Call };
  const call = proto.call;
  proto.call = function (this: BatchNormLayer, inputs, kwargs) {
    const mask = kwargs?.['mask'] as tf.Tensor | null | undefined;
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    const lastAxis = this.axis === -1 || this.axis === x.rank - 1;
    // Keras requires a mask of one rank less than the input (the steps); other cases are tfjs' unmasked call.
    if (kwargs?.['training'] !== true || mask == null || mask.rank !== x.rank - 1 || !lastAxis) return call.call(this, inputs, kwargs);
    return tf.tidy(() => {
      const [mean, variance] = maskedMoments(x, mask);
      movingAverage(this.movingMean, mean, this.momentum);
      movingAverage(this.movingVariance, variance, this.momentum);
      return tf.batchNorm(x, mean, variance, this.beta?.read(), this.gamma?.read(), this.epsilon);
    });
  };
}
