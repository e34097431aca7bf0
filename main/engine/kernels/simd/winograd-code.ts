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

/**
 * base = image + (t's pixel index)·colStep bytes for tile t = (b·TH + th)·TW + tw, whose corner is pixel
 * (b, 2·th, 2·tw) of an image [B, rows, cols, channels] (colStep = channels·4); r is a scratch local.
 */
function tileCorner(f: FunctionBuilder, t: Local, g: { TH: Local; TW: Local; rows: Local; cols: Local; image: Local }, colStep: Local, r: Local, base: Local): void {
  f.get(t).get(g.TW).divU().set(r); // b·TH + th
  f.get(r).get(g.TH).divU().get(g.rows).mul(); // b·rows
  f.get(r).get(g.TH).remU().i32(1).shl().add().get(g.cols).mul(); // (b·rows + 2th)·cols
  f.get(t).get(g.TW).remU().i32(1).shl().add().get(colStep).mul().get(g.image).add().set(base);
}

/** for (t0 = m0; t0 < m1; t0 = t1) { t1 = min(t0 + chunk, m1); n = t1 - t0; body() }: tiles a chunk at a time. */
function chunks(f: FunctionBuilder, m0: Local, m1: Local, chunk: Local, body: (t0: Local, t1: Local, n: Local) => void): void {
  const [t0, t1, n] = Array.from({ length: 3 }, () => f.local(I32));
  f.get(m0).set(t0);
  f.loopWhile(() => f.get(t0).get(m1).ltU(), () => {
    f.get(t0).get(chunk).add().set(t1);
    f.ifThen(() => f.get(m1).get(t1).ltU(), () => f.get(m1).set(t1));
    f.get(t1).get(t0).sub().set(n);
    body(t0, t1, n);
    f.get(t1).set(t0);
  });
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

/**
 * The input transform of tiles t0..t1 into v [16, chunk, Ci] (rows t - t0). F(2x2, 3x3)'s Bᵀ, or with `f32` the
 * Bᵀ of F(3x3, 2x2) (the filter gradient's), whose last row is negated: [0, -1, 0, 1].
 */
function inputTransform(f: FunctionBuilder, p: { x: Local; v: Local; H: Local; W: Local; Ci: Local; TH: Local; TW: Local; chunk: Local }, t0: Local, t1: Local, f32 = false): void {
  const [t, ci, base, vBase, vPlane, rowStep, colStep, r] = Array.from({ length: 8 }, () => f.local(I32));
  const d = v128s(f, 16);
  const q = v128s(f, 16);
  f.get(p.W).get(p.Ci).mul().i32(2).shl().set(rowStep);
  f.get(p.Ci).i32(2).shl().set(colStep);
  f.get(p.chunk).get(p.Ci).mul().i32(2).shl().set(vPlane);
  f.get(t0).set(t);
  f.loopWhile(() => f.get(t).get(t1).ltU(), () => {
    tileCorner(f, t, { TH: p.TH, TW: p.TW, rows: p.H, cols: p.W, image: p.x }, colStep, r, base);
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
        if (f32) op(f, q[12 + j]!, d3, d1, f.f32x4Sub);
        else op(f, q[12 + j]!, d1, d3, f.f32x4Sub);
      }
      // V = q·B, row by row, the same combination across; stored at ξ = 4i + j.
      for (let i = 0; i < 4; i++) {
        const [a, b, c, e] = [0, 1, 2, 3].map((j) => q[4 * i + j]!) as [Local, Local, Local, Local];
        const combos: [Local, Local, () => void][] = [[a, c, f.f32x4Sub], [b, c, f.f32x4Add], [c, b, f.f32x4Sub], f32 ? [e, b, f.f32x4Sub] : [b, e, f.f32x4Sub]];
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
    tileCorner(f, t, { TH: p.TH, TW: p.TW, rows: p.OH, cols: p.OW, image: p.y }, colStep, r, yBase);
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
  const xi = f.local(I32);
  chunks(f, m0, m1, chunk, (t0, t1, n) => {
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
  });
  return f;
}

/** dy's 2x2 tiles t0..t1 (at dy[b, 2th, 2tw]) transformed by F(3x3, 2x2)'s G·a·Gᵀ into d [16, chunk, Co]. */
function dyTransform(f: FunctionBuilder, p: { dy: Local; d: Local; OH: Local; OW: Local; Co: Local; TH: Local; TW: Local; chunk: Local }, t0: Local, t1: Local): void {
  const [t, co, base, dBase, dPlane, rowStep, colStep, r] = Array.from({ length: 8 }, () => f.local(I32));
  const a = v128s(f, 4);
  const q = v128s(f, 8);
  const half = f.local(V128);
  f.v128ConstF32(0.5).set(half);
  f.get(p.OW).get(p.Co).mul().i32(2).shl().set(rowStep);
  f.get(p.Co).i32(2).shl().set(colStep);
  f.get(p.chunk).get(p.Co).mul().i32(2).shl().set(dPlane);
  // (x ± y)·½
  const halfOf = (x: Local, y: Local, minus: boolean) => {
    f.get(x).get(y);
    if (minus) f.f32x4Sub();
    else f.f32x4Add();
    f.get(half).f32x4Mul();
  };
  f.get(t0).set(t);
  f.loopWhile(() => f.get(t).get(t1).ltU(), () => {
    tileCorner(f, t, { TH: p.TH, TW: p.TW, rows: p.OH, cols: p.OW, image: p.dy }, colStep, r, base);
    f.get(t).get(t0).sub().get(colStep).mul().get(p.d).add().set(dBase);
    f.i32(0).set(co);
    f.loopWhile(() => f.get(co).get(p.Co).ltU(), () => {
      for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) f.get(base).get(rowStep).i32(i).mul().add().get(colStep).i32(j).mul().add().v128Load().set(a[2 * i + j]!);
      // q = G·a (4 rows of 2): a0, (a0+a1)/2, (a0-a1)/2, a1 per column.
      for (let j = 0; j < 2; j++) {
        f.get(a[j]!).set(q[j]!);
        halfOf(a[j]!, a[2 + j]!, false);
        f.set(q[2 + j]!);
        halfOf(a[j]!, a[2 + j]!, true);
        f.set(q[4 + j]!);
        f.get(a[2 + j]!).set(q[6 + j]!);
      }
      // D = q·Gᵀ, row by row, stored at ξ = 4i + j.
      for (let i = 0; i < 4; i++) {
        const [x0, x1] = [q[2 * i]!, q[2 * i + 1]!];
        const at = (j: number) => f.get(dBase).get(dPlane).i32(4 * i + j).mul().add();
        at(0).get(x0).v128Store();
        at(1);
        halfOf(x0, x1, false);
        f.v128Store();
        at(2);
        halfOf(x0, x1, true);
        f.v128Store();
        at(3).get(x1).v128Store();
      }
      f.inc(base, () => f.i32(16));
      f.inc(dBase, () => f.i32(16));
      f.inc(co, () => f.i32(4));
    });
    f.inc(t, () => f.i32(1));
  });
}

/**
 * `winoFilterGrad` (x, dy, acc, v, d, H, W, Ci, Co, OH, OW, TH, TW, chunk, m0, m1): the filter gradient of a 3x3
 * stride-1 valid convolution (x padded, OH and OW even) by F(3x3, 2x2): for tiles m0..m1, `chunk` at a time,
 * acc[ξ] (Ci x Co) = Σ_tiles V[ξ]ᵀ·D[ξ] with V the input tiles' transform (v [16, chunk, Ci]) and D dy's
 * (d [16, chunk, Co]), summed by our filter-gradient kernel (index `filterGradIndex`) as 1x1 products over the
 * tiles. The first chunk overwrites acc, the others add to it; winoFilterGradOut turns acc into dW.
 */
export function winoFilterGradKernel(filterGradIndex: number): FunctionBuilder {
  const f = new FunctionBuilder(new Array<typeof I32>(16).fill(I32));
  const [x, dy, acc, v, d, H, W, Ci, Co, OH, OW, TH, TW, chunk, m0, m1] = params(f, 16);
  const xi = f.local(I32);
  chunks(f, m0, m1, chunk, (t0, t1, n) => {
    inputTransform(f, { x, v, H, W, Ci, TH, TW, chunk }, t0, t1, true);
    dyTransform(f, { dy, d, OH, OW, Co, TH, TW, chunk }, t0, t1);
    f.i32(0).set(xi);
    f.loopWhile(() => f.get(xi).i32(16).ltU(), () => {
      // filterGrad(x = v[ξ] as [1, 1, n, Ci], dy = d[ξ] as [1, 1, n, Co], out = acc[ξ], B 1, OH 1, OW n, H 1, W n,
      //            Ci, Co, KW 1, SH 1, SW 1, DH 1, DW 1, accumulate after the first chunk, rows 0..Ci)
      f.get(xi).get(chunk).mul().get(Ci).mul().i32(2).shl().get(v).add();
      f.get(xi).get(chunk).mul().get(Co).mul().i32(2).shl().get(d).add();
      f.get(xi).get(Ci).mul().get(Co).mul().i32(2).shl().get(acc).add();
      f.i32(1).i32(1).get(n).i32(1).get(n).get(Ci).get(Co).i32(1).i32(1).i32(1).i32(1).i32(1);
      f.get(t0).get(m0).sub(); // accumulate: nonzero after the first chunk
      f.i32(0).get(Ci);
      f.call(filterGradIndex);
      f.inc(xi, () => f.i32(1));
    });
  });
  return f;
}

/**
 * `winoFilterGradOut` (acc, dw, Ci, Co, parts, m0, m1): dW [3, 3, Ci, Co] = Aᵀ·M·A of F(3x3, 2x2) where M is the sum
 * of `parts` accumulators [16, Ci, Co] lying one after another (one per thread); input channels m0..m1.
 */
export function winoFilterGradOutKernel(): FunctionBuilder {
  const f = new FunctionBuilder(new Array<typeof I32>(7).fill(I32));
  const [acc, dw, Ci, Co, parts, m0, m1] = params(f, 7);
  const [ci, co, off, plane, part, p] = Array.from({ length: 6 }, () => f.local(I32));
  const m = v128s(f, 16);
  const s = v128s(f, 12);
  f.get(Ci).get(Co).mul().i32(2).shl().set(plane);
  f.get(m0).set(ci);
  f.loopWhile(() => f.get(ci).get(m1).ltU(), () => {
    f.i32(0).set(co);
    f.loopWhile(() => f.get(co).get(Co).ltU(), () => {
      f.get(ci).get(Co).mul().get(co).add().i32(2).shl().set(off);
      for (let k = 0; k < 16; k++) f.get(off).get(acc).add().get(plane).i32(k).mul().add().v128Load().set(m[k]!);
      // Add the other threads' accumulators (each 16 planes further on).
      f.i32(1).set(part);
      f.loopWhile(() => f.get(part).get(parts).ltU(), () => {
        f.get(part).get(plane).mul().i32(16).mul().get(off).add().get(acc).add().set(p);
        for (let k = 0; k < 16; k++) f.get(m[k]!).get(p).get(plane).i32(k).mul().add().v128Load().f32x4Add().set(m[k]!);
        f.inc(part, () => f.i32(1));
      });
      // s = Aᵀ·m (3 rows): m0 + m1 + m2, m1 - m2, m1 + m2 + m3, per column j.
      for (let j = 0; j < 4; j++) {
        const [a, b, c, e] = [0, 1, 2, 3].map((i) => m[4 * i + j]!) as [Local, Local, Local, Local];
        f.get(a).get(b).f32x4Add().get(c).f32x4Add().set(s[j]!);
        f.get(b).get(c).f32x4Sub().set(s[4 + j]!);
        f.get(b).get(c).f32x4Add().get(e).f32x4Add().set(s[8 + j]!);
      }
      // dW = s·A, row by row: dW[kh, kw] at plane kh·3 + kw.
      for (let kh = 0; kh < 3; kh++) {
        const [a, b, c, e] = [0, 1, 2, 3].map((j) => s[4 * kh + j]!) as [Local, Local, Local, Local];
        const at = (kw: number) => f.get(off).get(dw).add().get(plane).i32(3 * kh + kw).mul().add();
        at(0).get(a).get(b).f32x4Add().get(c).f32x4Add().v128Store();
        at(1).get(b).get(c).f32x4Sub().v128Store();
        at(2).get(b).get(c).f32x4Add().get(e).f32x4Add().v128Store();
      }
      f.inc(co, () => f.i32(4));
    });
    f.inc(ci, () => f.i32(1));
  });
  return f;
}
