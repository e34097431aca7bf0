/**
 * BatchMatMul for wasm. The stock kernel only takes XNNPACK's fast path (a fully-connected operator whose
 * "weights" are the right operand, repacked on every call) for untransposed operands; with transposeA or
 * transposeB (every Dense weight and input gradient) it falls back to a loop ~15x slower. So operands are
 * transposed explicitly first, choosing the orientation that moves the fewest values: for A·Bᵀ with a large B
 * (a Dense layer's input gradient dy·Wᵀ) it computes (B·Aᵀ)ᵀ, transposing and packing the small dy instead of W.
 */
import type { KernelBackend, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { withScope } from './kernel-scope';
import type { KernelScope } from './kernel-scope';
import { simdFilterGrad, simdKernelsEnabled, simdMatMul, simdMatMulTransposedB } from './simd/gemm';

function swapLastTwo(s: KernelScope, t: TensorInfo): TensorInfo {
  const perm = t.shape.map((_, i) => i);
  const n = perm.length;
  [perm[n - 2], perm[n - 1]] = [perm[n - 1] as number, perm[n - 2] as number];
  return s.run('Transpose', { x: t }, { perm });
}

const rows = (t: TensorInfo) => t.shape[t.shape.length - 2] as number;
const cols = (t: TensorInfo) => t.shape[t.shape.length - 1] as number;

/**
 * For A·Bᵀ (A [m,k], B [n,k]): transposing and packing B costs ~n·k; computing (B·Aᵀ)ᵀ costs ~m·k for Aᵀ plus
 * m·n for transposing the product back. Only for equal batch dimensions (no broadcasting to undo).
 */
export function transposedProductIsCheaper(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length || a.slice(0, -2).some((d, i) => d !== b[i])) return false;
  const [m, k] = a.slice(-2) as [number, number];
  const n = b[b.length - 2] as number;
  return n * k > 2 * (m * k + m * n);
}

const outShapeOf = (a: TensorInfo, m: number, n: number) => [...a.shape.slice(0, -2), m, n];

/**
 * Our SIMD kernels (simd/gemm.ts), which read both operands in place, for single matrices: A·B, Aᵀ·B (the weight
 * gradient xᵀ·dy, as a 1x1 "filter gradient" over the batch) and A·Bᵀ (the input gradient dy·Wᵀ, computed as B·Aᵀ
 * written transposed, so W is read as it is). Null when the shapes do not fit them.
 */
function simdProduct(s: KernelScope, backend: KernelBackend, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): TensorInfo | null {
  if (transposeA && transposeB) return null;
  if (transposeA) {
    const [k, m] = [rows(a), cols(a)];
    if (rows(b) !== k || [...a.shape.slice(0, -2), ...b.shape.slice(0, -2)].some((d) => d !== 1)) return null;
    const x = s.run('Reshape', { x: a }, { shape: [1, 1, k, m] });
    const dy = s.run('Reshape', { x: b }, { shape: [1, 1, k, cols(b)] });
    return simdFilterGrad(backend, x, dy, { kh: 1, kw: 1, sh: 1, sw: 1, dh: 1, dw: 1 }, outShapeOf(a, m, cols(b)));
  }
  if (transposeB) {
    if (rows(a) % 4 !== 0 || a.shape.slice(0, -2).some((d) => d !== 1)) return null;
    return simdMatMulTransposedB(backend, swapLastTwo(s, a), b, outShapeOf(a, rows(a), rows(b)));
  }
  return simdMatMul(backend, a, b, { outShape: outShapeOf(a, rows(a), cols(b)) });
}

export function batchMatMulWasm(backend: KernelBackend, funcs: ReadonlyMap<string, KernelFunc>) {
  const simd = simdKernelsEnabled();
  return (args: { inputs: Record<string, TensorInfo>; attrs?: NamedAttrMap }): TensorInfo => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const attrs = args.attrs ?? {};
    const transposeA = Boolean(attrs.transposeA);
    const transposeB = Boolean(attrs.transposeB);
    const plain = { ...attrs, transposeA: false, transposeB: false };
    return withScope(backend, funcs, (s) => {
      const fast = simd && a.dtype === 'float32' && b.dtype === 'float32' ? simdProduct(s, backend, a, b, transposeA, transposeB) : null;
      if (fast) return fast;
      if (transposeB && !transposeA && transposedProductIsCheaper(a.shape, b.shape)) {
        // (A·Bᵀ)ᵀ = B·Aᵀ: B is the left operand, which XNNPACK reads in place.
        const ct = s.run('BatchMatMul', { a: b, b: swapLastTwo(s, a) }, plain);
        return rows(ct) === 1 || cols(ct) === 1
          ? s.run('Reshape', { x: ct }, { shape: [...ct.shape.slice(0, -2), cols(ct), rows(ct)] })
          : swapLastTwo(s, ct);
      }
      const a2 = transposeA ? swapLastTwo(s, a) : a;
      const b2 = transposeB ? swapLastTwo(s, b) : b;
      return s.run('BatchMatMul', { a: a2, b: b2 }, plain);
    });
  };
}
