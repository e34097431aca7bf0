/**
 * Sum for wasm. The stock kernel reduces only the innermost axis and transposes everything else there first;
 * bias gradients sum a [N, C] activation over its leading axes, where a ones-row matrix product (XNNPACK GEMM)
 * is ~20x faster. Every other reduction keeps the stock kernel.
 */
import type { KernelBackend, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { withScope } from './kernel-scope';

function leadingAxes(axis: unknown, rank: number): number | null {
  const list = (Array.isArray(axis) ? axis : [axis]).map((a) => ((a as number) + rank) % rank).sort((a, b) => a - b);
  if (list.length === 0 || list.length >= rank) return null;
  return list.every((a, i) => a === i) ? list.length : null;
}

export function sumWasm(backend: KernelBackend, funcs: ReadonlyMap<string, KernelFunc>) {
  const stock = funcs.get('Sum');
  if (!stock) throw new Error("Sum: the stock wasm kernel was not captured");
  return (args: { inputs: Record<string, TensorInfo>; attrs?: NamedAttrMap; backend: KernelBackend }): TensorInfo | TensorInfo[] => {
    const { x } = args.inputs as { x: TensorInfo };
    const attrs = args.attrs ?? {};
    const k = x.dtype === 'float32' ? leadingAxes(attrs.axis, x.shape.length) : null;
    const n = k == null ? 0 : x.shape.slice(0, k).reduce((a, b) => a * b, 1);
    if (k == null || n < 64) return stock(args);
    const rest = x.shape.slice(k);
    const c = rest.reduce((a, b) => a * b, 1);
    return withScope(backend, funcs, (s) => {
      const ones = s.run('Fill', {}, { shape: [1, n], value: 1, dtype: 'float32' });
      const x2 = s.run('Reshape', { x }, { shape: [n, c] });
      const prod = s.run('BatchMatMul', { a: ones, b: x2 }, { transposeA: false, transposeB: false });
      const outShape = attrs.keepDims ? [...x.shape.slice(0, k).map(() => 1), ...rest] : rest;
      return s.run('Reshape', { x: prod }, { shape: outShape });
    });
  };
}
