/**
 * Keras' 'exponential' activation (exp(x)), which tfjs-layers 4.22 lacks: registered under the same name in the
 * serialization map tfjs looks activations up in, so a Dense(activation='exponential') from a Keras file builds.
 */
import * as tf from '@tensorflow/tfjs';

export class Exponential extends tf.serialization.Serializable {
  static readonly className = 'exponential';

  override getClassName(): string {
    return Exponential.className;
  }

  apply(x: tf.Tensor): tf.Tensor {
    return tf.exp(x);
  }

  getConfig(): tf.serialization.ConfigDict {
    return {};
  }
}
