/**
 * Instantiates our SIMD kernels (gemm-code.ts) on the wasm backend's own memory, so they read and write tfjs'
 * tensors in place (a tensor's data is at `memoryOffset` in the heap). The threaded build's memory is shared; the
 * module then declares its import shared too (an import must match), and worker threads can run the same code on
 * the same memory (simd/pool.ts).
 */
import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs';
import { encodeModule } from './wasm-encoder';
import { convKernel, filterGradKernel, maxPoolGradKernel, nnKernel, padKernel } from './gemm-code';
import { adamKernel, momentumKernel, reluBiasGradKernel } from './elementwise-code';
import { winoConvKernel, winoFilterGradKernel, winoFilterGradOutKernel, winoFilterKernel } from './winograd-code';

/** The parts of tfjs' BackendWasm we use (not in its public types). */
export interface WasmBackendInternals {
  wasm: { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory }; tfjs?: { getThreadsCount?: () => number } };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
}

export interface SimdExports {
  /** (a, b, c, bias, M, K, N, flags, m0, m1): see gemm-code.ts. */
  nn: (...args: number[]) => void;
  /** (x, dy, out, B, OH, OW, H, W, Ci, Co, KW, SH, SW, DH, DW, accumulate, m0, m1): see gemm-code.ts. */
  filterGrad: (...args: number[]) => void;
  /** (x, w, out, bias, B, H, W, Ci, OH, OW, Co, KH, KW, SH, SW, DH, DW, flags, m0, m1): see gemm-code.ts. */
  conv: (...args: number[]) => void;
  /** (x, y, dy, dx, OW, C, W, KH, KW, m0, m1): see gemm-code.ts. */
  maxPoolGrad: (...args: number[]) => void;
  /** (src, dst, H, W, C, pt, pl, pr, OH, m0, m1): see gemm-code.ts. */
  pad: (...args: number[]) => void;
  /** (dy, y, dx, dBias, C, m0, m1): see elementwise-code.ts. */
  reluBiasGrad: (...args: number[]) => void;
  /** (value, acc, grad, newValue, newAcc, negLr, m, nesterov, m0, m1): see elementwise-code.ts. */
  momentum: (...args: number[]) => void;
  /** (value, m, v, grad, newValue, newM, newV, b1, 1-b1, b2, 1-b2, 1-b1^t, 1-b2^t, eps, -lr, m0, m1): see elementwise-code.ts. */
  adam: (...args: number[]) => void;
  /** (w, u, Ci, Co, m0, m1): see winograd-code.ts. */
  winoFilter: (...args: number[]) => void;
  /** (x, u, y, bias, v, m, H, W, Ci, Co, OH, OW, TH, TW, flags, chunk, m0, m1): see winograd-code.ts. */
  winoConv: (...args: number[]) => void;
  /** (x, dy, acc, v, d, H, W, Ci, Co, OH, OW, TH, TW, chunk, m0, m1): see winograd-code.ts. */
  winoFilterGrad: (...args: number[]) => void;
  /** (acc, dw, Ci, Co, parts, m0, m1): see winograd-code.ts. */
  winoFilterGradOut: (...args: number[]) => void;
}

export function backendMemory(backend: KernelBackend): WebAssembly.Memory {
  const wasm = (backend as unknown as WasmBackendInternals).wasm;
  const memory = wasm?.wasmMemory ?? wasm?.asm?.memory;
  if (!memory) throw new Error('SIMD kernels: the wasm backend exposes no memory (tfjs-backend-wasm changed?); set LAYERLAB_SIMD_KERNELS=0 to use the stock kernels');
  return memory;
}

/** The size of XNNPACK's thread pool (1 for the single-threaded builds). */
export function backendThreads(backend: KernelBackend): number {
  return (backend as unknown as WasmBackendInternals).wasm?.tfjs?.getThreadsCount?.() ?? 1;
}

export const isShared = (memory: WebAssembly.Memory) => typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;

/** The compiled module for a memory of this kind; compiled once per kind. */
const compiled = new Map<boolean, WebAssembly.Module>();
export function simdModule(shared: boolean): WebAssembly.Module {
  let m = compiled.get(shared);
  if (!m) {
    // `nn` and `filterGrad` first: the Winograd kernels call them by their indices, 0 and 1.
    const bytes = encodeModule({ initial: 1, maximum: shared ? 65536 : undefined, shared }, [
      { name: 'nn', fn: nnKernel() },
      { name: 'filterGrad', fn: filterGradKernel() },
      { name: 'conv', fn: convKernel() },
      { name: 'maxPoolGrad', fn: maxPoolGradKernel() },
      { name: 'pad', fn: padKernel() },
      { name: 'reluBiasGrad', fn: reluBiasGradKernel() },
      { name: 'momentum', fn: momentumKernel() },
      { name: 'adam', fn: adamKernel() },
      { name: 'winoFilter', fn: winoFilterKernel() },
      { name: 'winoConv', fn: winoConvKernel(0) },
      { name: 'winoFilterGrad', fn: winoFilterGradKernel(1) },
      { name: 'winoFilterGradOut', fn: winoFilterGradOutKernel() },
    ]);
    m = new WebAssembly.Module(bytes);
    compiled.set(shared, m);
  }
  return m;
}

export function instantiate(module: WebAssembly.Module, memory: WebAssembly.Memory): SimdExports {
  return new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as SimdExports;
}

/** Byte offset of a tensor's data in the wasm heap. */
export function offsetOf(backend: KernelBackend, t: TensorInfo): number {
  const entry = (backend as unknown as WasmBackendInternals).dataIdMap.get(t.dataId);
  if (!entry) throw new Error(`SIMD kernels: tensor ${JSON.stringify(t.shape)} is not on the wasm backend`);
  return entry.memoryOffset;
}

export function makeOutput(backend: KernelBackend, shape: number[]): TensorInfo {
  return (backend as unknown as WasmBackendInternals).makeOutput(shape, 'float32');
}
