/**
 * tfjs-backend-webgpu 4.22 casts bool to float32 by relabelling the tensor: its buffer stays a boolean one (i32 in
 * WGSL). Most programs cope, but Transpose then writes a shader Dawn refuses ("type mismatch for argument 2 in call
 * to 'setOutputAtIndex', expected 'f32', got 'i32'"). tfjs' RNN does exactly that to a mask (cast to bool, then to
 * float32, then transpose to time-major), so every masked RNN failed on webgpu and the invalid pipeline left the
 * embedding gradient wrong. Here that one cast writes a real float32 buffer (Select of 1 and 0); every other cast
 * goes to the stock kernel unchanged.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';

interface WebgpuBackend {
  shouldExecuteOnCPU(inputs: TensorInfo[]): boolean;
  makeTensorInfo(shape: number[], dtype: string, values: Float32Array): TensorInfo;
  disposeData(id: object): void;
}

let patched = false;

/** Idempotent; call once tfjs-backend-webgpu is imported (its kernels registered). */
export function patchWebgpuBoolCast(): void {
  if (patched) return;
  const stock = tf.getKernel('Cast', 'webgpu') as KernelConfig | undefined;
  const select = tf.getKernel('Select', 'webgpu') as KernelConfig | undefined;
  if (!stock || !select) return;
  patched = true;
  tf.unregisterKernel('Cast', 'webgpu');
  tf.registerKernel({
    ...stock,
    kernelFunc: (args: { inputs: NamedTensorInfoMap; attrs?: NamedAttrMap; backend: unknown }) => {
      const x = args.inputs['x'] as TensorInfo;
      const backend = args.backend as WebgpuBackend;
      if (x.dtype !== 'bool' || args.attrs?.['dtype'] !== 'float32' || backend.shouldExecuteOnCPU([x])) return stock.kernelFunc(args as never);
      const size = x.shape.reduce((a, b) => a * b, 1);
      const ones = backend.makeTensorInfo(x.shape, 'float32', new Float32Array(size).fill(1));
      const zeros = backend.makeTensorInfo(x.shape, 'float32', new Float32Array(size));
      const out = select.kernelFunc({ inputs: { condition: x, t: ones, e: zeros }, backend: args.backend } as never) as TensorInfo;
      backend.disposeData(ones.dataId);
      backend.disposeData(zeros.dataId);
      return out;
    },
  });
}
