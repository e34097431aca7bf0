/**
 * Conv2D that trains with dilation_rate > 1. tfjs-layers runs every Conv2D through tf.fused.conv2d, whose own
 * gradient refuses dilations ("dilation rates greater than 1 are not yet supported in gradients") whenever the
 * activation is linear, Keras' default. Dilated convolutions here take the plain conv2d op (whose gradient
 * kernels/dilated-grad.ts supplies) plus bias and activation; undilated ones keep tfjs' fused path.
 * Registered under 'Conv2D', so it applies to models built from JSON (tf.models.modelFromJSON), i.e. ours.
 * Undilated ReLU convolutions on wasm take the fused path of fused-relu.ts (also while training).
 */
import * as tf from '@tensorflow/tfjs';
import { fusedConvCall } from './fused-relu';
import type { ReluLayerInternals } from './fused-relu';

type LayerClass = new (args: Record<string, unknown>) => tf.layers.Layer;
const TfjsConv2D = tf.layers.conv2d({ filters: 1, kernelSize: 1 }).constructor as unknown as LayerClass;

interface ConvInternals {
  dilationRate: number[];
  strides: number[];
  padding: string;
  dataFormat: string;
  useBias: boolean;
  kernel: tf.LayerVariable;
  bias: tf.LayerVariable | null;
  activation: { apply(x: tf.Tensor): tf.Tensor };
}

export class DilationTrainableConv2D extends TfjsConv2D {
  static readonly className = 'Conv2D';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    const self = this as unknown as ConvInternals;
    const dilated = self.dilationRate.some((d) => d > 1);
    const x0 = Array.isArray(inputs) ? inputs[0] : inputs;
    const fused = !dilated && x0 ? fusedConvCall(this as unknown as ReluLayerInternals, x0) : null;
    if (fused) return fused;
    if (!dilated || self.dataFormat !== 'channelsLast') return super.call(inputs, kwargs);
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0]! : inputs) as tf.Tensor4D;
      const pad = self.padding === 'same' ? 'same' : 'valid';
      let y: tf.Tensor = tf.conv2d(x, self.kernel.read() as tf.Tensor4D, self.strides as [number, number], pad, 'NHWC', self.dilationRate as [number, number]);
      if (self.useBias && self.bias) y = tf.add(y, self.bias.read());
      return self.activation.apply(y);
    });
  }
}
