/**
 * PyTorch code per layer kind: one table entry per registry class name (TORCH_LAYERS), so a new kind does not
 * compile until it is emitted here or refused with a reason.
 *
 * Layout: every rank-4 (image) tensor lives channels-first (NCHW) inside the module, as PyTorch's convolutions want;
 * other ranks keep Keras' layout. Layers that depend on axis order (Flatten, Dense on images, Reshape, axis
 * arguments) convert explicitly, so the Keras weights, converted once (weights.ts), give the same outputs.
 */
import type { ActivationName } from '../../../shared/layers/activations';
import { dilatedKernel } from '../../../shared/layers/conv-arithmetic';
import type { LayerClassName } from '../../../shared/layers/registry';
import type { ExportLayer, Refusal } from '../model';
import { pyLiteral, pyString } from '../python-names';
import type { Helper } from './helpers';
import { TORCH_SEQUENCE_LAYERS } from './sequence-layers';

export const TO_NCHW = '.permute(0, 3, 1, 2)';
export const TO_NHWC = '.permute(0, 2, 3, 1)';
/** Keras axis of a rank-4 tensor -> the axis of the same data in NCHW. */
const NCHW_AXIS = [0, 2, 3, 1];

export function torchAxis(kerasAxis: number, rank: number): number {
  const axis = kerasAxis < 0 ? kerasAxis + rank : kerasAxis;
  return rank === 4 ? NCHW_AXIS[axis]! : axis;
}

/** The PyTorch expression of each activation applied to `e`; `dim` is where softmax runs (Keras: the last axis). */
export const TORCH_ACTIVATIONS: Record<ActivationName, (e: string, dim: number) => string> = {
  linear: (e) => e,
  relu: (e) => `F.relu(${e})`,
  relu6: (e) => `F.relu6(${e})`,
  sigmoid: (e) => `torch.sigmoid(${e})`,
  // TF.js' (and Keras 2's) piecewise-linear form, which Layerlab trains with.
  hard_sigmoid: (e) => `torch.clamp(0.2 * ${e} + 0.5, 0.0, 1.0)`,
  tanh: (e) => `torch.tanh(${e})`,
  softmax: (e, dim) => `F.softmax(${e}, dim=${dim})`,
  log_softmax: (e, dim) => `F.log_softmax(${e}, dim=${dim})`,
  elu: (e) => `F.elu(${e})`,
  selu: (e) => `F.selu(${e})`,
  softplus: (e) => `F.softplus(${e})`,
  softsign: (e) => `F.softsign(${e})`,
  swish: (e) => `F.silu(${e})`,
  gelu: (e) => `F.gelu(${e})`,
  mish: (e) => `F.mish(${e})`,
  exponential: (e) => `torch.exp(${e})`,
};

export interface LayerCode {
  init?: string;
  /** Further attributes, whole statements (e.g. a BatchNorm's lone gamma). */
  extraInit?: string[];
  forward: string[];
  helpers?: Helper[];
  /**
   * The mask of the output (a variable name), null for none; absent: the input's mask passes through when TF.js
   * passes it (model-code.ts), else there is none.
   */
  mask?: string | null;
}

/** Names in the generated code: `v` the input variables, `o` the output variable, `self` the module attribute. */
export interface Names {
  v: string[];
  o: string;
  attr: string;
  /** The variable holding the first input's mask (an Embedding with mask_zero or a Masking layer upstream). */
  mask?: string;
}

export type TorchEmitter<N extends LayerClassName> = (l: ExportLayer<N>, n: Names) => LayerCode;

const tuple = (v: readonly number[]): string => (v.length === 1 ? `(${v[0]},)` : `(${v.join(', ')})`);
const rankOf = (l: ExportLayer): number => l.outputShape.length;
const inShape = (l: ExportLayer): (number | null)[] => l.inputShapes[0] ?? [];
/** Activations whose `dim` matters run over Keras' last axis, which is axis 1 of an NCHW image. */
const actDim = (l: ExportLayer): number => (rankOf(l) === 4 ? 1 : -1);

function convPadding(padding: 'valid' | 'same', k: number[], s: number[], d: number[]): { modulePad?: string; forwardPad: boolean } {
  if (padding === 'valid') return { forwardPad: false };
  const dk = [dilatedKernel(k[0]!, d[0]!), dilatedKernel(k[1]!, d[1]!)];
  // Stride 1 with an odd effective kernel pads symmetrically: PyTorch's own padding argument does exactly that.
  if (s[0] === 1 && s[1] === 1 && dk[0]! % 2 === 1 && dk[1]! % 2 === 1) return { modulePad: tuple([(dk[0]! - 1) / 2, (dk[1]! - 1) / 2]), forwardPad: false };
  return { forwardPad: true };
}

/** Conv2D, DepthwiseConv2D and SeparableConv2D share stride, padding and dilation handling. */
function convFamily(
  l: ExportLayer<'Conv2D' | 'DepthwiseConv2D' | 'SeparableConv2D'>,
  { v, o, attr }: Names,
  module: (inCh: number, args: string[]) => string,
  helpers: Helper[] = [],
): LayerCode {
  const c = l.config;
  const dilation = 'dilation_rate' in c ? c.dilation_rate : [1, 1];
  const { modulePad, forwardPad } = convPadding(c.padding, c.kernel_size, c.strides, dilation);
  const args: string[] = [`kernel_size=${tuple(c.kernel_size)}`];
  if (c.strides.some((x) => x !== 1)) args.push(`stride=${tuple(c.strides)}`);
  if (modulePad) args.push(`padding=${modulePad}`);
  if (dilation.some((x) => x !== 1)) args.push(`dilation=${tuple(dilation)}`);
  const input = forwardPad ? `same_pad(${v[0]}, ${tuple(c.kernel_size)}, ${tuple(c.strides)}, ${tuple(dilation)})` : v[0]!;
  return {
    init: module(inShape(l)[3] as number, args),
    forward: [`${o} = ${TORCH_ACTIVATIONS[c.activation](`self.${attr}(${input})`, 1)}`],
    helpers: [...(forwardPad ? (['same_pad'] as Helper[]) : []), ...helpers],
  };
}

function pooling(l: ExportLayer<'MaxPooling2D' | 'AveragePooling2D'>, { v, o }: Names): LayerCode {
  const c = l.config;
  const k = c.pool_size;
  const s = c.strides ?? k;
  const max = l.className === 'MaxPooling2D';
  if (c.padding === 'valid') return { forward: [`${o} = F.${max ? 'max' : 'avg'}_pool2d(${v[0]}, ${tuple(k)}, ${tuple(s)})`] };
  if (max) return { forward: [`${o} = F.max_pool2d(same_pad(${v[0]}, ${tuple(k)}, ${tuple(s)}, value=float('-inf')), ${tuple(k)}, ${tuple(s)})`], helpers: ['same_pad'] };
  return { forward: [`${o} = avg_pool_same(${v[0]}, ${tuple(k)}, ${tuple(s)})`], helpers: ['same_pad', 'avg_pool_same'] };
}

/** PyTorch's affine is all or nothing; Keras can learn only beta or only gamma: those become own parameters. */
function partialAffine(c: { center: boolean; scale: boolean }, attr: string, e: string, shape: string, view: string): { e: string; extra: string[] } {
  if (c.center === c.scale) return { e, extra: [] };
  if (c.scale) return { e: `${e} * self.${attr}_gamma${view}`, extra: [`self.${attr}_gamma = nn.Parameter(torch.ones(${shape}))`] };
  return { e: `${e} + self.${attr}_beta${view}`, extra: [`self.${attr}_beta = nn.Parameter(torch.zeros(${shape}))`] };
}

/** Keras broadcasts merge inputs aligned from the right in channels-last order; same-rank inputs broadcast alike in NCHW. */
function merge<N extends LayerClassName>(op: (v: string[]) => string): TorchEmitter<N> {
  return (l, { v, o }) => {
    const ranks = new Set(l.inputShapes.map((s) => s.length));
    if (ranks.size > 1) return unsupported(`inputs of different ranks (${l.inputShapes.map((s) => s.length).join(', ')}) broadcast in Keras' channels-last order, which the PyTorch layout does not follow; Reshape them to one rank first.`);
    return { forward: [`${o} = ${op(v)}`] };
  };
}

export const TORCH_LAYERS: { [N in LayerClassName]: TorchEmitter<N> | Refusal } = {
  ...TORCH_SEQUENCE_LAYERS,
  InputLayer: (l, { o }) => {
    const rank = rankOf(l);
    // contiguous(): a permuted view would carry channels-last strides into every convolution (and DDP's buckets).
    if (rank === 4) return { forward: [`${o} = ${o}${TO_NCHW}.contiguous()  # Keras NHWC -> PyTorch NCHW`] };
    if (rank > 4) return unsupported(`an input of rank ${rank} (batch included) has no PyTorch layout here; the PyTorch export supports up to rank 4 (images).`);
    return { forward: [] };
  },
  Dense: (l, { v, o, attr }) => {
    const c = l.config;
    const ins = inShape(l);
    const init = `nn.Linear(${ins[ins.length - 1]}, ${c.units}${c.use_bias ? '' : ', bias=False'})`;
    const act = TORCH_ACTIVATIONS[c.activation];
    if (ins.length === 4) return { init, forward: [`${o} = ${act(`self.${attr}(${v[0]}${TO_NHWC})`, -1)}${TO_NCHW}  # Dense acts on the channel axis`] };
    return { init, forward: [`${o} = ${act(`self.${attr}(${v[0]})`, -1)}`] };
  },
  Conv2D: (l, n) => convFamily(l, n, (inCh, args) => `nn.Conv2d(${inCh}, ${l.config.filters}, ${[...args, ...(l.config.use_bias ? [] : ['bias=False'])].join(', ')})`),
  DepthwiseConv2D: (l, n) =>
    convFamily(l, n, (inCh, args) => `nn.Conv2d(${inCh}, ${inCh * l.config.depth_multiplier}, ${[...args, `groups=${inCh}`, ...(l.config.use_bias ? [] : ['bias=False'])].join(', ')})`),
  SeparableConv2D: (l, n) =>
    convFamily(
      l,
      n,
      (inCh, args) =>
        `SeparableConv2d(${inCh}, ${l.config.filters}, ${[...args, ...(l.config.depth_multiplier !== 1 ? [`depth_multiplier=${l.config.depth_multiplier}`] : []), ...(l.config.use_bias ? [] : ['bias=False'])].join(', ')})`,
      ['SeparableConv2d'],
    ),
  Conv2DTranspose: (l, { v, o, attr }) => {
    const c = l.config;
    const args = [`${inShape(l)[3]}, ${c.filters}, ${tuple(c.kernel_size)}, stride=${tuple(c.strides)}`];
    if (!c.use_bias) args.push('bias=False');
    args.push(`padding=${pyString(c.padding)}`);
    return { init: `KerasConv2DTranspose(${args.join(', ')})`, forward: [`${o} = ${TORCH_ACTIVATIONS[c.activation](`self.${attr}(${v[0]})`, 1)}`], helpers: ['KerasConv2DTranspose'] };
  },
  MaxPooling2D: pooling,
  AveragePooling2D: pooling,
  GlobalAveragePooling2D: (_l, { v, o }) => ({ forward: [`${o} = ${v[0]}.mean(dim=(2, 3))`] }),
  GlobalMaxPooling2D: (_l, { v, o }) => ({ forward: [`${o} = ${v[0]}.amax(dim=(2, 3))`] }),
  Flatten: (l, { v, o }) =>
    inShape(l).length === 4
      ? { forward: [`${o} = torch.flatten(${v[0]}${TO_NHWC}, 1)  # Keras flattens in (H, W, C) order`] }
      : { forward: [`${o} = torch.flatten(${v[0]}, 1)`] },
  Reshape: (l, { v, o }) => {
    const src = inShape(l).length === 4 ? `${v[0]}${TO_NHWC}` : v[0];
    const target = l.outputShape.slice(1) as number[];
    return { forward: [`${o} = ${src}.reshape(${v[0]}.shape[0], ${target.join(', ')})${rankOf(l) === 4 ? TO_NCHW : ''}`] };
  },
  ZeroPadding2D: (l, { v, o }) => {
    const [[t, b], [le, r]] = l.config.padding;
    return { forward: [`${o} = F.pad(${v[0]}, (${le}, ${r}, ${t}, ${b}))`] };
  },
  Cropping2D: (l, { v, o }) => {
    const [[t, b], [le, r]] = l.config.cropping;
    return { forward: [`${o} = ${v[0]}[:, :, ${t}:${v[0]}.shape[2] - ${b}, ${le}:${v[0]}.shape[3] - ${r}]`] };
  },
  UpSampling2D: (l, { v, o }) => {
    const { size, interpolation } = l.config;
    if (interpolation === 'nearest') return { forward: [`${o} = F.interpolate(${v[0]}, scale_factor=${tuple(size)}, mode='nearest')`] };
    return { forward: [`${o} = upsample_bilinear(${v[0]}, ${tuple(size)})`], helpers: ['upsample_bilinear'] };
  },
  Concatenate: (l, { v, o }) => ({ forward: [`${o} = torch.cat([${v.join(', ')}], dim=${torchAxis(l.config.axis, rankOf(l))})`] }),
  Add: merge((v) => v.join(' + ')),
  Subtract: merge((v) => `${v[0]} - ${v[1]}`),
  Multiply: merge((v) => v.join(' * ')),
  Average: merge((v) => `(${v.join(' + ')}) / ${v.length}`),
  Maximum: merge((v) => v.slice(1).reduce((a, b) => `torch.maximum(${a}, ${b})`, v[0]!)),
  Minimum: merge((v) => v.slice(1).reduce((a, b) => `torch.minimum(${a}, ${b})`, v[0]!)),
  Dropout: (l, { v, o, attr }) => ({ init: `nn.Dropout(${pyLiteral(l.config.rate)})`, forward: [`${o} = self.${attr}(${v[0]})`] }),
  SpatialDropout2D: (l, { v, o, attr }) => ({ init: `nn.Dropout2d(${pyLiteral(l.config.rate)})`, forward: [`${o} = self.${attr}(${v[0]})  # drops whole channels`] }),
  BatchNormalization: (l, { v, o, attr, mask }) => {
    const c = l.config;
    const rank = rankOf(l);
    const axis = c.axis < 0 ? c.axis + rank : c.axis;
    if (axis !== rank - 1) return unsupported(`BatchNormalization over axis ${c.axis} of a rank-${rank} tensor has no PyTorch translation here; normalise the last (channel) axis.`);
    const ch = l.outputShape[axis] as number;
    // Keras' moving average keeps `momentum` of the old value; PyTorch's momentum is the weight of the new one.
    const momentum = +(1 - c.momentum).toPrecision(12);
    const full = c.center && c.scale;
    // A masked sequence (or masked rows): Keras 3 takes the training moments over the kept steps only (KerasMaskedBatchNorm).
    const masked = rank <= 3 && mask !== undefined;
    const module = masked ? 'KerasMaskedBatchNorm' : `nn.BatchNorm${rank === 4 ? '2d' : '1d'}`;
    const init = `${module}(${ch}, eps=${pyLiteral(c.epsilon)}, momentum=${pyLiteral(momentum)}${full ? '' : ', affine=False'})`;
    const view = rank === 4 ? '.view(1, -1, 1, 1)' : rank === 3 ? '.view(1, -1, 1)' : '';
    const base = `self.${attr}(${rank === 3 ? `${v[0]}.transpose(1, 2)` : v[0]}${masked ? `, ${mask}` : ''})`;
    const { e, extra } = partialAffine(c, attr, base, String(ch), view);
    return { init, extraInit: extra, forward: [`${o} = ${rank === 3 ? `(${e}).transpose(1, 2)` : e}`], ...(masked ? { helpers: ['KerasMaskedBatchNorm' as const] } : {}) };
  },
  LayerNormalization: (l, { v, o, attr }) => {
    const c = l.config;
    const rank = rankOf(l);
    const axis = c.axis < 0 ? c.axis + rank : c.axis;
    if (axis !== rank - 1) return unsupported(`LayerNormalization over axis ${c.axis} has no PyTorch translation here; normalise the last axis (-1).`);
    const shape = tuple([l.outputShape[axis] as number]);
    const full = c.center && c.scale;
    const init = `nn.LayerNorm(${shape}, eps=${pyLiteral(c.epsilon)}${full ? '' : ', elementwise_affine=False'})`;
    const { e, extra } = partialAffine(c, attr, `self.${attr}(${rank === 4 ? `${v[0]}${TO_NHWC}` : v[0]})`, shape, '');
    if (rank === 4) return { init, extraInit: extra, forward: [`${o} = (${e})${TO_NCHW}  # normalises Keras' last axis`] };
    return { init, extraInit: extra, forward: [`${o} = ${e}`] };
  },
  Activation: (l, { v, o }) => ({ forward: [`${o} = ${TORCH_ACTIVATIONS[l.config.activation](v[0]!, actDim(l))}`] }),
  Softmax: (l, { v, o }) => ({ forward: [`${o} = F.softmax(${v[0]}, dim=${torchAxis(l.config.axis, rankOf(l))})`] }),
  ELU: (l, { v, o }) => ({ forward: [`${o} = F.elu(${v[0]}, alpha=${pyLiteral(l.config.alpha)})`] }),
  LeakyReLU: (l, { v, o }) => ({ forward: [`${o} = F.leaky_relu(${v[0]}, negative_slope=${pyLiteral(l.config.alpha)})`] }),
  ReLU: (l, { v, o }) => ({
    forward: [`${o} = ${l.config.max_value === null ? `F.relu(${v[0]})` : `torch.clamp(F.relu(${v[0]}), max=${pyLiteral(l.config.max_value)})`}`],
  }),
};

/** A config this format cannot express although the kind can be: thrown while emitting, with the layer named by the caller. */
export class UnsupportedConfig extends Error {
  override name = 'UnsupportedConfig';
}

function unsupported(reason: string): never {
  throw new UnsupportedConfig(reason);
}
