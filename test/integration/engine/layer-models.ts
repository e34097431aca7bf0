/**
 * The tiny models the layer-kind tests train and differentiate on each backend: Input -> Conv2D -> the layer ->
 * Dense(3, softmax), one per catalog kind and per notable configuration. Shared by layer-kinds.test.ts (wasm vs cpu)
 * and webgpu-layer-kinds.test.ts (webgpu vs cpu).
 */
import * as tf from '@tensorflow/tfjs';
import { compileGraph, createNode } from '../../../shared/graph/index';
import type { Graph, GraphNode, ModelSpec } from '../../../shared/graph/types';
import { layerKinds } from '../../../shared/layers/registry';
import { buildModel } from '../../../main/engine/model';
import { randomArray } from './backend-compare';

export const INPUT: [number, number, number] = [8, 8, 2];

function node(g: Graph, kind: string, config: Record<string, unknown> = {}): GraphNode {
  const n = createNode(g, kind);
  n.config = { ...n.config, ...config };
  g.nodes.push(n);
  return n;
}

function edge(g: Graph, a: GraphNode, b: GraphNode, targetIndex?: number): void {
  g.edges.push({ id: `${a.id}->${b.id}`, source: a.id, target: b.id, ...(targetIndex === undefined ? {} : { targetIndex }) });
}

/** Input -> Conv2D -> [layers] -> (Flatten) -> Dense(3, softmax); merges get two conv branches. */
export function modelFor(kind: string, config: Record<string, unknown> = {}): ModelSpec {
  const g: Graph = { nodes: [], edges: [] };
  const input = node(g, 'InputLayer', { batch_input_shape: [null, ...INPUT] });
  const conv = node(g, 'Conv2D', { filters: 4, kernel_size: [3, 3], padding: 'same', activation: 'tanh' });
  edge(g, input, conv);
  let last: GraphNode = conv;
  let flat = true;
  if (['Add', 'Concatenate', 'Multiply', 'Average'].includes(kind)) {
    const conv2 = node(g, 'Conv2D', { filters: 4, kernel_size: [1, 1], padding: 'same', activation: 'linear' });
    edge(g, input, conv2);
    const merge = node(g, kind, config);
    edge(g, conv, merge, 0);
    edge(g, conv2, merge, 1);
    last = merge;
  } else if (kind === 'Dense' || kind === 'Flatten') {
    const f = node(g, 'Flatten');
    edge(g, conv, f);
    last = f;
    flat = false;
    if (kind === 'Dense') {
      const d = node(g, 'Dense', { units: 5, activation: 'relu', ...config });
      edge(g, f, d);
      last = d;
    }
  } else if (kind === 'Reshape') {
    const r = node(g, 'Reshape', { target_shape: [16, 16] });
    edge(g, conv, r);
    last = r;
  } else if (kind !== 'InputLayer' && kind !== 'Conv2D') {
    const k = node(g, kind, config);
    edge(g, conv, k);
    last = k;
    if (kind.startsWith('Global')) flat = false;
  } else if (kind === 'Conv2D' && Object.keys(config).length) {
    const k = node(g, 'Conv2D', { filters: 3, ...config });
    edge(g, conv, k);
    last = k;
  }
  if (flat) {
    const f = node(g, 'Flatten');
    edge(g, last, f);
    last = f;
  }
  const out = node(g, 'Dense', { units: 3, activation: 'softmax' });
  edge(g, last, out);
  return compileGraph(g);
}

export const variants: [string, string, Record<string, unknown>][] = [
  ...layerKinds.map((k) => [k.className, k.className, {}] as [string, string, Record<string, unknown>]),
  ...['relu', 'sigmoid', 'tanh', 'softmax', 'elu', 'selu', 'softplus', 'swish', 'gelu', 'linear'].map(
    (a) => [`Activation ${a}`, 'Activation', { activation: a }] as [string, string, Record<string, unknown>],
  ),
  ['Conv2D strides 2 valid, rectangular kernel', 'Conv2D', { kernel_size: [3, 2], strides: [2, 2], padding: 'valid' }],
  ['Conv2D dilation 2', 'Conv2D', { kernel_size: [3, 3], dilation_rate: [2, 2], padding: 'same' }],
  ['Conv2DTranspose strides 2', 'Conv2DTranspose', { filters: 3, kernel_size: [3, 3], strides: [2, 2], padding: 'same' }],
  ['SeparableConv2D strides 2, depth multiplier 2', 'SeparableConv2D', { filters: 3, kernel_size: [3, 3], strides: [2, 2], depth_multiplier: 2 }],
  ['DepthwiseConv2D strides 2 same', 'DepthwiseConv2D', { kernel_size: [3, 3], strides: [2, 2], padding: 'same', depth_multiplier: 2 }],
  ['MaxPooling2D 3x3 stride 2 same', 'MaxPooling2D', { pool_size: [3, 3], strides: [2, 2], padding: 'same' }],
  ['AveragePooling2D 3x3 stride 1', 'AveragePooling2D', { pool_size: [3, 3], strides: [1, 1] }],
];

export const randomLayers = new Set(['Dropout', 'SpatialDropout2D']);
/**
 * tfjs' cpu backend computes ResizeNearestNeighborGrad wrongly for batched multi-channel inputs (see kernels.test.ts,
 * which checks wasm against the hand-computed block sums instead), so cpu is no reference for UpSampling2D.
 */
export const cpuIsWrong = new Set(['UpSampling2D']);
export const x = randomArray(4 * INPUT[0] * INPUT[1] * INPUT[2], 42).map((v) => v * 2);
export const yOneHot = new Float32Array(4 * 3);
[0, 2, 1, 2].forEach((c, i) => (yOneHot[i * 3 + c] = 1));
const lossWeights = randomArray(4 * 3, 43);

export async function gradients(backend: string, spec: ModelSpec): Promise<Map<string, Float32Array>> {
  await tf.setBackend(backend);
  const model = await buildModel(spec, { seed: 7 });
  const { grads } = tf.variableGrads(() => {
    const out = model.apply(tf.tensor(x, [4, ...INPUT]), { training: true }) as tf.Tensor;
    return out.mul(tf.tensor(lossWeights, [4, 3])).sum() as tf.Scalar;
  });
  // Variable names get a per-build suffix (bias_1, bias_2); the layer order identifies them.
  const res = new Map<string, Float32Array>();
  for (const [i, w] of model.trainableWeights.entries()) {
    const g = grads[w.name];
    if (g) res.set(`${i} ${w.originalName}`, (await g.data()) as Float32Array);
  }
  tf.dispose(grads);
  model.dispose();
  return res;
}
