import { Activation } from './activation';
import { AveragePooling1D } from './average-pooling1d';
import { Bidirectional } from './bidirectional';
import { Conv1D } from './conv1d';
import { Embedding } from './embedding';
import { GlobalAveragePooling1D } from './global-average-pooling1d';
import { GlobalMaxPooling1D } from './global-max-pooling1d';
import { GRU } from './gru';
import { LSTM } from './lstm';
import { Masking } from './masking';
import { MaxPooling1D } from './max-pooling1d';
import { SimpleRNN } from './simple-rnn';
import { Add } from './add';
import { Average } from './average';
import { AveragePooling2D } from './average-pooling2d';
import { BatchNormalization } from './batch-normalization';
import { Concatenate } from './concatenate';
import { Conv2D } from './conv2d';
import { Conv2DTranspose } from './conv2d-transpose';
import { Cropping2D } from './cropping2d';
import { Dense } from './dense';
import { DepthwiseConv2D } from './depthwise-conv2d';
import { Dropout } from './dropout';
import { ELU } from './elu';
import { Flatten } from './flatten';
import { GlobalAveragePooling2D } from './global-average-pooling2d';
import { GlobalMaxPooling2D } from './global-max-pooling2d';
import { InputLayer } from './input-layer';
import { LayerNormalization } from './layer-normalization';
import { LeakyReLU } from './leaky-relu';
import { Maximum } from './maximum';
import { MaxPooling2D } from './max-pooling2d';
import { Minimum } from './minimum';
import { Multiply } from './multiply';
import { ReLU } from './relu';
import { Reshape } from './reshape';
import { SeparableConv2D } from './separable-conv2d';
import { Softmax } from './softmax';
import { SpatialDropout2D } from './spatial-dropout2d';
import { Subtract } from './subtract';
import type { LayerCategory, LayerKind } from './types';
import { UpSampling2D } from './up-sampling2d';
import { ZeroPadding2D } from './zero-padding2d';

/**
 * Every layer kind Layerlab offers, in palette order. Adding a kind means one file and one line here (and, because
 * LayerClassName grows, one entry in each exporter's table: the layer tables under main/export).
 */
export const layerKinds = [
  InputLayer,
  Dense,
  Flatten,
  Activation,
  Conv2D,
  SeparableConv2D,
  DepthwiseConv2D,
  Conv2DTranspose,
  MaxPooling2D,
  AveragePooling2D,
  GlobalAveragePooling2D,
  GlobalMaxPooling2D,
  BatchNormalization,
  LayerNormalization,
  Dropout,
  SpatialDropout2D,
  ReLU,
  LeakyReLU,
  ELU,
  Softmax,
  Reshape,
  ZeroPadding2D,
  Cropping2D,
  UpSampling2D,
  Add,
  Subtract,
  Concatenate,
  Multiply,
  Average,
  Maximum,
  Minimum,
  Embedding,
  Masking,
  Conv1D,
  MaxPooling1D,
  AveragePooling1D,
  GlobalAveragePooling1D,
  GlobalMaxPooling1D,
  SimpleRNN,
  LSTM,
  GRU,
  Bidirectional,
] as const satisfies readonly LayerKind[];

/** The Keras class name of every registered kind, as a union: tables keyed by it must cover each kind. */
export type LayerClassName = (typeof layerKinds)[number]['className'];

/** The registry entry of one class name, with its own config type. */
export type LayerKindOf<N extends LayerClassName> = Extract<(typeof layerKinds)[number], { className: N }>;

/** The config type of one class name (e.g. Conv2DConfig for 'Conv2D'). */
export type LayerConfigOf<N extends LayerClassName> = N extends LayerClassName ? (LayerKindOf<N> extends LayerKind<infer C, N> ? C : never) : never;

/** @public Narrows a class name read from a file (the exporters' union type, added with them; no caller yet). */
export function isLayerClassName(name: string): name is LayerClassName {
  return byClassName.has(name);
}

export const layerCategories: readonly LayerCategory[] = [
  'Input',
  'Core',
  'Convolution',
  'Pooling',
  'Normalization',
  'Regularization',
  'Activation',
  'Reshaping',
  'Merge',
  'Sequence',
];

const byClassName = new Map<string, LayerKind>(layerKinds.map((k) => [k.className, k as LayerKind]));

export function getLayerKind(className: string): LayerKind | undefined {
  return byClassName.get(className);
}

/** Like getLayerKind, for callers that already know the name is valid (templates, tests). */
export function requireLayerKind(className: string): LayerKind {
  const kind = byClassName.get(className);
  if (!kind) {
    throw new Error(`Unknown layer kind '${className}'. Known kinds: ${layerKinds.map((k) => k.className).join(', ')}.`);
  }
  return kind;
}

export function layerKindsByCategory(): { category: LayerCategory; kinds: LayerKind[] }[] {
  return layerCategories.map((category) => ({ category, kinds: (layerKinds as readonly LayerKind[]).filter((k) => k.category === category) }));
}
