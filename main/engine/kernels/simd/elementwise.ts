/**
 * The elementwise training kernels (elementwise-code.ts) on TensorInfos of the wasm backend: shape checks, outputs,
 * the split between this thread and the pool, and the last 1-3 elements of a tensor whose size is not a multiple of
 * 4 (done here in float32 arithmetic, Math.fround after every operation, so they equal what the SIMD lanes compute).
 * Every function returns null when the tensors do not fit; the caller then composes tfjs' own kernels.
 */
import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs';
import { floatBits } from './elementwise-code';
import { backendMemory, makeOutput, offsetOf } from './module';
import { runnerFor, simdCalls, split } from './gemm';

const size = (t: TensorInfo) => t.shape.reduce((a, b) => a * b, 1);
const allFloat = (ts: TensorInfo[]) => ts.every((t) => t.dtype === 'float32');
const sameSize = (ts: TensorInfo[]) => ts.every((t) => size(t) === size(ts[0]!));
/** Below this many elements one thread does it all (waking a helper costs more). */
const THREADED_ELEMENTS = 1 << 17;
/** `split` compares work with its product threshold (multiply-adds); an element here counts for this many. */
const ELEMENT_WORK = 2e6 / THREADED_ELEMENTS;

const f32 = Math.fround;

/**
 * The gradient of relu(a + bias) from dy and y = relu(a + bias), both [..., C] with C a multiple of 4: dx, and with
 * `bias` the bias gradient [C] (dx summed over every other axis). Helper threads sum their rows into their own
 * partial row, added up here.
 */
export function simdReluBiasGrad(backend: KernelBackend, dy: TensorInfo, y: TensorInfo, bias: boolean): { dx: TensorInfo; dBias: TensorInfo | null } | null {
  const c = dy.shape[dy.shape.length - 1] ?? 0;
  if (!allFloat([dy, y]) || !sameSize([dy, y]) || c % 4 !== 0 || c === 0) return null;
  const r = runnerFor(backend);
  const rows = size(dy) / c;
  const dx = makeOutput(backend, [...dy.shape]);
  const helpers = r.pool && size(dy) >= THREADED_ELEMENTS ? r.pool.size : 0;
  const dBias = bias ? makeOutput(backend, [c]) : null;
  const partials = dBias && helpers > 0 ? makeOutput(backend, [helpers, c]) : null;
  const heap = new Float32Array(backendMemory(backend).buffer);
  const at = (t: TensorInfo | null) => (t ? offsetOf(backend, t) : 0);
  if (dBias) heap.fill(0, at(dBias) / 4, at(dBias) / 4 + c);
  if (partials) heap.fill(0, at(partials) / 4, at(partials) / 4 + helpers * c);
  const args = (out: number, m0: number, m1: number) => [at(dy), at(y), at(dx), out, c, m0, m1];
  simdCalls.reluBiasGrad++;
  if (helpers === 0) {
    r.exports.reluBiasGrad(...args(at(dBias), 0, rows));
    return { dx, dBias };
  }
  const share = Math.ceil(rows / (helpers + 1));
  const jobs = Array.from({ length: helpers }, (_, h) => args(partials ? at(partials) + 4 * h * c : 0, Math.min(rows, h * share), Math.min(rows, (h + 1) * share)));
  r.pool!.runEach('reluBiasGrad', jobs);
  try {
    r.exports.reluBiasGrad(...args(at(dBias), Math.min(rows, helpers * share), rows));
  } finally {
    r.pool!.wait();
  }
  if (dBias && partials) {
    const base = at(dBias) / 4;
    for (let h = 0; h < helpers; h++) {
      const p = at(partials) / 4 + h * c;
      for (let i = 0; i < c; i++) heap[base + i] = f32(heap[base + i]! + heap[p + i]!);
    }
    backend.disposeData(partials.dataId);
  }
  return { dx, dBias };
}

/** Runs `fn` over the elements of the tensors in multiples of 4 (split between threads), then `tail` on the rest. */
function elementwise(backend: KernelBackend, fn: 'momentum' | 'adam', args: number[], n: number, tail: (heap: Float32Array, i: number) => void): void {
  const n4 = n - (n % 4);
  if (n4 > 0) split(runnerFor(backend), fn, args, n4, 4, n4 * ELEMENT_WORK);
  else simdCalls[fn]++;
  if (n4 === n) return;
  const heap = new Float32Array(backendMemory(backend).buffer);
  for (let i = n4; i < n; i++) tail(heap, i);
}

export interface MomentumStep {
  learningRate: number;
  momentum: number;
  nesterov: boolean;
}

/** tfjs' MomentumOptimizer update of one variable: its new value and new accumulation. */
export function simdMomentum(backend: KernelBackend, value: TensorInfo, acc: TensorInfo, grad: TensorInfo, o: MomentumStep): [TensorInfo, TensorInfo] | null {
  if (!allFloat([value, acc, grad]) || !sameSize([value, acc, grad])) return null;
  const newValue = makeOutput(backend, [...value.shape]);
  const newAcc = makeOutput(backend, [...value.shape]);
  const [v, a, g, nv, na] = [value, acc, grad, newValue, newAcc].map((t) => offsetOf(backend, t) / 4) as [number, number, number, number, number];
  const [c, m] = [f32(-o.learningRate), f32(o.momentum)];
  const args = [v * 4, a * 4, g * 4, nv * 4, na * 4, floatBits(c), floatBits(m), o.nesterov ? 1 : 0];
  elementwise(backend, 'momentum', args, size(value), (heap, i) => {
    const acc2 = f32(f32(m * heap[a + i]!) + heap[g + i]!);
    heap[na + i] = acc2;
    const step = o.nesterov ? f32(heap[g + i]! + f32(acc2 * m)) : acc2;
    heap[nv + i] = f32(f32(c * step) + heap[v + i]!);
  });
  return [newValue, newAcc];
}

export interface AdamStep {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** beta1^t and beta2^t as the optimizer holds them (float32 scalars). */
  accBeta1: number;
  accBeta2: number;
}

/** tfjs' AdamOptimizer update of one variable: its new value, first and second moments. */
export function simdAdam(backend: KernelBackend, value: TensorInfo, m: TensorInfo, v: TensorInfo, grad: TensorInfo, o: AdamStep): [TensorInfo, TensorInfo, TensorInfo] | null {
  if (!allFloat([value, m, v, grad]) || !sameSize([value, m, v, grad])) return null;
  const outs = [0, 1, 2].map(() => makeOutput(backend, [...value.shape])) as [TensorInfo, TensorInfo, TensorInfo];
  const [pv, pm, pvv, pg, nv, nm, nvv] = [value, m, v, grad, ...outs].map((t) => offsetOf(backend, t) / 4) as number[] as [number, number, number, number, number, number, number];
  // The scalars as tfjs makes them: JS doubles turned into float32 tensors, 1 - beta^t subtracted in float32.
  const k = {
    b1: f32(o.beta1), omb1: f32(1 - o.beta1), b2: f32(o.beta2), omb2: f32(1 - o.beta2),
    acc1: f32(1 - f32(o.accBeta1)), acc2: f32(1 - f32(o.accBeta2)), eps: f32(o.epsilon), lr: f32(-o.learningRate),
  };
  const args = [pv, pm, pvv, pg, nv, nm, nvv].map((p) => p * 4).concat([k.b1, k.omb1, k.b2, k.omb2, k.acc1, k.acc2, k.eps, k.lr].map(floatBits));
  elementwise(backend, 'adam', args, size(value), (heap, i) => {
    const g = heap[pg + i]!;
    const m2 = f32(f32(heap[pm + i]! * k.b1) + f32(g * k.omb1));
    const v2 = f32(f32(heap[pvv + i]! * k.b2) + f32(f32(g * g) * k.omb2));
    heap[nm + i] = m2;
    heap[nvv + i] = v2;
    const denom = f32(f32(Math.sqrt(f32(v2 / k.acc2))) + k.eps);
    heap[nv + i] = f32(f32(f32(f32(m2 / k.acc1) / denom) * k.lr) + heap[pv + i]!);
  });
  return outs;
}
