import { describe, expect, it } from 'vitest';
import { filterGradAxis, fitAxis, inputGradAxis } from '../../../main/engine/kernels/geometry';
import type { AxisFit, ConvAxis } from '../../../main/engine/kernels/geometry';

/** Applies a fit to a 1-D signal: crop, then zero-pad. */
function apply(x: number[], f: AxisFit): number[] {
  const kept = x.slice(f.cropStart, f.cropStart + f.keep);
  return [...Array(f.padBefore).fill(0), ...kept, ...Array(f.padAfter).fill(0)];
}

/** Valid 1-D correlation with stride and dilation. */
function correlate(x: number[], k: number[], stride: number, dilation: number): number[] {
  const span = (k.length - 1) * dilation + 1;
  const out: number[] = [];
  for (let o = 0; o * stride + span <= x.length; o++) out.push(k.reduce((s, kv, i) => s + kv * (x[o * stride + i * dilation] ?? NaN), 0));
  return out;
}

/** The forward convolution, padded with `padBefore` and enough after to produce outSize outputs. */
function forward(x: number[], w: number[], a: ConvAxis): number[] {
  const xp = [...Array(a.padBefore).fill(0), ...x, ...Array(100).fill(0)];
  return correlate(xp, w, a.stride, a.dilation).slice(0, a.outSize);
}

const cases: ConvAxis[] = [];
for (const inSize of [7, 8, 9]) for (const kernel of [1, 2, 3]) for (const stride of [1, 2, 3]) for (const dilation of [1, 2]) {
  for (const same of [false, true]) {
    const span = (kernel - 1) * dilation + 1;
    const outSize = same ? Math.ceil(inSize / stride) : Math.floor((inSize - span) / stride) + 1;
    if (outSize < 1) continue;
    const total = same ? Math.max(0, (outSize - 1) * stride + span - inSize) : 0;
    cases.push({ inSize, kernel, stride, dilation, padBefore: Math.floor(total / 2), outSize });
  }
}

describe('convolution gradients as convolutions (1-D, brute force)', () => {
  it.each(cases.map((c) => [JSON.stringify(c), c] as const))('%s', (_t, a) => {
    const x = Array.from({ length: a.inSize }, (_, i) => Math.sin(i + 1));
    const w = Array.from({ length: a.kernel }, (_, i) => Math.cos(2 * i + 1));
    const dy = Array.from({ length: a.outSize }, (_, i) => 1 + i * 0.5);
    // Reference by definition: d/dw and d/dx of sum(forward(x, w) * dy).
    const wantDw = w.map((_, k) => dy.reduce((s, g, o) => s + g * ([...Array(a.padBefore).fill(0), ...x, ...Array(100).fill(0)][o * a.stride + k * a.dilation] ?? 0), 0));
    const wantDx = x.map((_, h) => dy.reduce((s, g, o) => s + w.reduce((t, wk, k) => t + (o * a.stride + k * a.dilation - a.padBefore === h ? g * wk : 0), 0), 0));
    expect(forward(x, w, a).length).toBe(a.outSize);
    // Filter gradient: input fitted, correlated with dy at stride = dilation and dilation = stride.
    const dW = correlate(apply(x, filterGradAxis(a)), dy, a.dilation, a.stride);
    expect(dW.map((v) => +v.toFixed(9))).toEqual(wantDw.map((v) => +v.toFixed(9)));
    // Input gradient: dy zero-upsampled, fitted, correlated with the flipped kernel at the forward dilation.
    const up = dy.flatMap((v) => [v, ...Array(a.stride - 1).fill(0)]);
    const dX = correlate(apply(up, inputGradAxis(a, up.length)), [...w].reverse(), 1, a.dilation);
    expect(dX.map((v) => +v.toFixed(9))).toEqual(wantDx.map((v) => +v.toFixed(9)));
  });

  it('fitAxis crops negative amounts and pads positive ones', () => {
    expect(fitAxis(10, -2, 3)).toEqual({ cropStart: 2, keep: 8, padBefore: 0, padAfter: 3 });
    expect(fitAxis(10, 1, -4)).toEqual({ cropStart: 0, keep: 6, padBefore: 1, padAfter: 0 });
    expect(() => fitAxis(3, -2, -1)).toThrow(/leaves nothing/);
  });
});
