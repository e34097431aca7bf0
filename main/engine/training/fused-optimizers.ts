/**
 * SGD with momentum and Adam whose update of each variable is one SIMD pass on wasm (kernels/train-steps.ts)
 * instead of tfjs' 4-12 kernels, each of which reads and allocates the whole variable again (for the workshop CNN's
 * 1.2M-weight Dense layer that is tens of megabytes moved per step). Same arithmetic in the same float32 order as
 * tfjs' MomentumOptimizer / AdamOptimizer, same state (names, order, getWeights / setWeights), so checkpoints move
 * freely between these and tfjs' own; on other backends, or with LAYERLAB_SIMD_KERNELS=0, tfjs' code runs.
 */
import * as tf from '@tensorflow/tfjs';
import type { NamedAttrMap } from '@tensorflow/tfjs';
import { ADAM_STEP, MOMENTUM_STEP, fusedTrainingAvailable } from '../kernels/train-steps';

type NamedGradients = Parameters<tf.MomentumOptimizer['applyGradients']>[0];

interface OptimizerVariable {
  originalName: string;
  variable: tf.Variable;
}

/**
 * Variable names and their gradients in the order tfjs' optimizers use (index i of their state arrays), or null
 * where tfjs' own update must run (another backend, LAYERLAB_SIMD_KERNELS=0, a gradient that is not float32).
 */
function fusedGradients(g: NamedGradients): { name: string; grad: tf.Tensor | undefined }[] | null {
  const list = Array.isArray(g) ? g.map((v) => ({ name: v.name, grad: v.tensor })) : Object.keys(g).map((name) => ({ name, grad: g[name] }));
  return fusedTrainingAvailable() && list.every(({ grad }) => grad == null || grad.dtype === 'float32') ? list : null;
}

/** The state variable at i, created as tfjs does (zeros like the variable, not trainable). */
function slot(list: OptimizerVariable[], i: number, value: tf.Variable, suffix: string): tf.Variable {
  list[i] ??= { originalName: `${value.name}/${suffix}`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
  return list[i].variable;
}

/**
 * One kernel call per variable with a gradient: inputs {value, ...its state slots, grad}, outputs the new value then
 * the new slots in the same order, assigned in place of the old ones.
 */
function updateEach(
  list: { name: string; grad: tf.Tensor | undefined }[], kernel: string, attrs: NamedAttrMap,
  slotsOf: (value: tf.Variable, i: number) => Record<string, tf.Variable>,
): void {
  list.forEach(({ name, grad }, i) => {
    const value = tf.engine().registeredVariables[name]!;
    const slots = slotsOf(value, i);
    if (grad == null) return;
    const outs = tf.engine().runKernel(kernel, { value, ...slots, grad }, attrs) as unknown as tf.Tensor[];
    [value, ...Object.values(slots)].forEach((v, k) => v.assign(outs[k]!));
    tf.dispose(outs);
  });
}

/** The fields of tfjs' MomentumOptimizer it keeps protected or private. */
interface MomentumState {
  learningRate: number;
  momentum: number;
  useNesterov: boolean;
  accumulations: OptimizerVariable[];
  incrementIterations(): void;
}

export class FusedMomentumOptimizer extends tf.MomentumOptimizer {
  override applyGradients(variableGradients: NamedGradients): void {
    const list = fusedGradients(variableGradients);
    if (!list) return super.applyGradients(variableGradients);
    const s = this as unknown as MomentumState;
    const attrs = { learningRate: s.learningRate, momentum: s.momentum, nesterov: s.useNesterov };
    updateEach(list, MOMENTUM_STEP, attrs, (value, i) => ({ acc: slot(s.accumulations, i, value, 'momentum') }));
    s.incrementIterations();
  }
}

/** The fields of tfjs' AdamOptimizer it keeps protected or private. */
interface AdamState {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: OptimizerVariable[];
  accumulatedSecondMoment: OptimizerVariable[];
  incrementIterations(): void;
}

export class FusedAdamOptimizer extends tf.AdamOptimizer {
  override applyGradients(variableGradients: NamedGradients): void {
    const list = fusedGradients(variableGradients);
    if (!list) return super.applyGradients(variableGradients);
    const s = this as unknown as AdamState;
    // beta^t as float32 scalars in the heap: reading them on wasm is a copy of 4 bytes, no wait.
    const attrs = {
      learningRate: s.learningRate, beta1: s.beta1, beta2: s.beta2, epsilon: s.epsilon,
      accBeta1: s.accBeta1.dataSync()[0]!, accBeta2: s.accBeta2.dataSync()[0]!,
    };
    updateEach(list, ADAM_STEP, attrs, (value, i) => ({
      m: slot(s.accumulatedFirstMoment, i, value, 'm'),
      v: slot(s.accumulatedSecondMoment, i, value, 'v'),
    }));
    tf.tidy(() => {
      s.accBeta1.assign(tf.mul(s.accBeta1, s.beta1));
      s.accBeta2.assign(tf.mul(s.accBeta2, s.beta2));
    });
    s.incrementIterations();
  }
}
