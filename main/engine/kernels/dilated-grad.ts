/**
 * A Conv2D gradient that also handles dilation_rate > 1, which tfjs' own gradient refuses ("dilation rates greater
 * than 1 are not yet supported in gradients"), so dilated Keras convolutions train on every backend. Undilated
 * convolutions take exactly tfjs' path (its backprop ops, i.e. our wasm kernels on wasm).
 */
import * as tf from '@tensorflow/tfjs';
import type { GradConfig, NamedAttrMap, Tensor, Tensor4D } from '@tensorflow/tfjs';
import { filterGradAxis, inputGradAxis } from './geometry';
import type { AxisFit } from './geometry';

type Pair = [number, number];
type PadArg = tf.backend_util.ExplicitPadding | 'valid' | 'same' | number;

function pair(v: unknown): Pair {
  if (v == null) return [1, 1];
  if (typeof v === 'number') return [v, v];
  const a = v as number[];
  return [a[0] ?? 1, a[1] ?? a[0] ?? 1];
}

function cropTo(x: Tensor4D, fh: AxisFit, fw: AxisFit): Tensor4D {
  if (fh.cropStart === 0 && fh.keep === x.shape[1] && fw.cropStart === 0 && fw.keep === x.shape[2]) return x;
  return tf.slice(x, [0, fh.cropStart, fw.cropStart, 0], [x.shape[0], fh.keep, fw.keep, x.shape[3]]);
}

function pads(fh: AxisFit, fw: AxisFit): tf.backend_util.ExplicitPadding {
  return [[0, 0], [fh.padBefore, fh.padAfter], [fw.padBefore, fw.padAfter], [0, 0]];
}

export function dilatedConv2dGrads(x: Tensor4D, filter: Tensor4D, dy: Tensor4D, attrs: NamedAttrMap): { x: () => Tensor; filter: () => Tensor } {
  const strides = pair(attrs.strides);
  const dilations = pair(attrs.dilations);
  if (strides.some((s) => s > 1)) {
    throw new Error(
      `Conv2D gradient: strides ${strides.join('x')} together with dilation_rate ${dilations.join('x')} is not supported ` +
        '(Keras does not allow it either); use strides 1 with dilation, or dilation 1 with strides',
    );
  }
  const info = tf.backend_util.computeConv2DInfo(
    x.shape, filter.shape, strides, dilations, attrs.pad as PadArg, attrs.dimRoundingMode as 'floor' | undefined, false, 'channelsLast',
  );
  const h = { inSize: info.inHeight, kernel: info.filterHeight, stride: 1, dilation: info.dilationHeight, padBefore: info.padInfo.top, outSize: info.outHeight };
  const w = { inSize: info.inWidth, kernel: info.filterWidth, stride: 1, dilation: info.dilationWidth, padBefore: info.padInfo.left, outSize: info.outWidth };
  return {
    x: () => {
      const fh = inputGradAxis(h, info.outHeight);
      const fw = inputGradAxis(w, info.outWidth);
      const wt = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as Tensor4D;
      return tf.conv2d(cropTo(dy, fh, fw), wt, 1, pads(fh, fw), 'NHWC', dilations);
    },
    filter: () => {
      const fh = filterGradAxis(h);
      const fw = filterGradAxis(w);
      const xt = cropTo(tf.transpose(x, [3, 1, 2, 0]), fh, fw);
      const dyt = tf.transpose(dy, [1, 2, 0, 3]);
      const out = tf.conv2d(xt, dyt, dilations, pads(fh, fw), 'NHWC', 1);
      return tf.transpose(out, [1, 2, 0, 3]);
    },
  };
}

const conv2dGrad: GradConfig = {
  kernelName: 'Conv2D',
  inputsToSave: ['x', 'filter'],
  gradFunc: (dy, saved, attrs) => {
    const [x, filter] = saved as [Tensor4D, Tensor4D];
    const g = dy as Tensor4D;
    const dilations = pair(attrs.dilations);
    if (dilations[0] > 1 || dilations[1] > 1) return dilatedConv2dGrads(x, filter, g, attrs);
    const { strides, pad, dataFormat } = attrs as { strides: Pair; pad: PadArg; dataFormat: 'NHWC' | 'NCHW' };
    return {
      x: () => tf.engine().runKernel('Conv2DBackpropInput', { dy: g, filter }, { strides, pad, dataFormat, inputShape: x.shape }) as Tensor,
      filter: () => conv2dBackpropFilterOp(x, g, filter.shape, strides, pad, dataFormat),
    };
  },
};

/** tfjs exports no conv2DBackpropFilter op; run the kernel through the engine so its memory is tracked. */
function conv2dBackpropFilterOp(x: Tensor4D, dy: Tensor4D, filterShape: number[], strides: Pair, pad: PadArg, dataFormat: string): Tensor {
  return tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides, pad, dataFormat, filterShape }) as Tensor;
}

let registered = false;

export function registerDilatedConvGradient(): void {
  if (registered) return;
  registered = true;
  // tfjs warns when a gradient is overridden; the override is deliberate, so keep the console clean.
  const warn = console.warn;
  console.warn = () => {};
  try {
    tf.registerGradient(conv2dGrad);
  } finally {
    console.warn = warn;
  }
}
