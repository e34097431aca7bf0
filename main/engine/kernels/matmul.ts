/**
 * BatchMatMul for wasm: the stock kernel only takes XNNPACK's fast path for untransposed operands; with
 * transposeA or transposeB (every Dense weight and input gradient) it falls back to a loop ~15x slower.
 * Transposing the operand explicitly first is cheap in comparison.
 */
import type { KernelBackend, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { withScope } from './kernel-scope';
import type { KernelScope } from './kernel-scope';

function swapLastTwo(s: KernelScope, t: TensorInfo): TensorInfo {
  const perm = t.shape.map((_, i) => i);
  const n = perm.length;
  [perm[n - 2], perm[n - 1]] = [perm[n - 1] as number, perm[n - 2] as number];
  return s.run('Transpose', { x: t }, { perm });
}

export function batchMatMulWasm(backend: KernelBackend, funcs: ReadonlyMap<string, KernelFunc>) {
  return (args: { inputs: Record<string, TensorInfo>; attrs?: NamedAttrMap }): TensorInfo => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const attrs = args.attrs ?? {};
    const transposeA = Boolean(attrs.transposeA);
    const transposeB = Boolean(attrs.transposeB);
    return withScope(backend, funcs, (s) => {
      const a2 = transposeA ? swapLastTwo(s, a) : a;
      const b2 = transposeB ? swapLastTwo(s, b) : b;
      return s.run('BatchMatMul', { a: a2, b: b2 }, { ...attrs, transposeA: false, transposeB: false });
    });
  };
}
