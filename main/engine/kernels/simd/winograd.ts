/**
 * Winograd F(2x2, 3x3) convolutions (winograd-code.ts) on TensorInfos of the wasm backend: which shapes take it, the
 * filter transform, scratch buffers per thread, and the split of the tiles between this thread and the pool.
 * LAYERLAB_WINOGRAD=0 turns it off (the direct SIMD kernel then runs), for comparisons.
 */
import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs';
import { RELU } from './gemm-code';
import { makeOutput, offsetOf } from './module';
import { runnerFor, simdCalls } from './gemm';
import type { Runner } from './gemm';
import type { SimdPool } from './pool';

export const winogradEnabled = (env: NodeJS.ProcessEnv = process.env) => env.LAYERLAB_WINOGRAD?.trim() !== '0';

/** 3x3, stride 1, undilated, channels multiples of 4, an even output (whole 2x2 blocks). */
export function winogradFits(kh: number, kw: number, g: { sh: number; sw: number; dh: number; dw: number }, oh: number, ow: number, ci: number, co: number): boolean {
  return kh === 3 && kw === 3 && g.sh === 1 && g.sw === 1 && g.dh === 1 && g.dw === 1 && oh % 2 === 0 && ow % 2 === 0 && oh > 0 && ow > 0 &&
    ci % 4 === 0 && co % 4 === 0 && winogradEnabled();
}

/**
 * Runs `fn` over tiles [0, tiles): `helpers` threads of the pool take the first shares, this thread the last; thread
 * k's arguments come from args(k, m0, m1) (k 0 is this thread), so that each gets its own scratch.
 */
function overTiles(r: Runner, pool: SimdPool | null, fn: 'winoConv' | 'winoFilterGrad', tiles: number, args: (k: number, m0: number, m1: number) => number[]): void {
  if (!pool) {
    r.exports[fn](...args(0, 0, tiles));
    return;
  }
  const share = Math.ceil(tiles / (pool.size + 1));
  pool.runEach(fn, Array.from({ length: pool.size }, (_, k) => args(k + 1, Math.min(tiles, k * share), Math.min(tiles, (k + 1) * share))));
  try {
    r.exports[fn](...args(0, Math.min(tiles, pool.size * share), tiles));
  } finally {
    pool.wait();
  }
}

/** Tiles per pass through the scratch buffers: their two buffers (16 planes of Ci and Co values each) within ~512 KiB. */
const chunkFor = (ci: number, co: number) => Math.max(8, Math.min(512, Math.floor(2 ** 19 / (64 * (ci + co)))));

/**
 * y [B, OH, OW, Co] = x [B, OH+2, OW+2, Ci] (already padded) convolved with w [3, 3, Ci, Co], plus bias and ReLU.
 * The caller checks winogradFits.
 */
export function simdWinogradConv(
  backend: KernelBackend, x: TensorInfo, w: TensorInfo, [oh, ow]: [number, number], options: { bias?: TensorInfo | null; relu?: boolean },
): TensorInfo {
  const [bs, h, wd, ci] = x.shape as [number, number, number, number];
  const co = w.shape[3]!;
  const r = runnerFor(backend);
  const u = makeOutput(backend, [16, ci, co]);
  const tiles = bs * (oh / 2) * (ow / 2);
  const helpers = r.pool && tiles * ci * co * 16 >= 2e6 ? r.pool.size : 0;
  const chunk = chunkFor(ci, co);
  const perThread = 16 * chunk * (ci + co);
  const scratch = makeOutput(backend, [helpers + 1, perThread]);
  const y = makeOutput(backend, [bs, oh, ow, co]);
  try {
    r.exports.winoFilter(offsetOf(backend, w), offsetOf(backend, u), ci, co, 0, ci);
    const base = offsetOf(backend, scratch);
    const args = (k: number, m0: number, m1: number) => {
      const v = base + 4 * k * perThread;
      return [offsetOf(backend, x), offsetOf(backend, u), offsetOf(backend, y), options.bias ? offsetOf(backend, options.bias) : 0,
        v, v + 4 * 16 * chunk * ci, h, wd, ci, co, oh, ow, oh / 2, ow / 2, options.relu ? RELU : 0, chunk, m0, m1];
    };
    simdCalls.winoConv++;
    simdCalls.conv++;
    overTiles(r, helpers > 0 ? r.pool : null, 'winoConv', tiles, args);
  } finally {
    backend.disposeData(u.dataId);
    backend.disposeData(scratch.dataId);
  }
  return y;
}

/**
 * dW [3, 3, Ci, Co] of a 3x3 stride-1 valid convolution of x [B, OH+2, OW+2, Ci] (already padded) giving dy
 * [B, OH, OW, Co], by F(3x3, 2x2). Each thread sums its tiles into its own accumulator; one pass adds them up and
 * transforms. The caller checks winogradFits.
 */
export function simdWinogradFilterGrad(backend: KernelBackend, x: TensorInfo, dy: TensorInfo, outShape: number[]): TensorInfo {
  const [bs, h, wd, ci] = x.shape as [number, number, number, number];
  const [, oh, ow, co] = dy.shape as [number, number, number, number];
  const r = runnerFor(backend);
  const tiles = bs * (oh / 2) * (ow / 2);
  // Every thread must get tiles (an accumulator is only written by a thread that sees some): tiles > h·(h+1).
  const pool = r.pool && tiles * ci * co * 16 >= 2e6 && tiles > r.pool.size * (r.pool.size + 1) ? r.pool : null;
  const helpers = pool ? pool.size : 0;
  const chunk = chunkFor(ci, co);
  const accSize = 16 * ci * co;
  const perThread = 16 * chunk * (ci + co);
  const acc = makeOutput(backend, [helpers + 1, accSize]);
  const scratch = makeOutput(backend, [helpers + 1, perThread]);
  const dw = makeOutput(backend, outShape);
  try {
    const base = offsetOf(backend, scratch);
    const args = (k: number, m0: number, m1: number) => {
      const v = base + 4 * k * perThread;
      return [offsetOf(backend, x), offsetOf(backend, dy), offsetOf(backend, acc) + 4 * k * accSize, v, v + 4 * 16 * chunk * ci,
        h, wd, ci, co, oh, ow, oh / 2, ow / 2, chunk, m0, m1];
    };
    simdCalls.winoFilterGrad++;
    simdCalls.filterGrad++;
    overTiles(r, pool, 'winoFilterGrad', tiles, args);
    r.exports.winoFilterGradOut(offsetOf(backend, acc), offsetOf(backend, dw), ci, co, helpers + 1, 0, ci);
  } finally {
    backend.disposeData(acc.dataId);
    backend.disposeData(scratch.dataId);
  }
  return dw;
}
