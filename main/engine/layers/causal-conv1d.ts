/**
 * Conv1D with Keras' padding='causal', which tfjs-layers 4.22 accepts in the config but cannot run
 * ("The support for CAUSAL padding mode in conv1dWithBias is not implemented yet") and whose output length it gets
 * wrong (as 'valid'). Causal = pad dilation * (kernel - 1) zeros before the first step, then a valid convolution,
 * so step t sees only steps <= t (keras/src/layers/convolutional/base_conv.py). Other paddings keep tfjs' path.
 * Registered under 'Conv1D'.
 */
import * as tf from '@tensorflow/tfjs';

type LayerClass = new (args: Record<string, unknown>) => tf.layers.Layer;
const TfjsConv1D = tf.layers.conv1d({ filters: 1, kernelSize: 1 }).constructor as unknown as LayerClass;

interface ConvInternals {
  padding: string;
  kernelSize: number[];
  strides: number[];
  dilationRate: number | number[];
  useBias: boolean;
  kernel: tf.LayerVariable;
  bias: tf.LayerVariable | null;
  activation: { apply(x: tf.Tensor): tf.Tensor };
}

function dilation(self: ConvInternals): number {
  return Array.isArray(self.dilationRate) ? self.dilationRate[0]! : self.dilationRate;
}

export class CausalConv1D extends TfjsConv1D {
  static readonly className = 'Conv1D';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    const self = this as unknown as ConvInternals;
    if (self.padding !== 'causal') return super.call(inputs, kwargs);
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0]! : inputs) as tf.Tensor3D;
      const d = dilation(self);
      const padded = tf.pad(x, [[0, 0], [d * (self.kernelSize[0]! - 1), 0], [0, 0]]);
      let y: tf.Tensor = tf.conv1d(padded, self.kernel.read() as tf.Tensor3D, self.strides[0]!, 'valid', 'NWC', d);
      if (self.useBias && self.bias) y = tf.add(y, self.bias.read());
      return self.activation.apply(y);
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    const self = this as unknown as ConvInternals;
    if (self.padding !== 'causal') return super.computeOutputShape(inputShape);
    // The length comes out as with 'same': ceil(T / stride).
    self.padding = 'same';
    try {
      return super.computeOutputShape(inputShape);
    } finally {
      self.padding = 'causal';
    }
  }
}
