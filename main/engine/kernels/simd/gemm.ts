/**
 * The products our kernels hand to the SIMD module (gemm-code.ts), on TensorInfos of the wasm backend: shape checks,
 * output allocation, and the split of the result's rows between this thread and the pool (pool.ts).
 * Every function returns null when the shapes do not fit the kernels; the caller then uses the stock path.
 */
import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs';
import { RELU, TRANSPOSED_OUT } from './gemm-code';
import { backendMemory, backendThreads, instantiate, isShared, makeOutput, offsetOf, simdModule } from './module';
import type { SimdExports } from './module';
import { SimdPool } from './pool';

/** LAYERLAB_SIMD_KERNELS=0 turns them off (stock XNNPACK paths), for comparisons and as an escape hatch. */
export const simdKernelsEnabled = (env: NodeJS.ProcessEnv = process.env) => env.LAYERLAB_SIMD_KERNELS?.trim() !== '0';

/** How many products each SIMD kernel ran (tests check that a shape took the SIMD path, not the stock one). */
export const simdCalls = { nn: 0, filterGrad: 0, conv: 0, maxPoolGrad: 0, pad: 0, reluBiasGrad: 0, momentum: 0, adam: 0, winoConv: 0, winoFilterGrad: 0 };

export interface Runner {
  backend: KernelBackend;
  exports: SimdExports;
  pool: SimdPool | null;
}

let runner: Runner | null = null;

/** The module on this backend's memory (and a pool of helper threads when the memory is shared). */
export function runnerFor(backend: KernelBackend): Runner {
  if (runner?.backend === backend) return runner;
  const memory = backendMemory(backend);
  const shared = isShared(memory);
  const module = simdModule(shared);
  runner = { backend, exports: instantiate(module, memory), pool: shared ? SimdPool.forThreads(module, memory, backendThreads(backend)) : null };
  return runner;
}

const batchOf = (shape: readonly number[]) => shape.slice(0, -2).reduce((a, b) => a * b, 1);
const last2 = (shape: readonly number[]) => shape.slice(-2) as [number, number];

/**
 * Runs `fn` over rows [0, rows) in chunks of `align`, the helper threads taking the first part and this thread the
 * rest, so that all cores work; below `minWork` (multiply-adds) one thread does it all (waking a thread costs more).
 */
export function split(r: Runner, fn: keyof typeof simdCalls, args: number[], rows: number, align: number, work: number): void {
  simdCalls[fn]++;
  const helpers = r.pool && work >= 2e6 ? r.pool.size : 0;
  if (helpers === 0) {
    r.exports[fn](...args, 0, rows);
    return;
  }
  const share = Math.ceil(rows / (helpers + 1) / align) * align;
  const jobs: [number, number][] = [];
  for (let h = 0; h < helpers; h++) jobs.push([Math.min(rows, h * share), Math.min(rows, (h + 1) * share)]);
  r.pool!.run(fn, args, jobs);
  try {
    r.exports[fn](...args, Math.min(rows, helpers * share), rows);
  } finally {
    // Even when this thread's part failed: the helpers must be done before anything else touches the heap.
    r.pool!.wait();
  }
}

/**
 * C = A·B (+ bias, ReLU) for A [..., M, K], B [..., K, N] with all batch dimensions 1; `transposeB` takes B as
 * [..., N, K] (computed as Cᵀ = B·Aᵀ written transposed, which needs Aᵀ: `aT` supplies it).
 */
export function simdMatMul(
  backend: KernelBackend, a: TensorInfo, b: TensorInfo,
  options: { bias?: TensorInfo | null; relu?: boolean; outShape: number[] },
): TensorInfo | null {
  const [m, k] = last2(a.shape);
  const [k2, n] = last2(b.shape);
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || batchOf(a.shape) !== 1 || batchOf(b.shape) !== 1 || k !== k2 || n % 4 !== 0) return null;
  if (options.bias && (options.bias.dtype !== 'float32' || options.bias.shape.reduce((x, y) => x * y, 1) !== n || options.bias.shape.length > 1 && options.bias.shape[options.bias.shape.length - 1] !== n)) return null;
  const r = runnerFor(backend);
  const out = makeOutput(backend, options.outShape);
  const flags = options.relu ? RELU : 0;
  const bias = options.bias ? offsetOf(backend, options.bias) : 0;
  split(r, 'nn', [offsetOf(backend, a), offsetOf(backend, b), offsetOf(backend, out), bias, m, k, n, flags], m, 1, m * k * n);
  return out;
}

/** C = A·Bᵀ for A [M, K] and B [N, K] (batch dimensions 1) given Aᵀ [K, M]: Cᵀ = B·Aᵀ, written transposed. */
export function simdMatMulTransposedB(backend: KernelBackend, aT: TensorInfo, b: TensorInfo, outShape: number[]): TensorInfo | null {
  const [k, m] = last2(aT.shape);
  const [n, k2] = last2(b.shape);
  if (aT.dtype !== 'float32' || b.dtype !== 'float32' || batchOf(aT.shape) !== 1 || batchOf(b.shape) !== 1 || k !== k2 || m % 4 !== 0) return null;
  const r = runnerFor(backend);
  const out = makeOutput(backend, outShape);
  split(r, 'nn', [offsetOf(backend, b), offsetOf(backend, aT), offsetOf(backend, out), 0, n, k, m, TRANSPOSED_OUT], n, 1, m * k * n);
  return out;
}

/** Shapes the filter-gradient kernel takes: channels multiples of 4. */
export const filterGradFits = (ci: number, co: number) => ci % 4 === 0 && co % 4 === 0 && ci > 0 && co > 0;

/**
 * dW [KH, KW, Ci, Co] of a valid-padded convolution of x [B, H, W, Ci] (already padded) giving dy [B, OH, OW, Co].
 * With H = OH = B = 1, W = OW = batch and a 1x1 kernel this is a Dense layer's xᵀ·dy.
 */
export function simdFilterGrad(
  backend: KernelBackend, x: TensorInfo, dy: TensorInfo,
  g: { kh: number; kw: number; sh: number; sw: number; dh: number; dw: number }, outShape: number[],
): TensorInfo | null {
  const [bs, h, w, ci] = x.shape as [number, number, number, number];
  const [b2, oh, ow, co] = dy.shape as [number, number, number, number];
  if (x.dtype !== 'float32' || dy.dtype !== 'float32' || bs !== b2 || !filterGradFits(ci, co)) return null;
  const r = runnerFor(backend);
  const out = makeOutput(backend, outShape);
  const rows = g.kh * g.kw * ci;
  const args = [offsetOf(backend, x), offsetOf(backend, dy), offsetOf(backend, out), bs, oh, ow, h, w, ci, co, g.kw, g.sh, g.sw, g.dh, g.dw, 0];
  split(r, 'filterGrad', args, rows, 4, bs * oh * ow * rows * co);
  return out;
}

/**
 * A valid-padded convolution (pad x first) of x [B, H, W, Ci] with w [KH, KW, Ci, Co] into [B, OH, OW, Co], plus an
 * optional bias and ReLU. Co a multiple of 4.
 */
export function simdConv(
  backend: KernelBackend, x: TensorInfo, w: TensorInfo, outHW: [number, number],
  g: { sh: number; sw: number; dh: number; dw: number }, options: { bias?: TensorInfo | null; relu?: boolean } = {},
): TensorInfo | null {
  const [bs, h, wd, ci] = x.shape as [number, number, number, number];
  const [kh, kw, ci2, co] = w.shape as [number, number, number, number];
  const [oh, ow] = outHW;
  if (x.dtype !== 'float32' || w.dtype !== 'float32' || ci !== ci2 || co % 4 !== 0) return null;
  if (options.bias && (options.bias.dtype !== 'float32' || options.bias.shape.length !== 1 || options.bias.shape[0] !== co)) return null;
  const r = runnerFor(backend);
  const out = makeOutput(backend, [bs, oh, ow, co]);
  const args = [offsetOf(backend, x), offsetOf(backend, w), offsetOf(backend, out), options.bias ? offsetOf(backend, options.bias) : 0,
    bs, h, wd, ci, oh, ow, co, kh, kw, g.sh, g.sw, g.dh, g.dw, options.relu ? RELU : 0];
  split(r, 'conv', args, bs * oh, 1, bs * oh * ow * co * kh * kw * ci);
  return out;
}

/**
 * MaxPoolGrad for disjoint KHxKW windows without padding over x [B, OH·KH, OW·KW, C] (C a multiple of 4), given the
 * pooled y and dy [B, OH, OW, C]; null for other shapes.
 */
export function simdMaxPoolGrad(backend: KernelBackend, x: TensorInfo, y: TensorInfo, dy: TensorInfo, kh: number, kw: number): TensorInfo | null {
  const [bs, h, w, c] = x.shape as [number, number, number, number];
  const [, oh, ow] = y.shape as [number, number, number, number];
  if ([x, y, dy].some((t) => t.dtype !== 'float32') || c % 4 !== 0 || h !== oh * kh || w !== ow * kw) return null;
  const r = runnerFor(backend);
  const out = makeOutput(backend, [...x.shape]);
  const args = [offsetOf(backend, x), offsetOf(backend, y), offsetOf(backend, dy), offsetOf(backend, out), ow, c, w, kh, kw];
  split(r, 'maxPoolGrad', args, bs * oh, 1, 4 * bs * h * w * c);
  return out;
}

/** x [B, H, W, C] zero-padded by [top, bottom, left, right] (C a multiple of 4, pads >= 0); null otherwise. */
export function simdPad(backend: KernelBackend, x: TensorInfo, [top, bottom, left, right]: [number, number, number, number]): TensorInfo | null {
  const [bs, h, w, c] = x.shape as [number, number, number, number];
  if (x.dtype !== 'float32' || x.shape.length !== 4 || c % 4 !== 0 || Math.min(top, bottom, left, right) < 0) return null;
  const r = runnerFor(backend);
  const oh = h + top + bottom;
  const out = makeOutput(backend, [bs, oh, w + left + right, c]);
  split(r, 'pad', [offsetOf(backend, x), offsetOf(backend, out), h, w, c, top, left, right, oh], bs * oh, 1, bs * oh * (w + left + right) * c);
  return out;
}

/**
 * The patches of a valid-padded convolution over x [B, H, W, Ci] as an [B, OH, OW, K4] tensor (im2col, written by
 * JS straight into the heap): channel (kh·KW + kw)·Ci + ci, zeros up to K4 = KH·KW·Ci rounded up to 4. Meant for few
 * input channels (a first layer's Ci = 1 or 3), where our filter gradient then runs as a 1x1 one over the patches.
 */
export function im2col(
  backend: KernelBackend, x: TensorInfo, kh: number, kw: number, [oh, ow]: [number, number],
  g: { sh: number; sw: number; dh: number; dw: number },
): TensorInfo {
  const [bs, h, w, ci] = x.shape as [number, number, number, number];
  const k = kh * kw * ci;
  const k4 = Math.ceil(k / 4) * 4;
  const out = makeOutput(backend, [bs, oh, ow, k4]);
  const heap = new Float32Array(backendMemory(backend).buffer);
  const src = offsetOf(backend, x) / 4;
  let o = offsetOf(backend, out) / 4;
  for (let b = 0; b < bs; b++) {
    for (let y = 0; y < oh; y++) {
      for (let c = 0; c < ow; c++) {
        const base = src + ((b * h + y * g.sh) * w + c * g.sw) * ci;
        for (let i = 0; i < kh; i++) {
          for (let j = 0; j < kw; j++) {
            const at = base + (i * g.dh * w + j * g.dw) * ci;
            for (let q = 0; q < ci; q++) heap[o++] = heap[at + q]!;
          }
        }
        for (let q = k; q < k4; q++) heap[o++] = 0;
      }
    }
  }
  return out;
}
