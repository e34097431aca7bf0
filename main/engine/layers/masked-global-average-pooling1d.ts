/**
 * GlobalAveragePooling1D that honours an input mask, as Keras does (keras/src/layers/pooling/
 * global_average_pooling1d.py): with a mask (an Embedding with mask_zero, a Masking layer) the mean is taken over the
 * unmasked steps only, sum(x * mask) / sum(mask); without one it is the plain mean. Its output carries no mask.
 * tfjs-layers 4.22's class takes mean(x, 1) over every step, so a review padded to 200 ids averaged 180 padding
 * vectors into its features and predicted differently from the same review padded to 20.
 *
 * One difference from Keras, on purpose: a row with every step masked (an all-padding sample) gives zeros here
 * (0 / max(count, 1)) where Keras gives 0 / 0 = NaN, which would turn the loss and then every weight into NaN.
 *
 * The ops (cast, mul, sum, div, maximum) have tfjs gradients on every backend; the mask itself needs none.
 * Registered under 'GlobalAveragePooling1D'. The TF.js export ships the same computation in layerlab-layers.js.
 */
import * as tf from '@tensorflow/tfjs';

type LayerClass = new (args?: Record<string, unknown>) => tf.layers.Layer;
const TfjsGlobalAveragePooling1D = tf.layers.globalAveragePooling1d({}).constructor as unknown as LayerClass;

/** The masked mean of x [batch, steps, features] over steps, mask [batch, steps] (bool or 0/1). */
export function maskedMeanOverSteps(x: tf.Tensor, mask: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const m = tf.expandDims(tf.cast(mask, x.dtype), 2);
    const count = tf.maximum(tf.sum(m, 1), 1);
    return tf.div(tf.sum(tf.mul(x, m), 1), count);
  });
}

export class MaskedGlobalAveragePooling1D extends TfjsGlobalAveragePooling1D {
  static readonly className = 'GlobalAveragePooling1D';

  constructor(args?: Record<string, unknown>) {
    super(args ?? {});
    // A layer that takes a mask must say so (tfjs' Container.computeMask refuses a mask for the others); the output
    // carries none (computeMask below).
    this.supportsMasking = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    const raw = kwargs['mask'] as tf.Tensor | (tf.Tensor | null)[] | null | undefined;
    const mask = Array.isArray(raw) ? raw[0] : raw;
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    // Only a mask of this input's [batch, steps] can be this input's (a stale one from tfjs' shared kwargs is
    // cleared by stale-mask.ts; this keeps a mis-shaped one from failing obscurely inside the arithmetic).
    if (!mask || mask.shape.length !== 2 || mask.shape[0] !== x.shape[0] || mask.shape[1] !== x.shape[1]) return super.call(inputs, kwargs);
    return maskedMeanOverSteps(x, mask);
  }

  /** The pooled output has no steps left to mask (tfjs' types say Tensor; its runner takes null as "no mask"). */
  override computeMask(): tf.Tensor {
    return null as unknown as tf.Tensor;
  }
}
