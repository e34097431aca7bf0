/**
 * Gradient kernels the stock wasm backend lacks or runs slowly, registered over it so that every layer kind of the
 * catalog trains on wasm (stock wasm fails with "Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'").
 * Also lifts tfjs' "dilation rates greater than 1 are not yet supported in gradients" for Conv2D on every backend.
 */
import { findBackend, registerKernel, unregisterKernel, getKernel } from '@tensorflow/tfjs';
import type { KernelBackend, KernelFunc } from '@tensorflow/tfjs';
import { captureStockKernels } from './kernel-scope';
import {
  conv2DBackpropFilterWasm,
  conv2DBackpropInputWasm,
  depthwiseBackpropFilterWasm,
  depthwiseBackpropInputWasm,
} from './conv2d-grads';
import { batchMatMulWasm } from './matmul';
import { fusedMatMulWasm } from './fused-matmul';
import { conv2DWasm, fusedConv2DWasm } from './conv2d';
import {
  ADAM_STEP, CONV_BIAS_RELU, DENSE_BIAS_RELU, MOMENTUM_STEP, RELU_BIAS_GRAD,
  adamStepWasm, conv2DBiasReluWasm, denseBiasReluWasm, momentumStepWasm, reluBiasGradWasm,
} from './train-steps';
import { sumWasm } from './sum';
import { identityWasm } from './identity';
import { maxPoolGradWasm } from './pool-grads';
import { unsortedSegmentSumWasm } from './segment-sum';
import { registerDilatedConvGradient } from './dilated-grad';
import { GRU_SEQUENCE, GRU_SEQUENCE_GRAD, gruSequenceGradWasm, gruSequenceWasm } from './gru-sequence';
import { LSTM_SEQUENCE, LSTM_SEQUENCE_GRAD, lstmSequenceGradWasm, lstmSequenceWasm } from './lstm-sequence';

type Factory = (backend: KernelBackend, funcs: ReadonlyMap<string, KernelFunc>) => KernelFunc;

/** Kernel name -> our implementation. Names listed here replace the stock wasm kernel when there is one. */
export const WASM_KERNELS: Readonly<Record<string, Factory>> = {
  Conv2D: conv2DWasm as unknown as Factory,
  FusedConv2D: fusedConv2DWasm as unknown as Factory,
  Conv2DBackpropFilter: conv2DBackpropFilterWasm as unknown as Factory,
  Conv2DBackpropInput: conv2DBackpropInputWasm as unknown as Factory,
  DepthwiseConv2dNativeBackpropFilter: depthwiseBackpropFilterWasm as unknown as Factory,
  DepthwiseConv2dNativeBackpropInput: depthwiseBackpropInputWasm as unknown as Factory,
  BatchMatMul: batchMatMulWasm as unknown as Factory,
  _FusedMatMul: fusedMatMulWasm as unknown as Factory,
  Sum: sumWasm as unknown as Factory,
  MaxPoolGrad: maxPoolGradWasm as unknown as Factory,
  Identity: identityWasm as unknown as Factory,
  UnsortedSegmentSum: unsortedSegmentSumWasm as unknown as Factory,
  // Ours alone (no stock kernel of these names): one SIMD pass each for parts of a training step.
  [CONV_BIAS_RELU]: conv2DBiasReluWasm as unknown as Factory,
  [DENSE_BIAS_RELU]: denseBiasReluWasm as unknown as Factory,
  [RELU_BIAS_GRAD]: reluBiasGradWasm as unknown as Factory,
  [MOMENTUM_STEP]: momentumStepWasm as unknown as Factory,
  [ADAM_STEP]: adamStepWasm as unknown as Factory,
  // An LSTM's and a GRU's recurrence over a whole sequence and their gradients (layers/fused-lstm.ts, fused-gru.ts).
  [LSTM_SEQUENCE]: lstmSequenceWasm as unknown as Factory,
  [LSTM_SEQUENCE_GRAD]: lstmSequenceGradWasm as unknown as Factory,
  [GRU_SEQUENCE]: gruSequenceWasm as unknown as Factory,
  [GRU_SEQUENCE_GRAD]: gruSequenceGradWasm as unknown as Factory,
};

let registeredOn: KernelBackend | null = null;
/** Captured once: after the first registration the registry holds our kernels, which must not call themselves. */
let stock: Map<string, KernelFunc> | null = null;

/**
 * Registers our kernels for the initialised 'wasm' backend. Call after `await tf.setBackend('wasm')`: the stock
 * kernels' setup (their wasm function bindings) runs at backend initialisation, and we call them from ours.
 * Idempotent. Returns the names registered.
 */
export function registerWasmKernels(): string[] {
  const backend = findBackend('wasm');
  if (!backend) {
    throw new Error("registerWasmKernels: the 'wasm' backend is not initialised; call `await tf.setBackend('wasm')` first");
  }
  registerDilatedConvGradient();
  if (registeredOn === backend) return Object.keys(WASM_KERNELS);
  stock ??= captureStockKernels('wasm');
  for (const [name, factory] of Object.entries(WASM_KERNELS)) {
    if (getKernel(name, 'wasm')) unregisterKernel(name, 'wasm');
    registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: factory(backend, stock) });
  }
  registeredOn = backend;
  return Object.keys(WASM_KERNELS);
}
