/**
 * Conv2D and Dense layers with a ReLU activation, trained on wasm as one fused kernel each way.
 *
 * tfjs fuses bias and activation into the convolution / product only outside training: while gradients are
 * recorded, tf.fused.conv2d and tf.fused.matMul run the product, then Add, then Relu (three passes over the output,
 * each allocating it), and backwards Step, Multiply and Sum before the product's gradients. Here the forward pass is
 * one FusedConv2D / _FusedMatMul (our SIMD kernels add the bias and apply ReLU as they store), and the backward pass
 * one SIMD pass (LayerlabReluBiasGrad) that masks dy and sums the bias gradient at once, then the product's own
 * gradient kernels. Only on wasm with our kernels (fusedTrainingAvailable); everything else keeps tfjs' path.
 */
import * as tf from '@tensorflow/tfjs';
import type { NamedAttrMap } from '@tensorflow/tfjs';
import { CONV_BIAS_RELU, DENSE_BIAS_RELU, RELU_BIAS_GRAD, fusedTrainingAvailable } from '../kernels/train-steps';

/** The masked dy and, with a bias, its gradient, in one pass. */
function reluBiasGrad(dy: tf.Tensor, y: tf.Tensor, bias: boolean): [tf.Tensor, tf.Tensor | null] {
  const out = tf.engine().runKernel(RELU_BIAS_GRAD, { dy, y }, { bias }) as unknown as tf.Tensor[];
  return [out[0]!, out[1] ?? null];
}

type Saved = [tf.Tensor, tf.Tensor, tf.Tensor];

/**
 * The gradients of both kernels. The masked dy is computed at once (every input's gradient needs it); each input's
 * own gradient only when asked for (a first layer's input needs none: tfjs then never calls its function).
 */
function gradient(kernelName: string, inputGrads: (dz: tf.Tensor, saved: Saved, attrs: NamedAttrMap) => { x: () => tf.Tensor; w: () => tf.Tensor }) {
  const [xName, wName] = kernelName === CONV_BIAS_RELU ? ['x', 'filter'] : ['a', 'b'];
  tf.registerGradient({
    kernelName,
    inputsToSave: [xName, wName],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [dz, db] = reluBiasGrad(dy as tf.Tensor, saved[2]!, Boolean(attrs.hasBias));
      const { x, w } = inputGrads(dz, saved as Saved, attrs);
      return { [xName]: x, [wName]: w, ...(db ? { bias: () => db } : {}) };
    },
  });
}

let registered = false;

/** Idempotent; called with the custom layers (layers/index.ts). */
export function registerFusedReluGradients(): void {
  if (registered) return;
  registered = true;
  gradient(CONV_BIAS_RELU, (dz, [x, w], attrs) => {
    const common = { strides: attrs.strides, pad: attrs.pad, dataFormat: 'NHWC' };
    return {
      x: () => tf.engine().runKernel('Conv2DBackpropInput', { dy: dz, filter: w }, { ...common, inputShape: x.shape }) as tf.Tensor,
      w: () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: dz }, { ...common, filterShape: w.shape }) as tf.Tensor,
    };
  });
  gradient(DENSE_BIAS_RELU, (dz, [x, w]) => ({ x: () => tf.matMul(dz, w, false, true), w: () => tf.matMul(x, dz, true, false) }));
}

interface ConvGeometry {
  strides: [number, number];
  pad: 'valid' | 'same';
}

/** relu(conv2d(x, w) + b), NHWC, undilated, as one kernel with a gradient (wasm only). */
export function conv2dBiasRelu(x: tf.Tensor4D, w: tf.Tensor4D, b: tf.Tensor1D | null, g: ConvGeometry): tf.Tensor4D {
  registerFusedReluGradients();
  const attrs = { strides: g.strides, pad: g.pad, dataFormat: 'NHWC', dilations: [1, 1], hasBias: b != null };
  return tf.engine().runKernel(CONV_BIAS_RELU, b ? { x, filter: w, bias: b } : { x, filter: w }, attrs) as tf.Tensor4D;
}

/** relu(x·w + b) for x [N, K], w [K, U], as one kernel with a gradient (wasm only). */
export function denseBiasRelu(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D | null): tf.Tensor2D {
  registerFusedReluGradients();
  return tf.engine().runKernel(DENSE_BIAS_RELU, b ? { a: x, b: w, bias: b } : { a: x, b: w }, { hasBias: b != null }) as tf.Tensor2D;
}

/** The fields of tfjs' Conv2D and Dense layers read here (private in its types). */
export interface ReluLayerInternals {
  kernel: tf.LayerVariable;
  bias: tf.LayerVariable | null;
  activation: { getClassName(): string };
  strides?: number[];
  padding?: string;
  dataFormat?: string;
  dilationRate?: number[];
}

const isRelu = (layer: ReluLayerInternals) => layer.activation.getClassName() === 'relu';
/** Our SIMD kernels take output channels / units in multiples of 4 (the ReLU pass in lanes of 4). */
const fits = (x: tf.Tensor, units: number) => x.dtype === 'float32' && units % 4 === 0 && fusedTrainingAvailable();

/** The fused path for a Conv2D layer, or null where it does not apply (then the layer runs tfjs' own). */
export function fusedConvCall(layer: ReluLayerInternals, x: tf.Tensor): tf.Tensor | null {
  const kernel = layer.kernel.read() as tf.Tensor4D;
  if (!isRelu(layer) || x.rank !== 4 || layer.dataFormat !== 'channelsLast' || !fits(x, kernel.shape[3])) return null;
  if ((layer.dilationRate ?? [1, 1]).some((d) => d !== 1) || (layer.padding !== 'same' && layer.padding !== 'valid')) return null;
  const strides = (layer.strides ?? [1, 1]) as [number, number];
  return conv2dBiasRelu(x as tf.Tensor4D, kernel, (layer.bias?.read() as tf.Tensor1D | undefined) ?? null, { strides, pad: layer.padding });
}

/** The fused path for a Dense layer on a batch of vectors, or null where it does not apply. */
export function fusedDenseCall(layer: ReluLayerInternals, x: tf.Tensor): tf.Tensor | null {
  const kernel = layer.kernel.read() as tf.Tensor2D;
  if (!isRelu(layer) || x.rank !== 2 || !fits(x, kernel.shape[1])) return null;
  return denseBiasRelu(x as tf.Tensor2D, kernel, (layer.bias?.read() as tf.Tensor1D | undefined) ?? null);
}

type LayerClass = new (args: Record<string, unknown>) => tf.layers.Layer;
const TfjsDense = tf.layers.dense({ units: 1 }).constructor as unknown as LayerClass;

/** Dense registered under its Keras name: the fused path where it applies, tfjs' own elsewhere. */
export class FusedReluDense extends TfjsDense {
  static readonly className = 'Dense';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    const x = Array.isArray(inputs) ? (inputs.length === 1 ? inputs[0] : undefined) : inputs;
    const out = x ? fusedDenseCall(this as unknown as ReluLayerInternals, x) : null;
    if (!out) return super.call(inputs, kwargs);
    // What tfjs' Dense.call does first (a debugging hook some tools set).
    (this as unknown as { invokeCallHook(i: unknown, k: unknown): void }).invokeCallHook(inputs, kwargs);
    return out;
  }
}
