import { mulberry32 } from '../../shared/random';
import { analyzeGraph } from '../../shared/graph/analyze';
import type { Graph } from '../../shared/graph/types';
import { requireLayerKind } from '../../shared/layers/registry';
import type { Shape } from '../../shared/layers/types';
import { activationNames } from '../../shared/layers/activations';
import { GraphBuilder } from '../../shared/templates/builder';

type Rng = () => number;
const int = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
/** Mostly square windows, sometimes rectangular ones. */
function pair(rng: Rng, lo: number, hi: number): [number, number] {
  const a = int(rng, lo, hi);
  return rng() < 0.6 ? [a, a] : [a, int(rng, lo, hi)];
}

/** A random config for `kind` that suits an input of `shape` (it may still be rejected; the caller retries). */
function randomConfig(rng: Rng, kind: string, shape: Shape): Record<string, unknown> {
  const padding = pick(rng, ['valid', 'same']);
  const dilated = rng() < 0.25;
  const strides = dilated ? [1, 1] : pair(rng, 1, 2);
  const dilation = dilated ? pair(rng, 1, 2) : [1, 1];
  switch (kind) {
    case 'Dense':
      return { units: int(rng, 1, 16), activation: pick(rng, activationNames), use_bias: rng() < 0.8 };
    case 'Conv2D':
      return { filters: int(rng, 1, 8), kernel_size: pair(rng, 1, 4), strides, padding, dilation_rate: dilation, use_bias: rng() < 0.8, activation: pick(rng, activationNames) };
    case 'SeparableConv2D':
      return { filters: int(rng, 1, 8), kernel_size: pair(rng, 1, 3), strides, padding, dilation_rate: dilation, depth_multiplier: rng() < 0.7 ? 1 : 2, use_bias: rng() < 0.8 };
    case 'DepthwiseConv2D':
      return { kernel_size: pair(rng, 1, 3), strides, padding, depth_multiplier: int(rng, 1, 3), use_bias: rng() < 0.8 };
    case 'Conv2DTranspose':
      return { filters: int(rng, 1, 6), kernel_size: pair(rng, 1, 4), strides: pair(rng, 1, 2), padding, use_bias: rng() < 0.8 };
    case 'MaxPooling2D':
    case 'AveragePooling2D':
      return { pool_size: pair(rng, 1, 3), strides: rng() < 0.5 ? null : pair(rng, 1, 2), padding };
    case 'Dropout':
    case 'SpatialDropout2D':
      return { rate: Math.round(rng() * 50) / 100 };
    case 'BatchNormalization':
      return { center: rng() < 0.8, scale: rng() < 0.8, momentum: 0.9 };
    case 'LayerNormalization':
      return { center: rng() < 0.8, scale: rng() < 0.8 };
    case 'Activation':
      return { activation: pick(rng, activationNames) };
    case 'ReLU':
      return { max_value: rng() < 0.5 ? null : 6 };
    case 'LeakyReLU':
      return { alpha: Math.round(rng() * 30) / 100 };
    case 'ZeroPadding2D':
      return { padding: [[int(rng, 0, 2), int(rng, 0, 2)], [int(rng, 0, 2), int(rng, 0, 2)]] };
    case 'UpSampling2D':
      return { size: pair(rng, 1, 2) };
    case 'Reshape': {
      const size = shape.slice(1).reduce<number>((a, d) => a * (d ?? 1), 1);
      const divisors = [2, 3, 4].filter((d) => size % d === 0);
      return { target_shape: divisors.length > 0 ? [pick(rng, divisors), -1] : [-1] };
    }
    default:
      return {};
  }
}

const IMAGE_KINDS = [
  'Conv2D', 'Conv2D', 'SeparableConv2D', 'DepthwiseConv2D', 'Conv2DTranspose', 'MaxPooling2D', 'AveragePooling2D',
  'GlobalAveragePooling2D', 'GlobalMaxPooling2D', 'Flatten', 'Dropout', 'SpatialDropout2D', 'BatchNormalization',
  'LayerNormalization', 'Activation', 'ReLU', 'LeakyReLU', 'ZeroPadding2D', 'UpSampling2D', 'Reshape', 'Dense',
];
const FLAT_KINDS = ['Dense', 'Dense', 'Dropout', 'BatchNormalization', 'LayerNormalization', 'Activation', 'ReLU', 'LeakyReLU', 'Reshape', 'Flatten'];

/** Caps sizes so that building the model in tfjs (which allocates the weights) stays fast. */
function fits(shape: Shape): boolean {
  const size = shape.slice(1).reduce<number>((a, d) => a * (d ?? 1), 1);
  return size <= 4096 && shape.slice(1).every((d) => d !== null && d >= 1 && d <= 64);
}

interface Tensor {
  id: string;
  shape: Shape;
}

export interface RandomGraphOptions {
  /** Add merges and skip connections (a DAG); otherwise a plain chain. */
  dag: boolean;
  layers?: number;
}

/** A random valid graph: a chain or a DAG with Add/Multiply/Average/Concatenate merges and skip connections. */
export function randomGraph(seed: number, options: RandomGraphOptions): Graph {
  const rng = mulberry32(seed);
  const b = new GraphBuilder();
  const image = rng() < 0.7;
  const inputShape: Shape = image ? [null, int(rng, 6, 14), int(rng, 6, 14), int(rng, 1, 4)] : [null, int(rng, 4, 24)];
  const tensors: Tensor[] = [{ id: b.layer('InputLayer', { batch_input_shape: inputShape }), shape: inputShape }];
  const steps = options.layers ?? int(rng, 3, 10);

  const tryAdd = (kindName: string, from: Tensor[], config: Record<string, unknown>): Tensor | null => {
    const kind = requireLayerKind(kindName);
    const full = { ...kind.defaults(), ...config };
    if (kind.validate(full).length > 0) return null;
    try {
      const shape = kind.inferShape(full, from.map((t) => t.shape));
      if (!fits(shape)) return null;
      const t = { id: b.layer(kindName, full, from.map((f) => f.id)), shape };
      tensors.push(t);
      return t;
    } catch {
      return null;
    }
  };

  const single = (x: Tensor): Tensor | null => {
    for (let attempt = 0; attempt < 12; attempt++) {
      const kind = pick(rng, x.shape.length === 4 ? IMAGE_KINDS : FLAT_KINDS);
      const t = tryAdd(kind, [x], randomConfig(rng, kind, x.shape));
      if (t) return t;
    }
    return null;
  };

  /** A branch that keeps the shape (so it can be merged back with its start): a residual block. */
  const sameShapeBranch = (x: Tensor): Tensor | null => {
    const last = x.shape[x.shape.length - 1] as number;
    const options: [string, Record<string, unknown>][] =
      x.shape.length === 4
        ? [
            ['Conv2D', { filters: last, kernel_size: pair(rng, 1, 3), padding: 'same', activation: 'relu' }],
            ['DepthwiseConv2D', { kernel_size: [3, 3], padding: 'same' }],
            ['BatchNormalization', {}],
          ]
        : [['Dense', { units: last, activation: pick(rng, activationNames) }], ['LayerNormalization', {}]];
    const [kind, config] = pick(rng, options);
    return tryAdd(kind, [x], config);
  };

  for (let step = 0; step < steps; step++) {
    // Chains always extend the last layer; DAGs sometimes branch off an earlier one.
    const x = options.dag && rng() >= 0.7 ? pick(rng, tensors) : tensors[tensors.length - 1]!;
    if (options.dag && step > 0 && rng() < 0.35) {
      const partner = tensors.find((t) => t !== x && t.id !== 'input_layer' && JSON.stringify(t.shape) === JSON.stringify(x.shape));
      const other = partner && rng() < 0.5 ? partner : sameShapeBranch(x);
      if (other) {
        const merge = pick(rng, ['Add', 'Add', 'Multiply', 'Average', 'Concatenate']);
        if (tryAdd(merge, rng() < 0.5 ? [x, other] : [other, x], {})) continue;
      }
    }
    single(x);
  }
  const graph = b.build();
  const analysis = analyzeGraph(graph);
  if (!analysis.valid) {
    throw new Error(`randomGraph(${seed}) built an invalid graph: ${analysis.errors.map((e) => e.message).join('; ')}`);
  }
  return graph;
}
