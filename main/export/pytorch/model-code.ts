/**
 * PyTorch model.py: an nn.Module with the same layers and the same function as the Keras model.
 *
 * Layout: every rank-4 (image) tensor lives channels-first (NCHW) inside the module, as PyTorch's convolutions want;
 * other ranks keep Keras' layout. The module takes and returns Keras' channels-last layout, so inputs prepared for
 * the Keras model work unchanged. Layers that depend on axis order (Flatten, Dense on images, Reshape, axis
 * arguments) convert explicitly, so the Keras weights, converted once (see weights.ts), give the same outputs.
 */
import { activationName, normAxis, pair, padding2d, type IrLayer, type ModelIr } from '../ir';
import { pythonNames, pyLiteral, pyString } from '../python-names';
import { ExportError } from '../types';

type Helper = 'same_pad' | 'avg_pool_same' | 'KerasConv2DTranspose' | 'SeparableConv2d' | 'upsample_bilinear';

const HELPERS: Record<Helper, string> = {
  same_pad: `def same_pad(x, kernel_size, stride, dilation=(1, 1), value=0.0):
    """Pads an NCHW tensor as TensorFlow's 'same' padding does: the odd pixel goes to the bottom/right."""
    pads = []
    for size, k, s, d in zip((x.shape[3], x.shape[2]), kernel_size[::-1], stride[::-1], dilation[::-1]):
        total = max((math.ceil(size / s) - 1) * s + (k - 1) * d + 1 - size, 0)
        pads += [total // 2, total - total // 2]
    return F.pad(x, pads, value=value)
`,
  avg_pool_same: `def avg_pool_same(x, kernel_size, stride):
    """TensorFlow's 'same' average pooling divides each window by its count of real (unpadded) pixels."""
    summed = F.avg_pool2d(same_pad(x, kernel_size, stride), kernel_size, stride)
    counts = F.avg_pool2d(same_pad(torch.ones_like(x[:1, :1]), kernel_size, stride), kernel_size, stride)
    return summed / counts
`,
  KerasConv2DTranspose: `class KerasConv2DTranspose(nn.ConvTranspose2d):
    """ConvTranspose2d cropped as Keras does: 'same' gives in * stride pixels and crops floor(excess / 2) at the
    top/left (PyTorch's padding crops symmetrically); the bias is added after cropping."""

    def __init__(self, in_channels, out_channels, kernel_size, stride, dilation=(1, 1), bias=True, padding='valid'):
        super().__init__(in_channels, out_channels, kernel_size, stride=stride, dilation=dilation, bias=bias)
        self.keras_padding = padding

    def forward(self, x):
        y = F.conv_transpose2d(x, self.weight, None, self.stride, 0, 0, 1, self.dilation)
        for axis in (2, 3):
            size, k, s, d = x.shape[axis], self.kernel_size[axis - 2], self.stride[axis - 2], self.dilation[axis - 2]
            dk = (k - 1) * d + 1
            out = size * s if self.keras_padding == 'same' else size * s + max(dk - s, 0)
            start = max(dk - s, 0) // 2 if self.keras_padding == 'same' else 0
            y = y.narrow(axis, start, min(out, y.shape[axis] - start))
            if y.shape[axis] < out:
                pad = [0, 0, 0, 0]
                pad[1 if axis == 3 else 3] = out - y.shape[axis]
                y = F.pad(y, pad)
        if self.bias is not None:
            y = y + self.bias.view(1, -1, 1, 1)
        return y
`,
  upsample_bilinear: `def upsample_bilinear(x, scale):
    """Bilinear upsampling as TF.js (and TensorFlow 1) compute it: source pixel = output pixel / scale, with no
    half-pixel offset, so the model trained in Layerlab gives the same outputs here."""
    for axis, s in ((2, scale[0]), (3, scale[1])):
        size = x.shape[axis]
        src = torch.arange(size * s, device=x.device, dtype=x.dtype) / s
        lo = src.floor().long().clamp(max=size - 1)
        hi = (lo + 1).clamp(max=size - 1)
        w = (src - lo.to(x.dtype)).view([-1 if d == axis else 1 for d in range(4)])
        x = x.index_select(axis, lo) * (1 - w) + x.index_select(axis, hi) * w
    return x
`,
  SeparableConv2d: `class SeparableConv2d(nn.Module):
    """Keras SeparableConv2D: a depthwise convolution (depth_multiplier channels per input channel) then a 1x1."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, depth_multiplier=1,
                 bias=True):
        super().__init__()
        self.depthwise = nn.Conv2d(in_channels, in_channels * depth_multiplier, kernel_size, stride=stride,
                                   padding=padding, dilation=dilation, groups=in_channels, bias=False)
        self.pointwise = nn.Conv2d(in_channels * depth_multiplier, out_channels, 1, bias=bias)

    def forward(self, x):
        return self.pointwise(self.depthwise(x))
`,
};

/** Keras axis of a rank-4 tensor -> the axis of the same data in NCHW. */
const NCHW_AXIS = [0, 2, 3, 1];
const TO_NCHW = '.permute(0, 3, 1, 2)';
const TO_NHWC = '.permute(0, 2, 3, 1)';

export function torchAxis(kerasAxis: number, rank: number): number {
  return rank === 4 ? NCHW_AXIS[kerasAxis] : kerasAxis;
}

/** The PyTorch expression of a Keras activation applied to `e`; `dim` is where softmax runs (Keras: last axis). */
export function activationCode(name: string, e: string, dim: number, layer: string): string {
  switch (name) {
    case 'linear': return e;
    case 'relu': return `F.relu(${e})`;
    case 'relu6': return `F.relu6(${e})`;
    case 'sigmoid': return `torch.sigmoid(${e})`;
    case 'tanh': return `torch.tanh(${e})`;
    case 'softmax': return `F.softmax(${e}, dim=${dim})`;
    case 'elu': return `F.elu(${e})`;
    case 'selu': return `F.selu(${e})`;
    case 'softplus': return `F.softplus(${e})`;
    case 'softsign': return `F.softsign(${e})`;
    case 'swish': case 'silu': return `F.silu(${e})`;
    case 'gelu': return `F.gelu(${e})`;
    case 'gelu_new': return `F.gelu(${e}, approximate='tanh')`;
    case 'hard_sigmoid': return `torch.clamp(0.2 * ${e} + 0.5, 0.0, 1.0)`;
    case 'exponential': return `torch.exp(${e})`;
    default: throw new ExportError(`layer '${layer}': activation '${name}' has no PyTorch translation. Use one of relu, sigmoid, tanh, softmax, elu, selu, softplus, swish, gelu, linear.`);
  }
}

const tuple = (v: readonly number[]): string => (v.length === 1 ? `(${v[0]},)` : `(${v.join(', ')})`);

interface LayerCode {
  init?: string;
  /** Further attributes, whole statements (e.g. a BatchNorm's lone gamma). */
  extraInit?: string[];
  forward: string[];
  helpers?: Helper[];
}

function convPadding(l: IrLayer, k: [number, number], s: [number, number], d: [number, number]): { modulePad?: string; forwardPad: boolean } {
  const padding = String(l.config.padding ?? 'valid');
  if (padding === 'valid') return { forwardPad: false };
  if (padding !== 'same') throw new ExportError(`layer '${l.name}': padding '${padding}' is not supported; use 'valid' or 'same'.`);
  const dk = [(k[0] - 1) * d[0] + 1, (k[1] - 1) * d[1] + 1];
  // Stride 1 with an odd effective kernel pads symmetrically: PyTorch's own padding argument does exactly that.
  if (s[0] === 1 && s[1] === 1 && dk[0] % 2 === 1 && dk[1] % 2 === 1) return { modulePad: tuple([(dk[0] - 1) / 2, (dk[1] - 1) / 2]), forwardPad: false };
  return { forwardPad: true };
}

function layerCode(l: IrLayer, v: string[], o: string, attr: string): LayerCode {
  const c = l.config;
  const x = v[0];
  const inShape = l.inputShapes[0] ?? [];
  const rank = l.outputShape.length;
  const act = (e: string, dim: number): string => activationCode(activationName(c.activation), e, dim, l.name);
  const self = `self.${attr}`;
  switch (l.className) {
    case 'InputLayer':
      // contiguous(): a permuted view would carry channels-last strides into every convolution (and DDP's buckets).
      if (rank === 4) return { forward: [`${o} = ${o}${TO_NCHW}.contiguous()  # Keras NHWC -> PyTorch NCHW`] };
      if (rank > 4) throw new ExportError(`input '${l.name}' has rank ${rank}; the PyTorch export supports up to 4 (images).`);
      return { forward: [] };
    case 'Dense': {
      const init = `nn.Linear(${inShape[inShape.length - 1]}, ${c.units}${c.use_bias === false ? ', bias=False' : ''})`;
      if (inShape.length === 4) return { init, forward: [`${o} = ${act(`${self}(${x}${TO_NHWC})`, -1)}${TO_NCHW}  # Dense acts on the channel axis`] };
      return { init, forward: [`${o} = ${act(`${self}(${x})`, -1)}`] };
    }
    case 'Conv2D':
    case 'DepthwiseConv2D':
    case 'SeparableConv2D': {
      const k = pair(c.kernel_size, 'kernel_size', l.name);
      const s = pair(c.strides ?? 1, 'strides', l.name);
      const d = pair(c.dilation_rate ?? 1, 'dilation_rate', l.name);
      const inCh = inShape[3] as number;
      const { modulePad, forwardPad } = convPadding(l, k, s, d);
      const args: string[] = [`kernel_size=${tuple(k)}`];
      if (s[0] !== 1 || s[1] !== 1) args.push(`stride=${tuple(s)}`);
      if (modulePad) args.push(`padding=${modulePad}`);
      if (d[0] !== 1 || d[1] !== 1) args.push(`dilation=${tuple(d)}`);
      const dm = Number(c.depth_multiplier ?? 1);
      let init: string;
      if (l.className === 'Conv2D') {
        const groups = Number(c.groups ?? 1);
        if (groups !== 1) args.push(`groups=${groups}`);
        if (c.use_bias === false) args.push('bias=False');
        init = `nn.Conv2d(${inCh}, ${c.filters}, ${args.join(', ')})`;
      } else if (l.className === 'DepthwiseConv2D') {
        args.push(`groups=${inCh}`);
        if (c.use_bias === false) args.push('bias=False');
        init = `nn.Conv2d(${inCh}, ${inCh * dm}, ${args.join(', ')})`;
      } else {
        if (dm !== 1) args.push(`depth_multiplier=${dm}`);
        if (c.use_bias === false) args.push('bias=False');
        init = `SeparableConv2d(${inCh}, ${c.filters}, ${args.join(', ')})`;
      }
      const input = forwardPad ? `same_pad(${x}, ${tuple(k)}, ${tuple(s)}, ${tuple(d)})` : x;
      const helpers: Helper[] = forwardPad ? ['same_pad'] : [];
      if (l.className === 'SeparableConv2D') helpers.push('SeparableConv2d');
      return { init, forward: [`${o} = ${act(`${self}(${input})`, 1)}`], helpers };
    }
    case 'Conv2DTranspose': {
      const k = pair(c.kernel_size, 'kernel_size', l.name);
      const s = pair(c.strides ?? 1, 'strides', l.name);
      const d = pair(c.dilation_rate ?? 1, 'dilation_rate', l.name);
      const args = [`${inShape[3]}, ${c.filters}, ${tuple(k)}, stride=${tuple(s)}`];
      if (d[0] !== 1 || d[1] !== 1) args.push(`dilation=${tuple(d)}`);
      if (c.use_bias === false) args.push('bias=False');
      args.push(`padding=${pyString(String(c.padding ?? 'valid'))}`);
      return { init: `KerasConv2DTranspose(${args.join(', ')})`, forward: [`${o} = ${act(`${self}(${x})`, 1)}`], helpers: ['KerasConv2DTranspose'] };
    }
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      const k = pair(c.pool_size ?? 2, 'pool_size', l.name);
      const s = pair(c.strides ?? k, 'strides', l.name);
      const max = l.className === 'MaxPooling2D';
      if (String(c.padding ?? 'valid') === 'valid') return { forward: [`${o} = F.${max ? 'max' : 'avg'}_pool2d(${x}, ${tuple(k)}, ${tuple(s)})`] };
      if (max) return { forward: [`${o} = F.max_pool2d(same_pad(${x}, ${tuple(k)}, ${tuple(s)}, value=float('-inf')), ${tuple(k)}, ${tuple(s)})`], helpers: ['same_pad'] };
      return { forward: [`${o} = avg_pool_same(${x}, ${tuple(k)}, ${tuple(s)})`], helpers: ['same_pad', 'avg_pool_same'] };
    }
    case 'GlobalAveragePooling2D':
      return { forward: [`${o} = ${x}.mean(dim=(2, 3)${c.keepdims ? ', keepdim=True' : ''})`] };
    case 'GlobalMaxPooling2D':
      return { forward: [`${o} = ${x}.amax(dim=(2, 3)${c.keepdims ? ', keepdim=True' : ''})`] };
    case 'Flatten':
      if (inShape.length === 4) return { forward: [`${o} = torch.flatten(${x}${TO_NHWC}, 1)  # Keras flattens in (H, W, C) order`] };
      return { forward: [`${o} = torch.flatten(${x}, 1)`] };
    case 'Reshape': {
      const src = inShape.length === 4 ? `${x}${TO_NHWC}` : x;
      const target = l.outputShape.slice(1) as number[];
      return { forward: [`${o} = ${src}.reshape(${x}.shape[0], ${target.join(', ')})${rank === 4 ? TO_NCHW : ''}`] };
    }
    case 'ZeroPadding2D': {
      const [[t, b], [le, r]] = padding2d(c.padding ?? 1, l.name);
      return { forward: [`${o} = F.pad(${x}, (${le}, ${r}, ${t}, ${b}))`] };
    }
    case 'Cropping2D': {
      const [[t, b], [le, r]] = padding2d(c.cropping ?? 0, l.name);
      return { forward: [`${o} = ${x}[:, :, ${t}:${x}.shape[2] - ${b}, ${le}:${x}.shape[3] - ${r}]`] };
    }
    case 'UpSampling2D': {
      const size = pair(c.size ?? 2, 'size', l.name);
      const mode = String(c.interpolation ?? 'nearest');
      if (mode === 'nearest') return { forward: [`${o} = F.interpolate(${x}, scale_factor=${tuple(size)}, mode='nearest')`] };
      if (mode === 'bilinear') return { forward: [`${o} = upsample_bilinear(${x}, ${tuple(size)})`], helpers: ['upsample_bilinear'] };
      throw new ExportError(`layer '${l.name}': interpolation '${mode}' is not supported; use 'nearest' or 'bilinear'.`);
    }
    case 'Concatenate':
      return { forward: [`${o} = torch.cat([${v.join(', ')}], dim=${torchAxis(normAxis(c.axis ?? -1, rank, l.name), rank)})`] };
    case 'Add': return { forward: [`${o} = ${v.join(' + ')}`] };
    case 'Subtract': return { forward: [`${o} = ${v[0]} - ${v[1]}`] };
    case 'Multiply': return { forward: [`${o} = ${v.join(' * ')}`] };
    case 'Average': return { forward: [`${o} = (${v.join(' + ')}) / ${v.length}`] };
    case 'Maximum': return { forward: [`${o} = ${v.slice(1).reduce((a, b) => `torch.maximum(${a}, ${b})`, v[0])}`] };
    case 'Minimum': return { forward: [`${o} = ${v.slice(1).reduce((a, b) => `torch.minimum(${a}, ${b})`, v[0])}`] };
    case 'Dropout':
      return { init: `nn.Dropout(${c.rate})`, forward: [`${o} = ${self}(${x})`] };
    case 'SpatialDropout2D':
      return { init: `nn.Dropout2d(${c.rate})`, forward: [`${o} = ${self}(${x})  # drops whole channels`] };
    case 'BatchNormalization': {
      const axis = normAxis(c.axis ?? -1, rank, l.name);
      if (axis !== rank - 1) throw new ExportError(`layer '${l.name}': BatchNormalization over axis ${axis} is not supported; normalise the channel (last) axis.`);
      if (rank > 4) throw new ExportError(`layer '${l.name}': BatchNormalization on rank ${rank} is not supported.`);
      const ch = l.outputShape[axis] as number;
      // Keras' moving average keeps `momentum` of the old value; PyTorch's momentum is the weight of the new one.
      const momentum = +(1 - Number(c.momentum ?? 0.99)).toPrecision(12);
      const eps = Number(c.epsilon ?? 0.001);
      const full = c.center !== false && c.scale !== false;
      const init = `nn.BatchNorm${rank === 4 ? '2d' : '1d'}(${ch}, eps=${pyLiteral(eps)}, momentum=${pyLiteral(momentum)}${full ? '' : ', affine=False'})`;
      // PyTorch's affine is all or nothing; Keras can learn only beta or only gamma: those become own parameters.
      const view = rank === 4 ? '.view(1, -1, 1, 1)' : rank === 3 ? '.view(1, -1, 1)' : '';
      let e = `${self}(${rank === 3 ? `${x}.transpose(1, 2)` : x})`;
      const extra: string[] = [];
      if (!full && c.scale !== false) { e = `${e} * self.${attr}_gamma${view}`; extra.push(`self.${attr}_gamma = nn.Parameter(torch.ones(${ch}))`); }
      if (!full && c.center !== false) { e = `${e} + self.${attr}_beta${view}`; extra.push(`self.${attr}_beta = nn.Parameter(torch.zeros(${ch}))`); }
      if (rank === 3) e = `(${e}).transpose(1, 2)`;
      return { init, extraInit: extra, forward: [`${o} = ${e}`] };
    }
    case 'LayerNormalization': {
      const axes = (Array.isArray(c.axis) ? c.axis : [c.axis ?? -1]).map((a) => normAxis(a, rank, l.name)).sort((a, b) => a - b);
      if (axes.some((a, i) => a !== rank - axes.length + i)) throw new ExportError(`layer '${l.name}': LayerNormalization over axes ${JSON.stringify(c.axis)} is not supported; normalise trailing axes (e.g. -1).`);
      const shape = tuple(axes.map((a) => l.outputShape[a] as number));
      const full = c.center !== false && c.scale !== false;
      const init = `nn.LayerNorm(${shape}, eps=${pyLiteral(Number(c.epsilon ?? 0.001))}${full ? '' : ', elementwise_affine=False'})`;
      let e = `${self}(${rank === 4 ? `${x}${TO_NHWC}` : x})`;
      const extra: string[] = [];
      if (!full && c.scale !== false) { e = `${e} * self.${attr}_gamma`; extra.push(`self.${attr}_gamma = nn.Parameter(torch.ones(${shape}))`); }
      if (!full && c.center !== false) { e = `${e} + self.${attr}_beta`; extra.push(`self.${attr}_beta = nn.Parameter(torch.zeros(${shape}))`); }
      if (rank === 4) return { init, extraInit: extra, forward: [`${o} = (${e})${TO_NCHW}  # normalises Keras' trailing axes`] };
      return { init, extraInit: extra, forward: [`${o} = ${e}`] };
    }
    case 'Activation':
      return { forward: [`${o} = ${act(x, rank === 4 ? 1 : -1)}`] };
    case 'Softmax': {
      const axis = normAxis(c.axis ?? -1, rank, l.name);
      return { forward: [`${o} = F.softmax(${x}, dim=${torchAxis(axis, rank)})`] };
    }
    case 'ELU':
      return { forward: [`${o} = F.elu(${x}, alpha=${pyLiteral(Number(c.alpha ?? 1))})`] };
    case 'LeakyReLU':
      return { forward: [`${o} = F.leaky_relu(${x}, negative_slope=${pyLiteral(Number(c.alpha ?? c.negative_slope ?? 0.3))})`] };
    case 'ReLU': {
      const max = c.max_value === undefined || c.max_value === null ? null : Number(c.max_value);
      const slope = Number(c.negative_slope ?? 0);
      const threshold = Number(c.threshold ?? 0);
      let e = slope === 0 && threshold === 0 ? `F.relu(${x})` : `torch.where(${x} >= ${pyLiteral(threshold)}, ${x}, ${pyLiteral(slope)} * (${x} - ${pyLiteral(threshold)}))`;
      if (max !== null) e = `torch.clamp(${e}, max=${pyLiteral(max)})`;
      return { forward: [`${o} = ${e}`] };
    }
    default:
      throw new ExportError(`layer '${l.name}': the PyTorch export does not know layer kind '${l.className}'.`);
  }
}

/** Attribute (and state_dict prefix) per Keras layer name; model.py and weights.npz agree through this. */
export function torchAttributeNames(ir: ModelIr): Map<string, string> {
  return pythonNames(ir.layers.map((l) => l.name));
}

export function generateTorchModel(ir: ModelIr): string {
  const names = torchAttributeNames(ir);
  const init: string[] = [];
  const forward: string[] = [];
  const helpers = new Set<Helper>();
  for (const l of ir.layers) {
    const o = names.get(l.name)!;
    const code = layerCode(l, l.inputs.map((i) => names.get(i)!), o, o);
    if (code.init) init.push(`        self.${o} = ${code.init}`);
    for (const line of code.extraInit ?? []) init.push(`        ${line}`);
    for (const h of code.helpers ?? []) helpers.add(h);
    if (code.forward.length) forward.push(`        # ${l.name}: ${l.className} -> ${shapeText(l.outputShape)}`, ...code.forward.map((f) => `        ${f}`));
  }
  const outs = ir.outputs.map((out) => {
    const layer = ir.layers.find((l) => l.name === out)!;
    return `${names.get(out)}${layer.outputShape.length === 4 ? TO_NHWC : ''}`;
  });
  const args = ir.inputs.map((i) => names.get(i)!).join(', ');
  const inputDoc = ir.inputs.map((i) => `${i} ${shapeText(ir.layers.find((l) => l.name === i)!.outputShape)}`).join(', ');
  const helperCode = (['same_pad', 'avg_pool_same', 'upsample_bilinear', 'KerasConv2DTranspose', 'SeparableConv2d'] as Helper[]).filter((h) => helpers.has(h)).map((h) => HELPERS[h]);
  return `"""${ir.name}: PyTorch version of a Layerlab (Keras) model, written by \`layerlab export --format pytorch\`.

Inputs and outputs use Keras' channels-last layout (batch, height, width, channels); inside, image tensors are
channels-first as PyTorch's layers expect. build_model() loads weights.npz (converted Keras weights) when it exists.
"""
import math
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
INPUT_SHAPES = ${pyLiteral(ir.inputs.map((i) => ir.layers.find((l) => l.name === i)!.outputShape.slice(1)))}


${helperCode.join('\n\n')}${helperCode.length ? '\n\n' : ''}class Model(nn.Module):
    """Inputs: ${inputDoc} (channels last)."""

    def __init__(self):
        super().__init__()
${init.length ? init.join('\n') : '        pass'}

    def forward(self, ${args}):
${forward.join('\n')}
        return ${outs.length === 1 ? outs[0] : `(${outs.join(', ')})`}


def keras_init(model):
    """Keras' default initialisation (glorot_uniform kernels, zero biases), used when no weights are exported."""
    for module in model.modules():
        if isinstance(module, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.xavier_uniform_(module.weight)
            if module.bias is not None:
                nn.init.zeros_(module.bias)


def load_weights(model, path):
    """Loads weights.npz (keys are state_dict names, arrays already in PyTorch layout)."""
    with np.load(path) as archive:
        state = {key: torch.from_numpy(archive[key]) for key in archive.files}
    result = model.load_state_dict(state, strict=False)
    missing = [k for k in result.missing_keys if not k.endswith('num_batches_tracked')]
    if missing or result.unexpected_keys:
        raise ValueError(f'{path} does not match the model: missing {missing}, unexpected {result.unexpected_keys}')
    return model


def count_params(model):
    """Keras' total parameter count: trainable parameters plus BatchNorm's moving mean and variance."""
    params = sum(p.numel() for p in model.parameters())
    stats = sum(b.numel() for name, b in model.named_buffers() if name.endswith(('running_mean', 'running_var')))
    return params + stats


def build_model(weights=os.path.join(HERE, 'weights.npz')):
    model = Model()
    if weights and os.path.exists(weights):
        load_weights(model, weights)
    else:
        keras_init(model)
    return model


if __name__ == '__main__':
    model = build_model().eval()
    print(model)
    print('parameters (Keras count):', count_params(model))
`;
}

function shapeText(shape: readonly (number | null)[]): string {
  return `(${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')})`;
}
