import { getKernel } from '@tensorflow/tfjs';
import type { KernelBackend, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';

/**
 * Composes a backend's own kernels inside one of our kernels. Kernel functions called directly are invisible to
 * the engine's memory tracking, so every intermediate is recorded here and released by `dispose()`; the one
 * result handed back to the engine is taken out with `keep()`.
 */
export class KernelScope {
  private readonly temps: TensorInfo[] = [];

  constructor(
    private readonly backend: KernelBackend,
    private readonly funcs: ReadonlyMap<string, KernelFunc>,
  ) {}

  run(name: string, inputs: Record<string, TensorInfo> | TensorInfo[], attrs: NamedAttrMap = {}): TensorInfo {
    const func = this.funcs.get(name);
    if (!func) throw new Error(`kernel '${name}' was not captured for composition; add it to STOCK_KERNELS`);
    const out = func({ inputs: inputs as Record<string, TensorInfo>, backend: this.backend, attrs });
    const info = Array.isArray(out) ? out[0] : out;
    if (!info) throw new Error(`kernel '${name}' returned no output`);
    this.temps.push(info);
    return info;
  }

  /** For kernels with several outputs (e.g. MaxPoolWithArgmax); all of them are released by dispose(). */
  runAll(name: string, inputs: Record<string, TensorInfo>, attrs: NamedAttrMap = {}): TensorInfo[] {
    const func = this.funcs.get(name);
    if (!func) throw new Error(`kernel '${name}' was not captured for composition; add it to STOCK_KERNELS`);
    const out = func({ inputs, backend: this.backend, attrs });
    const list = Array.isArray(out) ? out : [out];
    this.temps.push(...list);
    return list;
  }

  /** A small float32 constant owned by the scope. */
  constant(values: Float32Array, shape: number[]): TensorInfo {
    const info: TensorInfo = { dataId: this.backend.write(values, shape, 'float32'), shape, dtype: 'float32' };
    this.temps.push(info);
    return info;
  }

  /** Makes a tensor allocated outside the scope (e.g. by our SIMD kernels) one of its intermediates. */
  adopt(info: TensorInfo): TensorInfo {
    this.temps.push(info);
    return info;
  }

  keep(info: TensorInfo): TensorInfo {
    const i = this.temps.lastIndexOf(info);
    if (i >= 0) this.temps.splice(i, 1);
    return info;
  }

  dispose(): void {
    for (const t of this.temps) this.backend.disposeData(t.dataId);
    this.temps.length = 0;
  }
}

/** Kernels our compositions call, captured before any of them is overridden (an override must not call itself). */
export const STOCK_KERNELS = [
  'Conv2D',
  'DepthwiseConv2dNative',
  'Transpose',
  'Reshape',
  'Slice',
  'PadV2',
  'Reverse',
  'Sum',
  'BatchMatMul',
  'Conv2DBackpropInput',
  'Fill',
  'StridedSlice',
  'Equal',
  'LogicalAnd',
  'LogicalOr',
  'LogicalNot',
  'Select',
  'ZerosLike',
  'Add',
  'Concat',
  'Cast',
  'Multiply',
  'MaxPool',
  'AvgPool',
  'Sub',
  'Step',
  '_FusedMatMul',
  'FusedConv2D',
] as const;

export function captureStockKernels(backendName: string): Map<string, KernelFunc> {
  const funcs = new Map<string, KernelFunc>();
  for (const name of STOCK_KERNELS) {
    const k = getKernel(name, backendName);
    if (k) funcs.set(name, k.kernelFunc);
  }
  return funcs;
}

/** Runs `body` with a fresh scope; intermediates are freed even when it throws. */
export function withScope(
  backend: KernelBackend,
  funcs: ReadonlyMap<string, KernelFunc>,
  body: (s: KernelScope) => TensorInfo,
): TensorInfo {
  const scope = new KernelScope(backend, funcs);
  try {
    return scope.keep(body(scope));
  } finally {
    scope.dispose();
  }
}
