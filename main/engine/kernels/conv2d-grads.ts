/**
 * Convolution gradient kernels for the wasm backend, written as forward convolutions so that XNNPACK (behind the
 * wasm Conv2D and DepthwiseConv2dNative kernels) does the arithmetic. Stock wasm lacks Conv2DBackpropFilter and the
 * depthwise gradients, and its Conv2DBackpropInput is a scalar loop several times slower than this.
 */
import { backend_util } from '@tensorflow/tfjs';
import type { KernelBackend, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { filterGradAxis, inputGradAxis } from './geometry';
import type { AxisFit } from './geometry';
import { withScope } from './kernel-scope';
import type { KernelScope } from './kernel-scope';
import { filterGradFits, im2col, simdFilterGrad, simdKernelsEnabled } from './simd/gemm';
import { simdWinogradFilterGrad, winogradFits } from './simd/winograd';

/** Patches up to this many values (KH·KW·Ci) take the im2col path of the filter gradient when Ci is not a multiple of 4. */
const SMALL_PATCH = 64;
import { padded, simdConvPadded } from './conv2d';

type Pair = [number, number];
type Shape4 = [number, number, number, number];
type PadArg = backend_util.ExplicitPadding | 'valid' | 'same' | number;
type Rounding = 'floor' | 'round' | 'ceil' | undefined;

function pair(v: unknown, fallback = 1): Pair {
  if (v == null) return [fallback, fallback];
  if (typeof v === 'number') return [v, v];
  const a = v as number[];
  return [a[0] ?? fallback, a[1] ?? a[0] ?? fallback];
}

function checkChannelsLast(kernel: string, attrs: NamedAttrMap): void {
  const f = attrs.dataFormat as string | undefined;
  if (f != null && f !== 'NHWC' && f !== 'channelsLast') {
    throw new Error(`${kernel} on wasm supports channels-last (NHWC) data only, got dataFormat '${f}'; use channels_last`);
  }
}

/** Crop (Slice) where the fit asks for it; returns the tensor and the explicit pads for the convolution. */
function applyFits(s: KernelScope, x: TensorInfo, hAxis: number, fh: AxisFit, fw: AxisFit): TensorInfo {
  const size = x.shape[hAxis] ?? 0;
  const sizeW = x.shape[hAxis + 1] ?? 0;
  if (fh.cropStart === 0 && fh.keep === size && fw.cropStart === 0 && fw.keep === sizeW) return x;
  const begin = x.shape.map(() => 0);
  const sz = [...x.shape];
  begin[hAxis] = fh.cropStart;
  sz[hAxis] = fh.keep;
  begin[hAxis + 1] = fw.cropStart;
  sz[hAxis + 1] = fw.keep;
  return s.run('Slice', { x }, { begin, size: sz });
}

function explicitPad(fh: AxisFit, fw: AxisFit): backend_util.ExplicitPadding {
  return [[0, 0], [fh.padBefore, fh.padAfter], [fw.padBefore, fw.padAfter], [0, 0]];
}

/** dy [B,OH,OW,C] -> [B,OH*sh,OW*sw,C], each value followed by stride-1 zeros (the transposed convolution's input). */
function zeroUpsample(s: KernelScope, dy: TensorInfo, [sh, sw]: Pair): TensorInfo {
  if (sh === 1 && sw === 1) return dy;
  const [b, oh, ow, c] = dy.shape as Shape4;
  const r6 = s.run('Reshape', { x: dy }, { shape: [b, oh, 1, ow, 1, c] });
  const padded = s.run('PadV2', { x: r6 }, {
    paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]],
    constantValue: 0,
  });
  return s.run('Reshape', { x: padded }, { shape: [b, oh * sh, ow * sw, c] });
}

function convInfo(
  xShape: Shape4, filterShape: Shape4, strides: Pair, dilations: Pair, pad: PadArg, rounding: Rounding, depthwise: boolean,
): backend_util.Conv2DInfo {
  return backend_util.computeConv2DInfo(xShape, filterShape, strides, dilations, pad, rounding, depthwise, 'channelsLast');
}

function axes(info: backend_util.Conv2DInfo): { h: Parameters<typeof filterGradAxis>[0]; w: Parameters<typeof filterGradAxis>[0] } {
  return {
    h: { inSize: info.inHeight, kernel: info.filterHeight, stride: info.strideHeight, dilation: info.dilationHeight, padBefore: info.padInfo.top, outSize: info.outHeight },
    w: { inSize: info.inWidth, kernel: info.filterWidth, stride: info.strideWidth, dilation: info.dilationWidth, padBefore: info.padInfo.left, outSize: info.outWidth },
  };
}

/** The convolution a gradient kernel undoes, and how each spatial axis of its gradient convolution is fitted. */
function gradGeometry(xShape: Shape4, filterShape: Shape4, attrs: NamedAttrMap, depthwise: boolean, of: 'filter' | 'input') {
  const strides = pair(attrs.strides);
  const info = convInfo(xShape, filterShape, strides, pair(attrs.dilations), attrs.pad as PadArg, attrs.dimRoundingMode as Rounding, depthwise);
  const { h, w } = axes(info);
  const fh = of === 'filter' ? filterGradAxis(h) : inputGradAxis(h, info.outHeight * strides[0]);
  const fw = of === 'filter' ? filterGradAxis(w) : inputGradAxis(w, info.outWidth * strides[1]);
  return { info, strides, h, w, fh, fw };
}

/**
 * dW[kh,kw,ci,co] = sum over b,oh,ow of xpad[b, oh*s+kh*d, ow*s+kw*d, ci] * dy[b,oh,ow,co]: a convolution of
 * x transposed to [Ci,H,W,B] (batch <-> channels) with dy transposed to [OH,OW,B,Co] as its kernel.
 * Accepts an extra `dilations` attribute (our Conv2D gradient passes it; stock gradients never dilate).
 */
export function conv2DBackpropFilterWasm(backend: KernelBackend, funcs: ReadonlyMap<string, KernelFunc>) {
  const simd = simdKernelsEnabled();
  return (args: { inputs: Record<string, TensorInfo>; attrs?: NamedAttrMap }): TensorInfo => {
    const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
    const attrs = args.attrs ?? {};
    checkChannelsLast('Conv2DBackpropFilter', attrs);
    const filterShape = attrs.filterShape as Shape4;
    const { info, h, w, fh, fw } = gradGeometry(x.shape as Shape4, filterShape, attrs, false, 'filter');
    return withScope(backend, funcs, (s) => {
      if (simd && filterGradFits(info.inChannels, info.outChannels)) {
        // Our SIMD kernel reads x and dy where they lie (no transposes, nothing repacked); x padded first if needed.
        const { top, bottom, left, right } = info.padInfo;
        const xp = top || bottom || left || right ? padded(s, backend, x, [top, bottom, left, right]) : x;
        const g = { sh: info.strideHeight, sw: info.strideWidth, dh: info.dilationHeight, dw: info.dilationWidth };
        const [, ph, pw] = xp.shape as Shape4;
        // 3x3 stride 1 over whole 2x2 blocks of dy: Winograd F(3x3, 2x2), 2.25x fewer multiplications.
        if (x.dtype === 'float32' && dy.dtype === 'float32' && ph === info.outHeight + 2 && pw === info.outWidth + 2 &&
          winogradFits(info.filterHeight, info.filterWidth, g, info.outHeight, info.outWidth, info.inChannels, info.outChannels)) {
          return simdWinogradFilterGrad(backend, xp, dy, filterShape);
        }
        const out = simdFilterGrad(backend, xp, dy, { kh: info.filterHeight, kw: info.filterWidth, ...g }, filterShape);
        if (out) return out;
      }
      const patch = info.filterHeight * info.filterWidth * info.inChannels;
      if (simd && info.outChannels % 4 === 0 && patch <= SMALL_PATCH) {
        // Few input channels (a first layer): dW = patchesᵀ·dy, the patches written once (im2col), then our kernel.
        const { top, bottom, left, right } = info.padInfo;
        const xp = top || bottom || left || right ? padded(s, backend, x, [top, bottom, left, right]) : x;
        const g = { sh: info.strideHeight, sw: info.strideWidth, dh: info.dilationHeight, dw: info.dilationWidth };
        const cols = s.adopt(im2col(backend, xp, info.filterHeight, info.filterWidth, [info.outHeight, info.outWidth], g));
        const k4 = cols.shape[3]!;
        const full = simdFilterGrad(backend, cols, dy, { kh: 1, kw: 1, sh: 1, sw: 1, dh: 1, dw: 1 }, [k4, info.outChannels]);
        if (full) {
          const rows = s.run('Slice', { x: s.adopt(full) }, { begin: [0, 0], size: [patch, info.outChannels] });
          return s.run('Reshape', { x: rows }, { shape: filterShape });
        }
      }
      const xt = applyFits(s, s.run('Transpose', { x }, { perm: [3, 1, 2, 0] }), 1, fh, fw);
      const dyt = s.run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
      // One convolution over the whole reduction (OH*OW*B): splitting it into bands of rows measured slower,
      // as each XNNPACK call re-creates its operator and repacks its kernel.
      const out = s.run('Conv2D', { x: xt, filter: dyt }, {
        strides: [h.dilation, w.dilation], dilations: [h.stride, w.stride], pad: explicitPad(fh, fw), dataFormat: 'NHWC',
      });
      return s.run('Transpose', { x: out }, { perm: [1, 2, 0, 3] });
    });
  };
}

/**
 * dx = correlation of the zero-upsampled, padded dy with the spatially flipped filter whose in/out channels are
 * swapped. Accepts an extra `dilations` attribute like the filter gradient.
 */
export function conv2DBackpropInputWasm(backend: KernelBackend, funcs: ReadonlyMap<string, KernelFunc>) {
  const simd = simdKernelsEnabled();
  return (args: { inputs: Record<string, TensorInfo>; attrs?: NamedAttrMap }): TensorInfo => {
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
    const attrs = args.attrs ?? {};
    checkChannelsLast('Conv2DBackpropInput', attrs);
    const inputShape = attrs.inputShape as Shape4;
    const { strides, h, w, fh, fw } = gradGeometry(inputShape, filter.shape as Shape4, attrs, false, 'input');
    return withScope(backend, funcs, (s) => {
      const dyz = applyFits(s, zeroUpsample(s, dy, strides), 1, fh, fw);
      const flipped = s.run('Reverse', { x: filter }, { dims: [0, 1] });
      const wt = s.run('Transpose', { x: flipped }, { perm: [0, 1, 3, 2] });
      const fast = simd ? simdConvPadded(s, backend, dyz, wt, [fh.padBefore, fh.padAfter, fw.padBefore, fw.padAfter], [1, 1], [h.dilation, w.dilation]) : null;
      if (fast && fast.shape[1] === inputShape[1] && fast.shape[2] === inputShape[2]) return fast;
      if (fast) backend.disposeData(fast.dataId);
      return s.run('Conv2D', { x: dyz, filter: wt }, {
        strides: [1, 1], dilations: [h.dilation, w.dilation], pad: explicitPad(fh, fw), dataFormat: 'NHWC',
      });
    });
  };
}

/**
 * Depthwise filter gradient: every (batch, channel) pair becomes one depthwise channel of a 1-image input
 * [1,H,W,B*C] convolved with dy as a [OH,OW,B*C,M] kernel; the batch axis is then summed away.
 */
export function depthwiseBackpropFilterWasm(backend: KernelBackend, funcs: ReadonlyMap<string, KernelFunc>) {
  return (args: { inputs: Record<string, TensorInfo>; attrs?: NamedAttrMap }): TensorInfo => {
    const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
    const attrs = args.attrs ?? {};
    const filterShape = attrs.filterShape as Shape4;
    const [kh, kw, c, m] = filterShape;
    const [b, hIn, wIn] = x.shape as Shape4;
    const { info, h, w, fh, fw } = gradGeometry(x.shape as Shape4, filterShape, attrs, true, 'filter');
    return withScope(backend, funcs, (s) => {
      const xt = s.run('Transpose', { x }, { perm: [1, 2, 0, 3] });
      const x1 = applyFits(s, s.run('Reshape', { x: xt }, { shape: [1, hIn, wIn, b * c] }), 1, fh, fw);
      const dy5 = s.run('Reshape', { x: dy }, { shape: [b, info.outHeight, info.outWidth, c, m] });
      const dyt = s.run('Transpose', { x: dy5 }, { perm: [1, 2, 0, 3, 4] });
      const kernel = s.run('Reshape', { x: dyt }, { shape: [info.outHeight, info.outWidth, b * c, m] });
      const out = s.run('DepthwiseConv2dNative', { x: x1, filter: kernel }, {
        strides: [h.dilation, w.dilation], dilations: [h.stride, w.stride], pad: explicitPad(fh, fw),
      });
      const perBatch = s.run('Reshape', { x: out }, { shape: [kh, kw, b, c * m] });
      const summed = s.run('Sum', { x: perBatch }, { axis: [2], keepDims: false });
      return s.run('Reshape', { x: summed }, { shape: [kh, kw, c, m] });
    });
  };
}

/** Depthwise input gradient: a depthwise correlation of the upsampled dy with the flipped filter, summed over M. */
export function depthwiseBackpropInputWasm(backend: KernelBackend, funcs: ReadonlyMap<string, KernelFunc>) {
  return (args: { inputs: Record<string, TensorInfo>; attrs?: NamedAttrMap }): TensorInfo => {
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
    const attrs = args.attrs ?? {};
    const inputShape = attrs.inputShape as Shape4;
    const [kh, kw, c, m] = filter.shape as Shape4;
    const { strides, h, w, fh, fw } = gradGeometry(inputShape, filter.shape as Shape4, attrs, true, 'input');
    return withScope(backend, funcs, (s) => {
      const dyz = applyFits(s, zeroUpsample(s, dy, strides), 1, fh, fw);
      const flipped = s.run('Reverse', { x: filter }, { dims: [0, 1] });
      const wf = s.run('Reshape', { x: flipped }, { shape: [kh, kw, c * m, 1] });
      const out = s.run('DepthwiseConv2dNative', { x: dyz, filter: wf }, {
        strides: [1, 1], dilations: [h.dilation, w.dilation], pad: explicitPad(fh, fw),
      });
      if (m === 1) return out;
      const [b, hh, ww] = inputShape;
      const r = s.run('Reshape', { x: out }, { shape: [b, hh, ww, c, m] });
      return s.run('Sum', { x: r }, { axis: [4], keepDims: false });
    });
  };
}
