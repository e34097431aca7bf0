/**
 * 3x3 stride-1 convolutions by Winograd's minimal filtering F(2x2, 3x3) (Lavin & Gray, "Fast Algorithms for
 * Convolutional Neural Networks", 2015), in WebAssembly SIMD (see wasm-encoder.ts). Each 2x2 block of output pixels
 * comes from a 4x4 input tile: V = Bᵀ·d·B per tile and input channel, U = G·g·Gᵀ per filter (once per call),
 * then 16 independent products M[ξ] = V[ξ]·U[ξ] (tiles x Ci by Ci x Co, our `nn` kernel), then Y = Aᵀ·M·A. That is
 * 16 multiply-adds per 4 output pixels and channel pair instead of 36: 2.25x less arithmetic than the direct
 * kernel, for a few additions per value in the transforms. Used for the workshop CNN's second convolution and its
 * input gradient, which are most of a training step.
 *
 * `winoFilter` (w, u, Ci, Co, m0, m1): U[ξ, ci, co] for ci in m0..m1 from w [3, 3, Ci, Co]; Co a multiple of 4.
 * `winoConv` (x, u, y, bias, v, m, H, W, Ci, Co, OH, OW, TH, TW, flags, chunk, m0, m1): y [B, OH, OW, Co] =
 *       valid convolution of x [B, H, W, Ci] (pad it first; H = OH + 2, W = OW + 2, OH and OW even, TH = OH/2,
 *       TW = OW/2) with the filter transformed into u, plus bias and ReLU (flags as gemm-code.ts). Tiles t = (b, th,
 *       tw) m0..m1, `chunk` at a time through the scratch buffers v [16, chunk, Ci] and m [16, chunk, Co] (sized to
 *       stay in the core's cache; each thread its own). Ci and Co multiples of 4.
 */
import { RELU } from './gemm-code';
import { FunctionBuilder, I32, V128 } from './wasm-encoder';
import type { Local } from './wasm-encoder';

const params = (f: FunctionBuilder, n: number): Local[] => Array.from({ length: n }, (_, i) => f.param(i));
const v128s = (f: FunctionBuilder, n: number): Local[] => Array.from({ length: n }, () => f.local(V128));

/** dst = a op b for v128 locals (op an f32x4 opcode emitter). */
function op(f: FunctionBuilder, dst: Local, a: Local, b: Local, o: () => void): void {
  f.get(a).get(b);
  o();
  f.set(dst);
}

export function winoFilterKernel(): FunctionBuilder {
  const f = new FunctionBuilder(new Array<typeof I32>(6).fill(I32));
  const [w, u, Ci, Co, m0, m1] = params(f, 6);
  const [ci, co, plane, src, dst] = Array.from({ length: 5 }, () => f.local(I32));
  const g = v128s(f, 9);
  const t = v128s(f, 12);
  const half = f.local(V128);
  const tmp = f.local(V128);
  f.v128ConstF32(0.5).set(half);
  f.get(Ci).get(Co).mul().i32(2).shl().set(plane);
  // (a + b + c)·½ and (a - b + c)·½ into dst.
  const sumHalf = (dst: Local, a: Local, b: Local, c: Local, minus: boolean) => {
    f.get(a).get(b);
    if (minus) f.f32x4Sub();
    else f.f32x4Add();
    f.get(c).f32x4Add().get(half).f32x4Mul().set(dst);
  };
  f.get(m0).set(ci);
  f.loopWhile(() => f.get(ci).get(m1).ltU(), () => {
    f.i32(0).set(co);
    f.loopWhile(() => f.get(co).get(Co).ltU(), () => {
      f.get(ci).get(Co).mul().get(co).add().i32(2).shl().set(src);
      f.get(src).get(u).add().set(dst);
      f.get(src).get(w).add().set(src);
      for (let k = 0; k < 9; k++) f.get(src).get(plane).i32(k).mul().add().v128Load().set(g[k]!);
      // t = G·g (rows of 3): t0 = g0, t1 = (g0+g1+g2)/2, t2 = (g0-g1+g2)/2, t3 = g2, per column kw.
      for (let kw = 0; kw < 3; kw++) {
        const [g0, g1, g2] = [g[kw]!, g[3 + kw]!, g[6 + kw]!];
        f.get(g0).set(t[kw]!);
        sumHalf(t[3 + kw]!, g0, g1, g2, false);
        sumHalf(t[6 + kw]!, g0, g1, g2, true);
        f.get(g2).set(t[9 + kw]!);
      }
      // U = t·Gᵀ, row by row, stored at ξ = 4i + j.
      for (let i = 0; i < 4; i++) {
        const [a, b, c] = [t[3 * i]!, t[3 * i + 1]!, t[3 * i + 2]!];
        const store = (j: number, value: () => void) => {
          f.get(dst).get(plane).i32(4 * i + j).mul().add();
          value();
          f.v128Store();
        };
        store(0, () => f.get(a));
        store(1, () => { sumHalf(tmp, a, b, c, false); f.get(tmp); });
        store(2, () => { sumHalf(tmp, a, b, c, true); f.get(tmp); });
        store(3, () => f.get(c));
      }
      f.inc(co, () => f.i32(4));
    });
    f.inc(ci, () => f.i32(1));
  });
  return f;
}

/** The input transform of tiles t0..t1 into v [16, chunk, Ci] (rows t - t0). */
function inputTransform(f: FunctionBuilder, p: { x: Local; v: Local; H: Local; W: Local; Ci: Local; TH: Local; TW: Local; chunk: Local }, t0: Local, t1: Local): void {
  const [t, ci, base, vBase, vPlane, rowStep, colStep, r] = Array.from({ length: 8 }, () => f.local(I32));
  const d = v128s(f, 16);
  const q = v128s(f, 16);
  f.get(p.W).get(p.Ci).mul().i32(2).shl().set(rowStep);
  f.get(p.Ci).i32(2).shl().set(colStep);
  f.get(p.chunk).get(p.Ci).mul().i32(2).shl().set(vPlane);
  f.get(t0).set(t);
  f.loopWhile(() => f.get(t).get(t1).ltU(), () => {
    // t = (b·TH + th)·TW + tw; the tile's corner is x[b, 2·th, 2·tw, 0].
    f.get(t).get(p.TW).divU().set(r); // b·TH + th
    f.get(r).get(p.TH).divU().get(p.H).mul(); // b·H
    f.get(r).get(p.TH).remU().i32(1).shl().add().get(p.W).mul(); // (b·H + 2th)·W
    f.get(t).get(p.TW).remU().i32(1).shl().add().get(colStep).mul().get(p.x).add().set(base);
    f.get(t).get(t0).sub().get(colStep).mul().get(p.v).add().set(vBase);
    f.i32(0).set(ci);
    f.loopWhile(() => f.get(ci).get(p.Ci).ltU(), () => {
      for (let i = 0; i < 4; i++) {
        for (let j = 0; j < 4; j++) {
          f.get(base).get(rowStep).i32(i).mul().add().get(colStep).i32(j).mul().add().v128Load().set(d[4 * i + j]!);
        }
      }
      // q = Bᵀ·d, column by column: q0 = d0 - d2, q1 = d1 + d2, q2 = d2 - d1, q3 = d1 - d3.
      for (let j = 0; j < 4; j++) {
        const [d0, d1, d2, d3] = [0, 1, 2, 3].map((i) => d[4 * i + j]!) as [Local, Local, Local, Local];
        op(f, q[j]!, d0, d2, f.f32x4Sub);
        op(f, q[4 + j]!, d1, d2, f.f32x4Add);
        op(f, q[8 + j]!, d2, d1, f.f32x4Sub);
        op(f, q[12 + j]!, d1, d3, f.f32x4Sub);
      }
      // V = q·B, row by row, the same combination across; stored at ξ = 4i + j.
      for (let i = 0; i < 4; i++) {
        const [a, b, c, e] = [0, 1, 2, 3].map((j) => q[4 * i + j]!) as [Local, Local, Local, Local];
        const combos: [Local, Local, () => void][] = [[a, c, f.f32x4Sub], [b, c, f.f32x4Add], [c, b, f.f32x4Sub], [b, e, f.f32x4Sub]];
        combos.forEach(([l, rr, o], j) => {
          f.get(vBase).get(vPlane).i32(4 * i + j).mul().add();
          f.get(l).get(rr);
          o();
          f.v128Store();
        });
      }
      f.inc(base, () => f.i32(16));
      f.inc(vBase, () => f.i32(16));
      f.inc(ci, () => f.i32(4));
    });
    f.inc(t, () => f.i32(1));
  });
}

/** The output transform of tiles t0..t1 from m [16, chunk, Co] into y, with bias and ReLU. */
function outputTransform(
  f: FunctionBuilder, p: { m: Local; y: Local; bias: Local; flags: Local; OH: Local; OW: Local; Co: Local; TH: Local; TW: Local; chunk: Local }, t0: Local, t1: Local,
): void {
  const [t, co, mBase, mPlane, yBase, rowStep, colStep, r] = Array.from({ length: 8 }, () => f.local(I32));
  const m = v128s(f, 16);
  const s = v128s(f, 8);
  const out = v128s(f, 4);
  f.get(p.OW).get(p.Co).mul().i32(2).shl().set(rowStep);
  f.get(p.Co).i32(2).shl().set(colStep);
  f.get(p.chunk).get(p.Co).mul().i32(2).shl().set(mPlane);
  f.get(t0).set(t);
  f.loopWhile(() => f.get(t).get(t1).ltU(), () => {
    f.get(t).get(p.TW).divU().set(r);
    f.get(r).get(p.TH).divU().get(p.OH).mul();
    f.get(r).get(p.TH).remU().i32(1).shl().add().get(p.OW).mul();
    f.get(t).get(p.TW).remU().i32(1).shl().add().get(colStep).mul().get(p.y).add().set(yBase);
    f.get(t).get(t0).sub().get(colStep).mul().get(p.m).add().set(mBase);
    f.i32(0).set(co);
    f.loopWhile(() => f.get(co).get(p.Co).ltU(), () => {
      for (let xi = 0; xi < 16; xi++) f.get(mBase).get(mPlane).i32(xi).mul().add().v128Load().set(m[xi]!);
      // s = Aᵀ·m: s0 = m0 + m1 + m2, s1 = m1 - m2 - m3, per column j.
      for (let j = 0; j < 4; j++) {
        f.get(m[j]!).get(m[4 + j]!).f32x4Add().get(m[8 + j]!).f32x4Add().set(s[j]!);
        f.get(m[4 + j]!).get(m[8 + j]!).f32x4Sub().get(m[12 + j]!).f32x4Sub().set(s[4 + j]!);
      }
      // Y = s·A, row by row.
      for (let i = 0; i < 2; i++) {
        const [a, b, c, e] = [0, 1, 2, 3].map((j) => s[4 * i + j]!) as [Local, Local, Local, Local];
        f.get(a).get(b).f32x4Add().get(c).f32x4Add().set(out[2 * i]!);
        f.get(b).get(c).f32x4Sub().get(e).f32x4Sub().set(out[2 * i + 1]!);
      }
      f.ifThen(() => f.get(p.bias), () => {
        for (const o of out) f.get(o).get(co).i32(2).shl().get(p.bias).add().v128Load().f32x4Add().set(o);
      });
      f.ifThen(() => f.get(p.flags).i32(RELU).and(), () => {
        for (const o of out) f.get(o).v128Zero().f32x4Max().set(o);
      });
      out.forEach((o, k) => {
        const [i, j] = [k >> 1, k & 1];
        f.get(yBase).get(rowStep).i32(i).mul().add().get(colStep).i32(j).mul().add().get(o).v128Store();
      });
      f.inc(mBase, () => f.i32(16));
      f.inc(yBase, () => f.i32(16));
      f.inc(co, () => f.i32(4));
    });
    f.inc(t, () => f.i32(1));
  });
}

/** `nnIndex`: the index of the `nn` kernel (gemm-code.ts) in the module, which this one calls for the 16 products. */
export function winoConvKernel(nnIndex: number): FunctionBuilder {
  const f = new FunctionBuilder(new Array<typeof I32>(18).fill(I32));
  const [x, u, y, bias, v, m, H, W, Ci, Co, OH, OW, TH, TW, flags, chunk, m0, m1] = params(f, 18);
  const [t0, t1, n, xi] = Array.from({ length: 4 }, () => f.local(I32));
  f.get(m0).set(t0);
  f.loopWhile(() => f.get(t0).get(m1).ltU(), () => {
    f.get(t0).get(chunk).add().set(t1);
    f.ifThen(() => f.get(m1).get(t1).ltU(), () => f.get(m1).set(t1));
    f.get(t1).get(t0).sub().set(n);
    inputTransform(f, { x, v, H, W, Ci, TH, TW, chunk }, t0, t1);
    f.i32(0).set(xi);
    f.loopWhile(() => f.get(xi).i32(16).ltU(), () => {
      // nn(a = v[ξ], b = u[ξ], c = m[ξ], bias 0, M = n, K = Ci, N = Co, flags 0, rows 0..n)
      f.get(xi).get(chunk).mul().get(Ci).mul().i32(2).shl().get(v).add();
      f.get(xi).get(Ci).mul().get(Co).mul().i32(2).shl().get(u).add();
      f.get(xi).get(chunk).mul().get(Co).mul().i32(2).shl().get(m).add();
      f.i32(0).get(n).get(Ci).get(Co).i32(0).i32(0).get(n);
      f.call(nnIndex);
      f.inc(xi, () => f.i32(1));
    });
    outputTransform(f, { m, y, bias, flags, OH, OW, Co, TH, TW, chunk }, t0, t1);
    f.get(t1).set(t0);
  });
  return f;
}
