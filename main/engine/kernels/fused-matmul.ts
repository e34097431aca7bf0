/**
 * _FusedMatMul (a Dense layer's forward pass: x·W + bias, then its activation) for wasm. The stock kernel hands W to
 * XNNPACK as fully-connected weights, which it packs again whenever W is a new tensor, i.e. after every training
 * step (~1.2M values for the workshop CNN's first Dense layer, as long as the product itself). Our SIMD kernel reads
 * W in place and adds the bias and ReLU as it stores. Other activations, PReLU weights and transposed operands keep
 * the stock kernel.
 */
import type { KernelBackend, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { simdKernelsEnabled, simdMatMul } from './simd/gemm';

export function fusedMatMulWasm(backend: KernelBackend, funcs: ReadonlyMap<string, KernelFunc>) {
  const stock = funcs.get('_FusedMatMul');
  if (!stock) throw new Error('_FusedMatMul: the stock wasm kernel was not captured');
  const simd = simdKernelsEnabled();
  return (args: { inputs: Record<string, TensorInfo>; attrs?: NamedAttrMap; backend: KernelBackend }): TensorInfo | TensorInfo[] => {
    const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, TensorInfo | undefined>;
    const attrs = args.attrs ?? {};
    const activation = (attrs.activation as string | undefined) ?? 'linear';
    if (simd && a && b && !preluActivationWeights && !attrs.transposeA && !attrs.transposeB && (activation === 'linear' || activation === 'relu')) {
      const out = simdMatMul(backend, a, b, {
        bias, relu: activation === 'relu', outShape: [...a.shape.slice(0, -2), a.shape[a.shape.length - 2]!, b.shape[b.shape.length - 1]!],
      });
      if (out) return out;
    }
    return stock(args);
  };
}
