/**
 * Pure index arithmetic for expressing convolution gradients as forward convolutions.
 * Every gradient here becomes "crop or pad the input, then run a plain (valid, explicitly padded) convolution";
 * these functions say by how much, per spatial axis, so the kernels and their tests share one derivation.
 */

/** How to bring an axis of length `length` to `before + length + after`: negative amounts crop, positive pad. */
export interface AxisFit {
  /** Elements to drop at the start (from a negative `before`). */
  cropStart: number;
  /** Elements to keep after cropping the start and the end. */
  keep: number;
  padBefore: number;
  padAfter: number;
}

export function fitAxis(length: number, before: number, after: number): AxisFit {
  const cropStart = Math.max(0, -before);
  const cropEnd = Math.max(0, -after);
  const keep = length - cropStart - cropEnd;
  if (keep <= 0) {
    throw new Error(`fitAxis: cropping ${cropStart} + ${cropEnd} leaves nothing of an axis of length ${length}`);
  }
  return { cropStart, keep, padBefore: Math.max(0, before), padAfter: Math.max(0, after) };
}

/** One spatial axis of a forward convolution: input length, kernel size, stride, dilation, leading pad, output. */
export interface ConvAxis {
  inSize: number;
  kernel: number;
  stride: number;
  dilation: number;
  padBefore: number;
  outSize: number;
}

/**
 * Filter gradient along one axis: dW[k] = sum_o xpad[o*stride + k*dilation] * dy[o]. Seen as a convolution of the
 * (transposed) input with dy as the kernel, it has stride = dilation and dilation = stride; the padded input must
 * span exactly (out-1)*stride + (kernel-1)*dilation + 1 so that the result has `kernel` positions.
 */
export function filterGradAxis(a: ConvAxis): AxisFit {
  const span = (a.outSize - 1) * a.stride + (a.kernel - 1) * a.dilation + 1;
  return fitAxis(a.inSize, a.padBefore, span - a.inSize - a.padBefore);
}

/**
 * Input gradient along one axis, after dy has been zero-upsampled to `upsampledSize` (= outSize * stride: each
 * value followed by stride-1 zeros). dx[h] = sum_k dyz[h + pad - k*dilation] * W[k] is a correlation with the
 * flipped kernel at the same dilation, of dyz padded by (kernel-1)*dilation - pad in front; the padded length must
 * be inSize + (kernel-1)*dilation.
 */
export function inputGradAxis(a: ConvAxis, upsampledSize: number): AxisFit {
  const before = (a.kernel - 1) * a.dilation - a.padBefore;
  const after = a.inSize + (a.kernel - 1) * a.dilation - before - upsampledSize;
  return fitAxis(upsampledSize, before, after);
}
