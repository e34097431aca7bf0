/**
 * MaxPoolGrad for wasm. The stock kernel (and MaxPoolWithArgmax) start each window's running maximum at the
 * smallest positive float instead of -infinity, so windows whose values are all <= 0 send their gradient to the
 * wrong place (pooling after BatchNorm, tanh, linear layers...). This one compares every window offset of the
 * input with the pooled output: the first position equal to the maximum (TensorFlow's tie rule) gets dy.
 * Disjoint windows (stride = pool size, the usual 2x2/2) take a fast path of whole-tensor operations.
 */
import { backend_util } from '@tensorflow/tfjs';
import type { KernelBackend, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { fitAxis } from './geometry';
import { withScope } from './kernel-scope';
import type { KernelScope } from './kernel-scope';
import { simdKernelsEnabled, simdMaxPoolGrad } from './simd/gemm';

type Shape4 = [number, number, number, number];

function cropAndPad(s: KernelScope, x: TensorInfo, fh: ReturnType<typeof fitAxis>, fw: ReturnType<typeof fitAxis>, value: number): TensorInfo {
  const [b, h, w, c] = x.shape as Shape4;
  let t = x;
  if (fh.cropStart || fh.keep !== h || fw.cropStart || fw.keep !== w) {
    t = s.run('Slice', { x: t }, { begin: [0, fh.cropStart, fw.cropStart, 0], size: [b, fh.keep, fw.keep, c] });
  }
  if (fh.padBefore || fh.padAfter || fw.padBefore || fw.padAfter) {
    t = s.run('PadV2', { x: t }, { paddings: [[0, 0], [fh.padBefore, fh.padAfter], [fw.padBefore, fw.padAfter], [0, 0]], constantValue: value });
  }
  return t;
}

/**
 * For disjoint windows over xp [B, OH*kh, OW*kw, C]: a 0/1 mask [B,OH,kh,OW,kw,C] marking, in each window, the first
 * position equal to the window's maximum. With Q = kh*kw + 1 and priorities p = kh*kw .. 1 (earlier = higher),
 * score = p * (Q at a maximum, 1 elsewhere): maxima score >= Q, the rest < Q, and maxima are distinct, so the
 * window's best score (a max pool) picks exactly the first maximum. Six whole-tensor passes; wasm's comparison
 * kernels (Equal) broadcast ~50x slower than its arithmetic ones, so none are used.
 */
function firstMaxMaskDisjoint(s: KernelScope, xp: TensorInfo, output: TensorInfo, kh: number, kw: number): TensorInfo {
  const [b, ph, pw, c] = xp.shape as Shape4;
  const oh = ph / kh;
  const ow = pw / kw;
  const q = kh * kw + 1;
  const x6 = s.run('Reshape', { x: xp }, { shape: [b, oh, kh, ow, kw, c] });
  const y6 = s.run('Reshape', { x: output }, { shape: [b, oh, 1, ow, 1, c] });
  // max - x >= 0, zero exactly at the maxima: step gives 1 below the maximum and alpha = Q at it.
  const atMax = s.run('Step', { x: s.run('Sub', { a: y6, b: x6 }) }, { alpha: q });
  const priority = new Float32Array(kh * kw);
  for (let k = 0; k < priority.length; k++) priority[k] = priority.length - k;
  const score = s.run('Multiply', { a: atMax, b: s.constant(priority, [1, 1, kh, 1, kw, 1]) });
  const best = s.run('MaxPool', { x: s.run('Reshape', { x: score }, { shape: [b, ph, pw, c] }) }, {
    filterSize: [kh, kw], strides: [kh, kw], pad: 'valid',
  });
  // Scores are integers, so score - (best - 0.5) > 0 exactly at the chosen position.
  const threshold = s.run('Sub', { a: best, b: s.constant(new Float32Array([0.5]), []) });
  const threshold6 = s.run('Reshape', { x: threshold }, { shape: [b, oh, 1, ow, 1, c] });
  return s.run('Step', { x: s.run('Sub', { a: score, b: threshold6 }) }, { alpha: 0 });
}

export function maxPoolGradWasm(backend: KernelBackend, funcs: ReadonlyMap<string, KernelFunc>) {
  const simd = simdKernelsEnabled();
  return (args: { inputs: Record<string, TensorInfo>; attrs?: NamedAttrMap }): TensorInfo => {
    const { dy, input, output } = args.inputs as { dy: TensorInfo; input: TensorInfo; output: TensorInfo };
    const attrs = args.attrs ?? {};
    const info = backend_util.computePool2DInfo(
      input.shape as Shape4, attrs.filterSize as [number, number], attrs.strides as [number, number], 1,
      attrs.pad as 'valid', attrs.dimRoundingMode as 'floor' | undefined,
    );
    const { batchSize: b, inChannels: c, inHeight: h, inWidth: w, outHeight: oh, outWidth: ow } = info;
    const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw } = info;
    // The padded region every window reads: (out-1)*stride + kernel along each axis.
    const fh = fitAxis(h, info.padInfo.top, (oh - 1) * sh + kh - h - info.padInfo.top);
    const fw = fitAxis(w, info.padInfo.left, (ow - 1) * sw + kw - w - info.padInfo.left);
    const ph = (oh - 1) * sh + kh;
    const pw = (ow - 1) * sw + kw;
    const disjoint = sh === kh && sw === kw;
    const unpadded = info.padInfo.top === 0 && info.padInfo.left === 0 && h === oh * kh && w === ow * kw;
    if (simd && disjoint && unpadded) {
      // One pass of our SIMD kernel (simd/gemm-code.ts) instead of the six whole-tensor passes below.
      const out = simdMaxPoolGrad(backend, input, output, dy, kh, kw);
      if (out) return out;
    }
    return withScope(backend, funcs, (s) => {
      const xp = cropAndPad(s, input, fh, fw, -Infinity);
      if (disjoint) {
        const mask = firstMaxMaskDisjoint(s, xp, output, kh, kw);
        const dy6 = s.run('Reshape', { x: dy }, { shape: [b, oh, 1, ow, 1, c] });
        const g6 = s.run('Multiply', { a: mask, b: dy6 });
        const g = s.run('Reshape', { x: g6 }, { shape: [b, ph, pw, c] });
        const inner = s.run('Slice', { x: g }, { begin: [0, fh.padBefore, fw.padBefore, 0], size: [b, fh.keep, fw.keep, c] });
        return cropAndPad(s, inner, fitAxis(fh.keep, fh.cropStart, h - fh.cropStart - fh.keep), fitAxis(fw.keep, fw.cropStart, w - fw.cropStart - fw.keep), 0);
      }
      const zeros = s.run('ZerosLike', { x: dy });
      let taken: TensorInfo | null = null;
      const parts: TensorInfo[][] = [];
      let acc: TensorInfo | null = null;
      for (let i = 0; i < kh; i++) {
        const row: TensorInfo[] = [];
        for (let j = 0; j < kw; j++) {
          const xs = s.run('StridedSlice', { x: xp }, {
            begin: [0, i, j, 0], end: [b, i + (oh - 1) * sh + 1, j + (ow - 1) * sw + 1, c], strides: [1, sh, sw, 1],
            beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0,
          });
          const eq = s.run('Equal', { a: xs, b: output });
          const first: TensorInfo = taken ? s.run('LogicalAnd', { a: eq, b: s.run('LogicalNot', { x: taken }) }) : eq;
          taken = taken ? s.run('LogicalOr', { a: taken, b: eq }) : eq;
          const g = s.run('Select', { condition: first, t: dy, e: zeros });
          if (disjoint) {
            row.push(s.run('Reshape', { x: g }, { shape: [b, oh, 1, ow, 1, c] }));
            continue;
          }
          // Overlapping windows: place g at rows oh*sh+i, cols ow*sw+j of the padded region and add up.
          const up = s.run('PadV2', { x: s.run('Reshape', { x: g }, { shape: [b, oh, 1, ow, 1, c] }) }, {
            paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]], constantValue: 0,
          });
          const up4 = s.run('Reshape', { x: up }, { shape: [b, oh * sh, ow * sw, c] });
          const placed = cropAndPad(s, up4, fitAxis(oh * sh, i, ph - i - oh * sh), fitAxis(ow * sw, j, pw - j - ow * sw), 0);
          acc = acc ? s.run('Add', { a: acc, b: placed }) : placed;
        }
        if (disjoint) parts.push(row);
      }
      if (disjoint) {
        const rows = parts.map((r) => (r.length === 1 ? r[0]! : s.run('Concat', r, { axis: 4 })));
        const all = rows.length === 1 ? rows[0]! : s.run('Concat', rows, { axis: 2 });
        acc = s.run('Reshape', { x: all }, { shape: [b, ph, pw, c] });
      }
      // Back from the padded region to the input: drop the padding, restore what was cropped (it got no gradient).
      const inner = s.run('Slice', { x: acc! }, { begin: [0, fh.padBefore, fw.padBefore, 0], size: [b, fh.keep, fw.keep, c] });
      return cropAndPad(s, inner, fitAxis(fh.keep, fh.cropStart, h - fh.cropStart - fh.keep), fitAxis(fw.keep, fw.cropStart, w - fw.cropStart - fw.keep), 0);
    });
  };
}
