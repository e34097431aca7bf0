/**
 * Zero gradients for the comparison ops Keras' Masking layer computes its mask with (any(notEqual(x, value))).
 * tfjs registers no gradient for NotEqual or Any, so a Masking layer behind a trainable layer (an Embedding) fails
 * every backward pass with "Cannot compute gradient: gradient function not found for Any", on every backend.
 * Their outputs are booleans: the gradient with respect to their inputs is zero, as TensorFlow treats them.
 */
import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs';

let registered = false;

/** Gradients must be float32 even for boolean inputs. */
function zeros(names: string[]) {
  return (_dy: Tensor | Tensor[], saved: Tensor[]): Record<string, () => Tensor> =>
    Object.fromEntries(names.map((n, i) => [n, () => tf.zeros(saved[i]!.shape)]));
}

/** Idempotent; gradients are global (not per backend). */
export function registerBooleanGradients(): void {
  if (registered) return;
  registered = true;
  tf.registerGradient({ kernelName: 'NotEqual', inputsToSave: ['a', 'b'], gradFunc: zeros(['a', 'b']) });
  tf.registerGradient({ kernelName: 'Any', inputsToSave: ['x'], gradFunc: zeros(['x']) });
}
