/**
 * Conv2D for wasm through our SIMD kernel (simd/gemm-code.ts `conv`) when the output channels are a multiple of 4:
 * the stock kernel hands the filter to XNNPACK, which transposes and repacks it whenever it is a new tensor, i.e.
 * after every training step, and rebuilds its indirection buffer for every new input. Ours reads x and the filter
 * where they lie. Also the convolution inside our Conv2DBackpropInput (conv2d-grads.ts). Other shapes, NCHW data and
 * LAYERLAB_SIMD_KERNELS=0 keep the stock kernel.
 */
import { backend_util } from '@tensorflow/tfjs';
import type { KernelBackend, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { KernelScope } from './kernel-scope';
import { simdConv, simdKernelsEnabled, simdPad } from './simd/gemm';
import { simdWinogradConv, winogradFits } from './simd/winograd';

type Pair = [number, number];
type Shape4 = [number, number, number, number];

/** [top, bottom, left, right] zero padding of the input. */
export type Pads4 = [number, number, number, number];

/** x zero-padded: our SIMD kernel when the channels allow (a scope intermediate either way), else the stock PadV2. */
export function padded(s: KernelScope, backend: KernelBackend, x: TensorInfo, [top, bottom, left, right]: Pads4): TensorInfo {
  const fast = simdPad(backend, x, [top, bottom, left, right]);
  if (fast) return s.adopt(fast);
  return s.run('PadV2', { x }, { paddings: [[0, 0], [top, bottom], [left, right], [0, 0]], constantValue: 0 });
}

const outSize = (size: number, k: number, stride: number, dilation: number) => Math.floor((size - ((k - 1) * dilation + 1)) / stride) + 1;

/**
 * x (NHWC) convolved with filter [KH, KW, Ci, Co] after zero padding `pads`, by our SIMD kernel, or null when the
 * shapes do not fit it (the caller then runs the stock Conv2D). The padded copy, if any, is a scope intermediate.
 */
export function simdConvPadded(
  s: KernelScope, backend: KernelBackend, x: TensorInfo, filter: TensorInfo, pads: Pads4, strides: Pair, dilations: Pair,
  epilogue: { bias?: TensorInfo | null; relu?: boolean } = {},
): TensorInfo | null {
  const [kh, kw, , co] = filter.shape as Shape4;
  if (co % 4 !== 0 || x.dtype !== 'float32' || !simdKernelsEnabled()) return null;
  const [top, bottom, left, right] = pads;
  const xp = top || bottom || left || right ? padded(s, backend, x, pads) : x;
  const [, h, w] = xp.shape as Shape4;
  const oh = outSize(h, kh, strides[0], dilations[0]);
  const ow = outSize(w, kw, strides[1], dilations[1]);
  if (oh <= 0 || ow <= 0) return null;
  const g = { sh: strides[0], sw: strides[1], dh: dilations[0], dw: dilations[1] };
  // 3x3 stride 1 (most CNN layers, and every such layer's input gradient): Winograd's 2.25x fewer multiplications.
  const biasFits = !epilogue.bias || (epilogue.bias.dtype === 'float32' && epilogue.bias.shape.length === 1 && epilogue.bias.shape[0] === co);
  if (xp.dtype === 'float32' && filter.dtype === 'float32' && biasFits && winogradFits(kh, kw, g, oh, ow, xp.shape[3]!, co)) {
    return simdWinogradConv(backend, xp, filter, [oh, ow], epilogue);
  }
  return simdConv(backend, xp, filter, [oh, ow], g, epilogue);
}

const pair = (v: unknown): Pair => (typeof v === 'number' ? [v, v] : Array.isArray(v) ? [v[0] ?? 1, v[1] ?? v[0] ?? 1] : [1, 1]);

/** Conv2D, or with `fused` FusedConv2D (bias and a linear or ReLU activation applied as the result is stored). */
function convWasm(name: 'Conv2D' | 'FusedConv2D', backend: KernelBackend, funcs: ReadonlyMap<string, KernelFunc>) {
  const stock = funcs.get(name);
  if (!stock) throw new Error(`${name}: the stock wasm kernel was not captured`);
  return (args: { inputs: Record<string, TensorInfo>; attrs?: NamedAttrMap; backend: KernelBackend }): TensorInfo | TensorInfo[] => {
    const { x, filter, bias, preluActivationWeights } = args.inputs as { x: TensorInfo; filter: TensorInfo; bias?: TensorInfo; preluActivationWeights?: TensorInfo };
    const attrs = args.attrs ?? {};
    const format = attrs.dataFormat as string | undefined;
    const activation = (attrs.activation as string | undefined) ?? 'linear';
    if ((format != null && format !== 'NHWC' && format !== 'channelsLast') || filter.shape[3]! % 4 !== 0) return stock(args);
    if (preluActivationWeights || (activation !== 'linear' && activation !== 'relu')) return stock(args);
    const strides = pair(attrs.strides);
    const dilations = pair(attrs.dilations);
    const info = backend_util.computeConv2DInfo(
      x.shape as Shape4, filter.shape as Shape4, strides, dilations, attrs.pad as 'valid', attrs.dimRoundingMode as 'floor' | undefined, false, 'channelsLast',
    );
    const { top, bottom, left, right } = info.padInfo;
    const s = new KernelScope(backend, funcs);
    try {
      const out = simdConvPadded(s, backend, x, filter, [top, bottom, left, right], strides, dilations, { bias, relu: activation === 'relu' });
      if (out && out.shape[1] === info.outHeight && out.shape[2] === info.outWidth) return out;
      if (out) backend.disposeData(out.dataId);
    } finally {
      s.dispose();
    }
    return stock(args);
  };
}

export const conv2DWasm = (backend: KernelBackend, funcs: ReadonlyMap<string, KernelFunc>) => convWasm('Conv2D', backend, funcs);
export const fusedConv2DWasm = (backend: KernelBackend, funcs: ReadonlyMap<string, KernelFunc>) => convWasm('FusedConv2D', backend, funcs);
