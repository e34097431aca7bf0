/**
 * A model's weights (tfjs names '<layer>/<weight>') grouped by layer and checked against what each kind needs.
 * KERAS_WEIGHTS is the one table of weight names per kind: a new kind does not compile until it has an entry.
 */
import type { LayerClassName, LayerConfigOf } from '../../shared/layers/registry';
import type { ExportGraph, ExportLayer } from './model';
import type { NpyArray } from './npy';
import { ExportError, type NamedWeight } from './types';

type WeightNames<N extends LayerClassName> = (c: LayerConfigOf<N>) => string[];

/** The kinds without weights: deciding that a new kind belongs here is the one weight decision it needs. */
export const WEIGHTLESS_KINDS = [
  'InputLayer', 'Flatten', 'Activation', 'MaxPooling2D', 'AveragePooling2D', 'GlobalAveragePooling2D', 'GlobalMaxPooling2D',
  'Dropout', 'SpatialDropout2D', 'ReLU', 'LeakyReLU', 'ELU', 'Softmax', 'Reshape', 'ZeroPadding2D', 'Cropping2D', 'UpSampling2D',
  'Add', 'Subtract', 'Concatenate', 'Multiply', 'Average', 'Maximum', 'Minimum',
  'Masking', 'MaxPooling1D', 'AveragePooling1D', 'GlobalAveragePooling1D', 'GlobalMaxPooling1D',
] as const satisfies readonly LayerClassName[];
export type WeightlessKind = (typeof WEIGHTLESS_KINDS)[number];

/** The same entry for every weightless kind (spread into each weight table). */
export function forWeightless<T>(entry: T): Record<WeightlessKind, T> {
  return Object.fromEntries(WEIGHTLESS_KINDS.map((k) => [k, entry])) as Record<WeightlessKind, T>;
}

const none = (): string[] => [];
const kernelBias = (c: { use_bias: boolean }): string[] => (c.use_bias ? ['kernel', 'bias'] : ['kernel']);
const affine = (c: { center: boolean; scale: boolean }): string[] => [...(c.scale ? ['gamma'] : []), ...(c.center ? ['beta'] : [])];

const recurrentWeights = (c: { use_bias?: boolean }): string[] => ['kernel', 'recurrent_kernel', ...(c.use_bias !== false ? ['bias'] : [])];

/**
 * Bidirectional's weights as TF.js names them ('<layer>/forward_<inner>/kernel') by short name 'forward_kernel',
 * in Keras' get_weights() order: the forward layer's, then the backward copy's.
 */
const bidirectionalWeights = (c: { use_bias?: boolean }): string[] =>
  ['forward', 'backward'].flatMap((side) => recurrentWeights(c).map((w) => `${side}_${w}`));

/** Keras weight names per kind, in the order Keras' get_weights() returns them. */
export const KERAS_WEIGHTS: { [N in LayerClassName]: WeightNames<N> } = {
  ...forWeightless(none),
  Embedding: () => ['embeddings'],
  Conv1D: kernelBias,
  SimpleRNN: recurrentWeights,
  LSTM: recurrentWeights,
  GRU: recurrentWeights,
  Bidirectional: bidirectionalWeights,
  Dense: kernelBias,
  Conv2D: kernelBias,
  SeparableConv2D: (c) => ['depthwise_kernel', 'pointwise_kernel', ...(c.use_bias ? ['bias'] : [])],
  DepthwiseConv2D: (c) => ['depthwise_kernel', ...(c.use_bias ? ['bias'] : [])],
  Conv2DTranspose: kernelBias,
  BatchNormalization: (c) => [...affine(c), 'moving_mean', 'moving_variance'],
  LayerNormalization: affine,
};

export function kerasWeightNames(l: ExportLayer): string[] {
  return (KERAS_WEIGHTS[l.className] as WeightNames<LayerClassName>)(l.config);
}

/** The weights of each layer by short name ('kernel'), from tfjs names '<layer>/<weight>' (suffixes like '_1' kept off). */
export function weightsByLayer(g: ExportGraph, weights: readonly NamedWeight[]): Map<string, Map<string, NpyArray>> {
  const out = new Map<string, Map<string, NpyArray>>();
  const known = new Set(g.layers.map((l) => l.name));
  for (const w of weights) {
    const slash = w.name.lastIndexOf('/');
    let layer = w.name.slice(0, slash);
    let short = w.name.slice(slash + 1).replace(/_\d+$/, '').replace(/:0$/, '');
    // A wrapper's inner layers: 'bidirectional/forward_lstm_LSTM1/kernel' -> layer 'bidirectional', 'forward_kernel'.
    const inner = /^(.*)\/(forward|backward)_[^/]*$/.exec(layer);
    if (!known.has(layer) && inner && known.has(inner[1]!)) (layer = inner[1]!), (short = `${inner[2]}_${short}`);
    if (!known.has(layer)) throw new ExportError(`weight '${w.name}' belongs to no layer of the model (expected '<layer name>/<weight>'); export the weights of this very model.`);
    if (!out.has(layer)) out.set(layer, new Map());
    out.get(layer)!.set(short, { shape: w.shape, data: w.data });
  }
  for (const l of g.layers) {
    const need = kerasWeightNames(l);
    const have = out.get(l.name) ?? new Map<string, NpyArray>();
    const missing = need.filter((n) => !have.has(n));
    const extra = [...have.keys()].filter((n) => !need.includes(n));
    if (missing.length && have.size) throw new ExportError(`layer '${l.name}' lacks weights ${missing.join(', ')} (has ${[...have.keys()].join(', ')}).`);
    if (missing.length) throw new ExportError(`no weights for layer '${l.name}' (${l.className}); give all the model's weights or none.`);
    if (extra.length) throw new ExportError(`layer '${l.name}' (${l.className}) has weights ${extra.join(', ')} that this kind does not have; export the weights of this very model.`);
  }
  return out;
}

/** Keras get_weights() order of one layer's arrays. */
export function kerasWeightList(l: ExportLayer, weights: Map<string, NpyArray>): NpyArray[] {
  return kerasWeightNames(l).map((n) => weights.get(n)!);
}
