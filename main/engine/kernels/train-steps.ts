/**
 * Kernels of our own (no tfjs counterpart) for the elementwise parts of a training step on wasm, each one SIMD pass
 * (simd/elementwise-code.ts). They are called by the fused ReLU layers' gradients (layers/fused-relu.ts) and the
 * optimizers (training/fused-optimizers.ts), only where `fusedTrainingAvailable()` says so; other backends and
 * LAYERLAB_SIMD_KERNELS=0 keep tfjs' composed ops.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelBackend, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { fusedConv2DWasm } from './conv2d';
import { fusedMatMulWasm } from './fused-matmul';
import { simdAdam, simdMomentum, simdReluBiasGrad } from './simd/elementwise';
import { simdKernelsEnabled } from './simd/gemm';

/**
 * relu(conv2d(x, filter) + bias) and relu(a·b + bias) under names of their own, so that they can carry a gradient
 * (layers/fused-relu.ts registers it): tfjs' FusedConv2D and _FusedMatMul have none and are bypassed in training.
 */
export const CONV_BIAS_RELU = 'LayerlabConv2DBiasRelu';
export const DENSE_BIAS_RELU = 'LayerlabDenseBiasRelu';
export const RELU_BIAS_GRAD = 'LayerlabReluBiasGrad';
export const MOMENTUM_STEP = 'LayerlabMomentumStep';
export const ADAM_STEP = 'LayerlabAdamStep';

type Args = { inputs: Record<string, TensorInfo>; attrs?: NamedAttrMap };

/** inputs {x, filter, bias?}, attrs {strides, pad, dataFormat, dilations}: our FusedConv2D with a ReLU. */
export function conv2DBiasReluWasm(backend: KernelBackend, funcs: ReadonlyMap<string, KernelFunc>) {
  const conv = fusedConv2DWasm(backend, funcs);
  return (args: Args) => conv({ ...args, backend, attrs: { ...args.attrs, activation: 'relu' } });
}

/** inputs {a, b, bias?}: our _FusedMatMul with a ReLU. */
export function denseBiasReluWasm(backend: KernelBackend, funcs: ReadonlyMap<string, KernelFunc>) {
  const product = fusedMatMulWasm(backend, funcs);
  return (args: Args) => product({ ...args, backend, attrs: { transposeA: false, transposeB: false, activation: 'relu' } });
}

const refused = (kernel: string, inputs: Record<string, TensorInfo>) =>
  new Error(`${kernel}: tensors ${JSON.stringify(Object.fromEntries(Object.entries(inputs).map(([k, t]) => [k, [t.dtype, t.shape]])))} do not fit the SIMD kernel; its caller should have used tfjs' own ops (report this)`);

/** inputs {dy, y}, attrs {bias}: [dx] or [dx, dBias]. Needs float32 and a last axis that is a multiple of 4. */
export function reluBiasGradWasm(backend: KernelBackend) {
  return ({ inputs, attrs }: Args): TensorInfo[] => {
    const out = simdReluBiasGrad(backend, inputs.dy!, inputs.y!, Boolean(attrs?.bias));
    if (!out) throw refused(RELU_BIAS_GRAD, inputs);
    return out.dBias ? [out.dx, out.dBias] : [out.dx];
  };
}

/** inputs {value, acc, grad}, attrs {learningRate, momentum, nesterov}: [newValue, newAcc]. */
export function momentumStepWasm(backend: KernelBackend) {
  return ({ inputs, attrs }: Args): TensorInfo[] => {
    const a = attrs ?? {};
    const out = simdMomentum(backend, inputs.value!, inputs.acc!, inputs.grad!, {
      learningRate: a.learningRate as number, momentum: a.momentum as number, nesterov: Boolean(a.nesterov),
    });
    if (!out) throw refused(MOMENTUM_STEP, inputs);
    return out;
  };
}

/** inputs {value, m, v, grad}, attrs {learningRate, beta1, beta2, epsilon, accBeta1, accBeta2}: [newValue, newM, newV]. */
export function adamStepWasm(backend: KernelBackend) {
  return ({ inputs, attrs }: Args): TensorInfo[] => {
    const a = attrs ?? {};
    const num = (k: string) => a[k] as number;
    const out = simdAdam(backend, inputs.value!, inputs.m!, inputs.v!, inputs.grad!, {
      learningRate: num('learningRate'), beta1: num('beta1'), beta2: num('beta2'), epsilon: num('epsilon'), accBeta1: num('accBeta1'), accBeta2: num('accBeta2'),
    });
    if (!out) throw refused(ADAM_STEP, inputs);
    return out;
  };
}

/** Whether the current backend runs our fused training kernels (wasm with them registered and SIMD kernels on). */
export function fusedTrainingAvailable(): boolean {
  return tf.getBackend() === 'wasm' && simdKernelsEnabled() && tf.getKernel(RELU_BIAS_GRAD, 'wasm') != null;
}
