/**
 * Identity for wasm: shares the input's memory (reference counted, as the cpu backend does) instead of the stock
 * kernel's copy. Training calls it on whole activations (gradient bookkeeping, tf.clone), ~2 ms per 1M values.
 */
import type { KernelBackend, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';

export function identityWasm(backend: KernelBackend) {
  return (args: { inputs: Record<string, TensorInfo>; attrs?: NamedAttrMap }): TensorInfo => {
    const { x } = args.inputs as { x: TensorInfo };
    backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}
