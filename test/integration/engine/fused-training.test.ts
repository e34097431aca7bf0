/**
 * The fused training kernels on wasm (kernels/train-steps.ts) against tfjs' own composed ops on the cpu backend:
 * Conv2D and Dense layers with ReLU (forward and gradients in one kernel each way, layers/fused-relu.ts), and the
 * one-pass SGD-momentum and Adam updates (training/fused-optimizers.ts), including sizes that leave a tail of 1-3
 * elements and sizes large enough to be split with the helper thread.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { compileGraph, createNode } from '../../../shared/graph/index';
import type { Graph, GraphNode } from '../../../shared/graph/types';
import { simdCalls } from '../../../main/engine/kernels/simd/gemm';
import { FusedAdamOptimizer, FusedMomentumOptimizer } from '../../../main/engine/training/fused-optimizers';
import { denseBiasRelu } from '../../../main/engine/layers/fused-relu';
import { initWasmAndCpu, on, randomArray, relError } from './backend-compare';
import { INPUT, gradients } from './layer-models';

beforeAll(initWasmAndCpu);

const tensor = (shape: number[], seed: number) => tf.tensor(randomArray(shape.reduce((a, b) => a * b, 1), seed), shape);

/** Input [8,8,2] -> Conv2D(8, relu) -> Conv2D(4, relu, same, stride 2, no bias) -> Flatten -> Dense(12, relu) -> Dense(8, relu, no bias) -> Dense(3, softmax). */
function reluModel() {
  const g: Graph = { nodes: [], edges: [] };
  let last: GraphNode | null = null;
  const add = (kind: string, config: Record<string, unknown> = {}) => {
    const n = createNode(g, kind);
    n.config = { ...n.config, ...config };
    g.nodes.push(n);
    if (last) g.edges.push({ id: `${last.id}->${n.id}`, source: last.id, target: n.id });
    last = n;
  };
  add('InputLayer', { batch_input_shape: [null, ...INPUT] });
  add('Conv2D', { filters: 8, kernel_size: [3, 3], activation: 'relu' });
  add('Conv2D', { filters: 4, kernel_size: [3, 3], strides: [2, 2], padding: 'same', activation: 'relu', use_bias: false });
  add('Flatten');
  add('Dense', { units: 12, activation: 'relu' });
  add('Dense', { units: 8, activation: 'relu', use_bias: false });
  add('Dense', { units: 3, activation: 'softmax' });
  return compileGraph(g);
}

describe('Conv2D and Dense with ReLU, fused on wasm', () => {
  it('whole-model gradients equal cpu within 1e-4, through one fused ReLU gradient pass per layer', async () => {
    const spec = reluModel();
    const before = simdCalls.reluBiasGrad;
    const got = await gradients('wasm', spec);
    expect(simdCalls.reluBiasGrad - before).toBe(4);
    const want = await gradients('cpu', spec);
    expect([...got.keys()]).toEqual([...want.keys()]);
    expect(want.size).toBe(8);
    for (const [name, g] of want) expect(relError(got.get(name)!, g), name).toBeLessThan(1e-4);
  });

  it('a large Dense ReLU gradient (its pass split with the helper thread) equals cpu, bias summed over both threads\' rows', async () => {
    const [n, k, u] = [600, 20, 256];
    const f = (fused: boolean) => {
      const [x, w, b] = [tensor([n, k], 51), tensor([k, u], 52), tensor([u], 53)];
      const dy = tensor([n, u], 54);
      const net = (xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) =>
        (fused ? denseBiasRelu(xi as tf.Tensor2D, wi as tf.Tensor2D, bi as tf.Tensor1D) : tf.relu(tf.matMul(xi, wi).add(bi))).mul(dy).sum();
      return tf.grads(net)([x, w, b]);
    };
    const before = simdCalls.reluBiasGrad;
    const got = await on('wasm', () => f(true));
    expect(simdCalls.reluBiasGrad - before).toBe(1);
    const want = await on('cpu', () => f(false));
    got.forEach((g, i) => expect(relError(g.data, want[i]!.data), `gradient ${i}`).toBeLessThan(1e-4));
  });

  it('a layer whose output is not a multiple of 4 wide keeps tfjs\' own path, still right', async () => {
    const spec = reluModel();
    const dense = spec.config.layers.find((l) => l.class_name === 'Dense' && (l.config as { units: number }).units === 12)!;
    (dense.config as { units: number }).units = 6;
    const before = simdCalls.reluBiasGrad;
    const got = await gradients('wasm', spec);
    expect(simdCalls.reluBiasGrad - before).toBe(3);
    const want = await gradients('cpu', spec);
    for (const [name, g] of want) expect(relError(got.get(name)!, g), name).toBeLessThan(1e-4);
  });

  it('predicts the same as cpu (the fused forward kernels outside training too)', async () => {
    const spec = reluModel();
    const x = randomArray(4 * INPUT.reduce((a, b) => a * b, 1), 5);
    const predict = async (backend: string) => {
      await tf.setBackend(backend);
      const { buildModel } = await import('../../../main/engine/model');
      const model = await buildModel(spec, { seed: 3 });
      const out = tf.tidy(() => model.predict(tf.tensor(x, [4, ...INPUT])) as tf.Tensor);
      const data = (await out.data()) as Float32Array;
      tf.dispose(out);
      model.dispose();
      return data;
    };
    expect(relError(await predict('wasm'), await predict('cpu'))).toBeLessThan(1e-5);
  });
});

/** Sizes: a tail of 3 after whole groups of 4, a tail alone, and one split with the helper thread. */
const shapes = [[1027], [3], [600, 512]];

/** Three steps of `make()` over variables of `shapes` with fixed gradients; the variables and the optimizer state after. */
async function steps(backend: string, make: () => tf.Optimizer): Promise<{ values: Float32Array[]; state: { name: string; data: Float32Array }[] }> {
  await tf.setBackend(backend);
  const vars = shapes.map((s, i) => tf.variable(tf.tensor(randomArray(s.reduce((a, b) => a * b, 1), 10 + i), s), true, `fused_opt_v${i}`));
  const opt = make();
  for (let step = 0; step < 3; step++) {
    const grads = Object.fromEntries(vars.map((v, i) => [v.name, tf.tensor(randomArray(v.size, 100 * step + i + 1), v.shape)]));
    opt.applyGradients(grads);
    tf.dispose(Object.values(grads));
  }
  const values = await Promise.all(vars.map(async (v) => (await v.data()) as Float32Array));
  const weights = await opt.getWeights();
  const state = await Promise.all(weights.map(async (w) => ({ name: w.name, data: (await w.tensor.data()) as Float32Array })));
  opt.dispose();
  tf.dispose(vars);
  return { values, state };
}

describe('optimizer updates in one SIMD pass on wasm', () => {
  it.each([
    ['SGD momentum 0.9', () => new FusedMomentumOptimizer(0.05, 0.9), () => tf.train.momentum(0.05, 0.9), 'momentum'],
    ['SGD momentum 0.8, Nesterov', () => new FusedMomentumOptimizer(0.01, 0.8, true), () => tf.train.momentum(0.01, 0.8, true), 'momentum'],
    ['Adam', () => new FusedAdamOptimizer(0.002, 0.9, 0.999, 1e-7), () => tf.train.adam(0.002, 0.9, 0.999, 1e-7), 'adam'],
  ] as const)('%s equals tfjs\' own optimizer on cpu (values and state, same names)', async (_t, fused, stock, kernel) => {
    const before = simdCalls[kernel];
    const got = await steps('wasm', fused);
    expect(simdCalls[kernel] - before).toBe(3 * shapes.length);
    const want = await steps('cpu', stock);
    got.values.forEach((v, i) => expect(relError(v, want.values[i]!), `variable ${i}`).toBeLessThan(1e-6));
    expect(got.state.map((s) => s.name)).toEqual(want.state.map((s) => s.name));
    got.state.forEach((s, i) => expect(relError(s.data, want.state[i]!.data), s.name).toBeLessThan(1e-6));
  });

  it('keeps tfjs\' own update on the cpu backend', async () => {
    const before = simdCalls.momentum + simdCalls.adam;
    await steps('cpu', () => new FusedMomentumOptimizer(0.05, 0.9));
    await steps('cpu', () => new FusedAdamOptimizer(0.002, 0.9, 0.999, 1e-7));
    expect(simdCalls.momentum + simdCalls.adam).toBe(before);
  });
});
