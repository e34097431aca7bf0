/**
 * The tiny models the layer-kind tests train and differentiate on each backend: Input -> Conv2D -> the layer ->
 * Dense(3, softmax), one per catalog kind and per notable configuration; sequence kinds take token ids through an
 * Embedding instead (sequenceModelFor). Shared by layer-kinds.test.ts (wasm vs cpu) and webgpu-layer-kinds.test.ts
 * (webgpu vs cpu). specFor/inputFor pick the model and the batch for a variant.
 */
import * as tf from '@tensorflow/tfjs';
import { compileGraph, createNode } from '../../../shared/graph/index';
import type { Graph, GraphNode, ModelSpec } from '../../../shared/graph/types';
import { layerKinds } from '../../../shared/layers/registry';
import type { LayerKind } from '../../../shared/layers/types';
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
  if (['Add', 'Subtract', 'Concatenate', 'Multiply', 'Average', 'Maximum', 'Minimum'].includes(kind)) {
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
  return finish(g, last, flat);
}

/** (Flatten ->) Dense(3, softmax), then the model JSON. */
function finish(g: Graph, last: GraphNode, flatten: boolean): ModelSpec {
  if (flatten) {
    const f = node(g, 'Flatten');
    edge(g, last, f);
    last = f;
  }
  const out = node(g, 'Dense', { units: 3, activation: 'softmax' });
  edge(g, last, out);
  return compileGraph(g);
}

/**
 * Sequence kinds (#16) get token ids: Input [T] -> Embedding(VOCAB x 4) -> [layer] -> (Flatten) -> Dense(3, softmax).
 * Row 0 starts with padding (id 0) and row 3 has one in the middle, so masks (mask_zero) matter.
 */
const T = 6;
const VOCAB = 12;
const ids = Float32Array.from([0, 0, 3, 5, 7, 11, 1, 2, 3, 4, 5, 6, 0, 9, 8, 7, 6, 5, 10, 11, 1, 0, 2, 3]);
const sequenceKinds = new Set<string>(layerKinds.filter((k) => k.category === 'Sequence').map((k) => k.className));

function sequenceModelFor(kind: string, config: Record<string, unknown> = {}, embedding: Record<string, unknown> = {}): ModelSpec {
  const g: Graph = { nodes: [], edges: [] };
  const input = node(g, 'InputLayer', { batch_input_shape: [null, T] });
  const emb = node(g, 'Embedding', { input_dim: VOCAB, output_dim: 4, ...embedding, ...(kind === 'Embedding' ? config : {}) });
  edge(g, input, emb);
  let last = emb;
  if (kind !== 'Embedding') {
    const k = node(g, kind, config);
    edge(g, emb, k);
    last = k;
  }
  const sequenceOut =
    ['Embedding', 'Masking', 'Conv1D', 'MaxPooling1D', 'AveragePooling1D'].includes(kind) || config['return_sequences'] === true;
  return finish(g, last, sequenceOut);
}

const sequenceVariants: [string, string, Record<string, unknown>][] = [
  ['Conv1D causal, dilation 2, relu', 'Conv1D', { filters: 3, kernel_size: [3], padding: 'causal', dilation_rate: [2], activation: 'relu' }],
  ['Conv1D same, stride 2', 'Conv1D', { filters: 3, kernel_size: [3], padding: 'same', strides: [2] }],
  ['Conv1D valid, dilation 2', 'Conv1D', { filters: 2, kernel_size: [2], dilation_rate: [2] }],
  ['MaxPooling1D 3 stride 1 same', 'MaxPooling1D', { pool_size: [3], strides: [1], padding: 'same' }],
  ['AveragePooling1D 3 stride 2 same', 'AveragePooling1D', { pool_size: [3], strides: [2], padding: 'same' }],
  ['LSTM every step', 'LSTM', { units: 5, return_sequences: true }],
  ['GRU reset_after=false', 'GRU', { units: 5, reset_after: false }],
  ['GRU no bias', 'GRU', { units: 4, use_bias: false }],
  ['SimpleRNN relu', 'SimpleRNN', { units: 5, activation: 'relu' }],
  ['Bidirectional GRU sum', 'Bidirectional', { layer: 'GRU', units: 4, merge_mode: 'sum' }],
  ['Bidirectional SimpleRNN ave, every step', 'Bidirectional', { layer: 'SimpleRNN', units: 3, merge_mode: 'ave', return_sequences: true }],
  ['Bidirectional LSTM mul', 'Bidirectional', { layer: 'LSTM', units: 3, merge_mode: 'mul' }],
  ['LSTM with dropout and recurrent dropout', 'LSTM', { units: 4, dropout: 0.3, recurrent_dropout: 0.3 }],
];

/** Embedding mask_zero before these: padded steps must be skipped the same way on both backends. */
const maskedVariants: [string, string, Record<string, unknown>][] = [
  ['LSTM after a mask_zero Embedding', 'LSTM', { units: 5 }],
  ['GRU after a mask_zero Embedding', 'GRU', { units: 5 }],
  ['Bidirectional LSTM after a mask_zero Embedding', 'Bidirectional', { units: 3 }],
  ['GlobalAveragePooling1D after a mask_zero Embedding', 'GlobalAveragePooling1D', {}],
];

/** The model of a variant (by title: the masked ones share kinds with others). */
export function specFor(title: string, kind: string, config: Record<string, unknown>): ModelSpec {
  if (maskedVariants.some(([t]) => t === title)) return sequenceModelFor(kind, config, { mask_zero: true });
  return sequenceKinds.has(kind) ? sequenceModelFor(kind, config) : modelFor(kind, config);
}

/** The batch a variant's model takes: an image batch, or token ids for the sequence kinds. */
export function inputFor(kind: string): tf.Tensor {
  return sequenceKinds.has(kind) ? tf.tensor(ids, [4, T]) : tf.tensor(x, [4, ...INPUT]);
}

export const variants: [string, string, Record<string, unknown>][] = [
  ...(layerKinds as readonly LayerKind[]).map((k) => [k.className, k.className, {}] as [string, string, Record<string, unknown>]),
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
  ...sequenceVariants,
  ...maskedVariants,
];

/** Variants (by kind or title) whose training-mode output is random, so no two backends compute the same. */
export const randomLayers = new Set(['Dropout', 'SpatialDropout2D', 'LSTM with dropout and recurrent dropout']);
/**
 * tfjs' cpu backend computes ResizeNearestNeighborGrad wrongly for batched multi-channel inputs (see kernels.test.ts,
 * which checks wasm against the hand-computed block sums instead), so cpu is no reference for UpSampling2D.
 */
export const cpuIsWrong = new Set(['UpSampling2D']);
export const x = randomArray(4 * INPUT[0] * INPUT[1] * INPUT[2], 42).map((v) => v * 2);
export const yOneHot = new Float32Array(4 * 3);
[0, 2, 1, 2].forEach((c, i) => (yOneHot[i * 3 + c] = 1));
const lossWeights = randomArray(4 * 3, 43);

export async function gradients(backend: string, spec: ModelSpec, kind = ''): Promise<Map<string, Float32Array>> {
  await tf.setBackend(backend);
  const model = await buildModel(spec, { seed: 7 });
  const { grads } = tf.variableGrads(() => {
    const out = model.apply(inputFor(kind), { training: true }) as tf.Tensor;
    return out.mul(tf.tensor(lossWeights, [4, 3])).sum() as tf.Scalar;
  });
  // Variable names get a per-build suffix (bias_1, bias_2; Bidirectional's forward_gru_GRU3); the order identifies them.
  const res = new Map<string, Float32Array>();
  for (const [i, w] of model.trainableWeights.entries()) {
    const g = grads[w.name];
    if (g) res.set(`${i} ${w.originalName.replace(/\d+/g, '')}`, (await g.data()) as Float32Array);
  }
  tf.dispose(grads);
  model.dispose();
  return res;
}
