/**
 * Elementwise training kernels in WebAssembly SIMD (see wasm-encoder.ts), each one pass over its tensors where tfjs
 * would run several kernels, each reading and writing the whole tensor again (and allocating it):
 *
 * `reluBiasGrad` (dy, y, dx, dBias, C, m0, m1): the backward pass of relu(a + bias) given dy and the output y:
 *       dx = dy where y > 0, else 0 (TensorFlow's ReluGrad; y > 0 exactly where a > 0), and dBias[c] += Σ_rows dx,
 *       rows m0..m1 of [rows, C] (C a multiple of 4). dBias 0: no bias. tfjs: Step, Multiply, Sum (and a Cast).
 * `momentum` (value, acc, grad, newValue, newAcc, negLr, m, nesterov, m0, m1): SGD with momentum exactly as tfjs'
 *       MomentumOptimizer computes it in float32 (acc' = m·acc + g; value' = -lr·acc' + value, or with Nesterov
 *       -lr·(g + acc'·m) + value), elements m0..m1 (multiples of 4). tfjs: 4-6 kernels per variable.
 * `adam` (value, m, v, grad, newValue, newM, newV, beta1, 1-beta1, beta2, 1-beta2, 1-beta1^t, 1-beta2^t, eps, -lr,
 *       m0, m1): tfjs' AdamOptimizer step in the same order of float32 operations. tfjs: 12 kernels per variable.
 *
 * Float parameters travel as the i32 bits of the float32 (`floatBits`), so that every kernel keeps an all-i32
 * signature that the helper threads (pool.ts) can pass on.
 */
import { FunctionBuilder, I32, V128 } from './wasm-encoder';
import type { Local } from './wasm-encoder';

/** The bits of x rounded to float32, as an i32 parameter of these kernels. */
export function floatBits(x: number): number {
  const f = new Float32Array([x]);
  return new Int32Array(f.buffer)[0]!;
}

const params = (f: FunctionBuilder, n: number): Local[] => Array.from({ length: n }, (_, i) => f.param(i));

/** A v128 local holding the float parameter `p` (its i32 bits) in every lane. */
function splatParam(f: FunctionBuilder, p: Local): Local {
  const v = f.local(V128);
  f.get(p).f32ReinterpretI32().f32x4Splat().set(v);
  return v;
}

export function reluBiasGradKernel(): FunctionBuilder {
  const f = new FunctionBuilder(new Array<typeof I32>(7).fill(I32));
  const [dy, y, dx, dBias, C, m0, m1] = params(f, 7);
  const [off, end, rowEnd, c] = Array.from({ length: 4 }, () => f.local(I32));
  const d = f.local(V128);

  f.get(m0).get(C).mul().i32(2).shl().set(off);
  f.get(m1).get(C).mul().i32(2).shl().set(end);
  f.loopWhile(() => f.get(off).get(end).ltU(), () => {
    f.get(off).get(C).i32(2).shl().add().set(rowEnd);
    f.i32(0).set(c);
    f.loopWhile(() => f.get(off).get(rowEnd).ltU(), () => {
      // dx = dy & (y > 0): the comparison's all-ones lanes keep dy, the others give +0.
      f.get(off).get(dy).add().v128Load();
      f.get(off).get(y).add().v128Load().v128Zero().f32x4Gt();
      f.v128And().set(d);
      f.get(off).get(dx).add().get(d).v128Store();
      f.ifThen(() => f.get(dBias), () => {
        f.get(c).get(dBias).add();
        f.get(c).get(dBias).add().v128Load().get(d).f32x4Add();
        f.v128Store();
      });
      f.inc(off, () => f.i32(16));
      f.inc(c, () => f.i32(16));
    });
  });
  return f;
}

export function momentumKernel(): FunctionBuilder {
  const f = new FunctionBuilder(new Array<typeof I32>(10).fill(I32));
  const [value, acc, grad, newValue, newAcc, negLr, m, nesterov, m0, m1] = params(f, 10);
  const [off, end] = [f.local(I32), f.local(I32)];
  const [cv, mv] = [splatParam(f, negLr), splatParam(f, m)];
  const [a, g] = [f.local(V128), f.local(V128)];

  f.get(m0).i32(2).shl().set(off);
  f.get(m1).i32(2).shl().set(end);
  f.loopWhile(() => f.get(off).get(end).ltU(), () => {
    f.get(off).get(grad).add().v128Load().set(g);
    // acc' = m·acc + g
    f.get(mv).get(off).get(acc).add().v128Load().f32x4Mul().get(g).f32x4Add().set(a);
    f.get(off).get(newAcc).add().get(a).v128Store();
    f.get(off).get(newValue).add();
    f.get(cv);
    f.ifThen(() => f.get(nesterov), () => {
      // g + acc'·m
      f.get(g).get(a).get(mv).f32x4Mul().f32x4Add().set(a);
    });
    f.get(a).f32x4Mul().get(off).get(value).add().v128Load().f32x4Add();
    f.v128Store();
    f.inc(off, () => f.i32(16));
  });
  return f;
}

export function adamKernel(): FunctionBuilder {
  const f = new FunctionBuilder(new Array<typeof I32>(17).fill(I32));
  const [value, mIn, vIn, grad, newValue, newM, newV, b1, omb1, b2, omb2, omAcc1, omAcc2, eps, negLr, m0, m1] = params(f, 17);
  const [off, end] = [f.local(I32), f.local(I32)];
  const [b1v, omb1v, b2v, omb2v, acc1v, acc2v, epsv, lrv] = [b1, omb1, b2, omb2, omAcc1, omAcc2, eps, negLr].map((p) => splatParam(f, p));
  const [g, m, v] = [f.local(V128), f.local(V128), f.local(V128)];

  f.get(m0).i32(2).shl().set(off);
  f.get(m1).i32(2).shl().set(end);
  f.loopWhile(() => f.get(off).get(end).ltU(), () => {
    f.get(off).get(grad).add().v128Load().set(g);
    // m' = m·b1 + g·(1-b1); v' = v·b2 + (g·g)·(1-b2)
    f.get(off).get(mIn).add().v128Load().get(b1v).f32x4Mul().get(g).get(omb1v).f32x4Mul().f32x4Add().set(m);
    f.get(off).get(vIn).add().v128Load().get(b2v).f32x4Mul().get(g).get(g).f32x4Mul().get(omb2v).f32x4Mul().f32x4Add().set(v);
    f.get(off).get(newM).add().get(m).v128Store();
    f.get(off).get(newV).add().get(v).v128Store();
    // value' = ((m'/(1-b1^t)) / (sqrt(v'/(1-b2^t)) + eps))·(-lr) + value
    f.get(off).get(newValue).add();
    f.get(m).get(acc1v).f32x4Div();
    f.get(v).get(acc2v).f32x4Div().f32x4Sqrt().get(epsv).f32x4Add();
    f.f32x4Div().get(lrv).f32x4Mul().get(off).get(value).add().v128Load().f32x4Add();
    f.v128Store();
    f.inc(off, () => f.i32(16));
  });
  return f;
}
