/**
 * The exporters' view of a model: the Keras model-config JSON turned into a flat, topologically ordered list of
 * layers with their input layers and static shapes (channels last, batch first). Sequential models get their
 * implicit input layer made explicit, so every exporter writes the same graph code for both kinds.
 */
import type { KerasLayerJson, ModelSpec } from '../../shared/graph/types';
import { ExportError } from './types';

export type Shape = (number | null)[];

export interface IrLayer {
  name: string;
  className: string;
  config: Record<string, unknown>;
  /** Names of the layers whose outputs feed this one, in argument order. */
  inputs: string[];
  inputShapes: Shape[];
  outputShape: Shape;
}

export interface ModelIr {
  name: string;
  sequential: boolean;
  /** Topological order; InputLayers first. */
  layers: IrLayer[];
  inputs: string[];
  outputs: string[];
}

export function pair(value: unknown, what: string, layer: string): [number, number] {
  if (typeof value === 'number') return [value, value];
  if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number')) return [value[0], value[1]];
  throw new ExportError(`layer '${layer}': ${what} must be a number or a pair of numbers. Received: ${JSON.stringify(value)}.`);
}

/** Keras 3 writes `batch_shape`, Keras 2 and tfjs `batch_input_shape`, some hand-written configs `input_shape`. */
function declaredBatchShape(config: Record<string, unknown>): Shape | undefined {
  const batch = config.batch_input_shape ?? config.batch_shape;
  if (Array.isArray(batch)) return batch as Shape;
  if (Array.isArray(config.input_shape)) return [null, ...(config.input_shape as Shape)];
  return undefined;
}

function inboundNames(layer: KerasLayerJson): string[] {
  const nodes = layer.inbound_nodes ?? [];
  if (nodes.length === 0) return [];
  if (nodes.length > 1) {
    throw new ExportError(`layer '${layerName(layer)}' is called ${nodes.length} times (a shared layer); exports support each layer called once. Duplicate the layer instead.`);
  }
  const node = nodes[0];
  // Keras 2 / tfjs: [[name, nodeIndex, tensorIndex, kwargs], ...]
  if (Array.isArray(node)) return node.map((entry) => String((entry as unknown[])[0]));
  // Keras 3: {args: [keras tensor | [keras tensors]], kwargs}
  const names: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      const v = value as { class_name?: string; config?: { keras_history?: unknown[] } };
      if (v.class_name === '__keras_tensor__' && v.config?.keras_history) names.push(String(v.config.keras_history[0]));
    }
  };
  visit((node as { args?: unknown }).args);
  return names;
}

function layerName(layer: KerasLayerJson): string {
  return String(layer.config.name ?? layer.name ?? '?');
}

/** Accepts the Keras JSON itself or a wrapper ({model_config}, a tfjs model.json's {modelTopology}). */
export function unwrapModelSpec(json: unknown): ModelSpec {
  let value = json as Record<string, unknown>;
  if (value && typeof value === 'object' && 'modelTopology' in value) value = value.modelTopology as Record<string, unknown>;
  if (value && typeof value === 'object' && 'model_config' in value) value = value.model_config as Record<string, unknown>;
  const cls = value?.class_name;
  if (cls !== 'Sequential' && cls !== 'Functional' && cls !== 'Model') {
    throw new ExportError(`not a Keras model config: class_name is ${JSON.stringify(cls)}, expected 'Sequential', 'Functional' or 'Model'. Pass a file written by model.to_json() / tfjs toJSON() or a TF.js model.json.`);
  }
  const config = value.config as Record<string, unknown> | unknown[];
  // Old Keras Sequential configs are a bare list of layers.
  if (Array.isArray(config)) return { class_name: 'Sequential', config: { name: 'sequential', layers: config as KerasLayerJson[] } };
  if (!config || !Array.isArray((config as { layers?: unknown }).layers)) throw new ExportError('the model config has no layers list.');
  return value as unknown as ModelSpec;
}

export function buildIr(spec: ModelSpec): ModelIr {
  const name = String(spec.config.name ?? 'model');
  const raw = spec.config.layers;
  if (raw.length === 0) throw new ExportError('the model has no layers.');
  const layers: { name: string; className: string; config: Record<string, unknown>; inputs: string[] }[] = [];
  let inputs: string[];
  let outputs: string[];
  const sequential = spec.class_name === 'Sequential';
  if (sequential) {
    let prev: string;
    let rest = raw;
    if (raw[0].class_name === 'InputLayer') {
      prev = layerName(raw[0]);
      layers.push({ name: prev, className: 'InputLayer', config: raw[0].config, inputs: [] });
      rest = raw.slice(1);
    } else {
      const shape = declaredBatchShape(raw[0].config);
      if (!shape) throw new ExportError(`the first layer '${layerName(raw[0])}' of the Sequential model declares no input shape (batch_input_shape). Add an InputLayer or set its input shape.`);
      prev = `${layerName(raw[0])}_input`;
      layers.push({ name: prev, className: 'InputLayer', config: { batch_input_shape: shape, name: prev }, inputs: [] });
    }
    inputs = [prev];
    for (const l of rest) {
      layers.push({ name: layerName(l), className: l.class_name, config: l.config, inputs: [prev] });
      prev = layerName(l);
    }
    outputs = [prev];
  } else {
    for (const l of raw) layers.push({ name: layerName(l), className: l.class_name, config: l.config, inputs: l.class_name === 'InputLayer' ? [] : inboundNames(l) });
    inputs = (spec.config.input_layers ?? []).map((e) => e[0]);
    outputs = (spec.config.output_layers ?? []).map((e) => e[0]);
    if (inputs.length === 0) inputs = layers.filter((l) => l.className === 'InputLayer').map((l) => l.name);
    if (outputs.length === 0) throw new ExportError('the functional model declares no output_layers.');
  }
  const byName = new Map(layers.map((l) => [l.name, l]));
  if (byName.size !== layers.length) throw new ExportError('two layers share a name; layer names must be unique.');
  // Topological order (Keras writes layers in one already, but hand-edited files may not be).
  const ordered: typeof layers = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (n: string, from: string): void => {
    const l = byName.get(n);
    if (!l) throw new ExportError(`layer '${from}' takes its input from '${n}', which is not a layer of the model.`);
    if (state.get(n) === 'done') return;
    if (state.get(n) === 'visiting') throw new ExportError(`the model has a cycle through layer '${n}'.`);
    state.set(n, 'visiting');
    for (const i of l.inputs) visit(i, n);
    state.set(n, 'done');
    ordered.push(l);
  };
  for (const o of outputs) visit(o, 'output_layers');
  const shapes = new Map<string, Shape>();
  const irLayers: IrLayer[] = ordered.map((l) => {
    const inputShapes = l.inputs.map((i) => shapes.get(i)!);
    const outputShape = inferShape(l.className, l.config, inputShapes, l.name);
    shapes.set(l.name, outputShape);
    return { ...l, inputShapes, outputShape };
  });
  return { name, sequential, layers: irLayers, inputs, outputs };
}

function convLength(size: number | null, kernel: number, stride: number, padding: string, dilation: number): number | null {
  if (size === null) return null;
  const dk = (kernel - 1) * dilation + 1;
  return padding === 'same' ? Math.ceil(size / stride) : Math.floor((size - dk) / stride) + 1;
}

function deconvLength(size: number | null, kernel: number, stride: number, padding: string, dilation: number): number | null {
  if (size === null) return null;
  const dk = (kernel - 1) * dilation + 1;
  return padding === 'same' ? size * stride : size * stride + Math.max(dk - stride, 0);
}

/** `[[top, bottom], [left, right]]` from Keras' int / pair / pair-of-pairs forms. */
export function padding2d(value: unknown, layer: string): [[number, number], [number, number]] {
  if (typeof value === 'number') return [[value, value], [value, value]];
  if (Array.isArray(value) && value.length === 2) {
    if (typeof value[0] === 'number' && typeof value[1] === 'number') return [[value[0], value[0]], [value[1], value[1]]];
    return [pair(value[0], 'padding', layer), pair(value[1], 'padding', layer)];
  }
  throw new ExportError(`layer '${layer}': padding ${JSON.stringify(value)} is not an int, a pair or a pair of pairs.`);
}

export function normAxis(axis: unknown, rank: number, layer: string): number {
  const a = Array.isArray(axis) ? axis : [axis ?? -1];
  if (a.length !== 1 || typeof a[0] !== 'number') throw new ExportError(`layer '${layer}': axis ${JSON.stringify(axis)} must be a single integer here.`);
  const n = a[0] < 0 ? a[0] + rank : a[0];
  if (n < 1 || n >= rank) throw new ExportError(`layer '${layer}': axis ${a[0]} is out of range for a rank-${rank} tensor (batch axis 0 included).`);
  return n;
}

export function inferShape(cls: string, c: Record<string, unknown>, ins: Shape[], name: string): Shape {
  const x = ins[0];
  const needRank = (r: number): void => {
    if (!x || x.length !== r) throw new ExportError(`layer '${name}' (${cls}) needs a rank-${r} input (batch included); it gets ${JSON.stringify(x)}.`);
  };
  switch (cls) {
    case 'InputLayer': {
      const s = declaredBatchShape(c);
      if (!s) throw new ExportError(`input layer '${name}' declares no batch_input_shape.`);
      return s;
    }
    case 'Dense':
      return [...x.slice(0, -1), Number(c.units)];
    case 'Conv2D':
    case 'DepthwiseConv2D':
    case 'SeparableConv2D': {
      needRank(4);
      if (c.data_format === 'channels_first') throw new ExportError(`layer '${name}': data_format 'channels_first' is not supported by the exporters; use channels_last (the default).`);
      const k = pair(c.kernel_size, 'kernel_size', name);
      const s = pair(c.strides ?? 1, 'strides', name);
      const d = pair(c.dilation_rate ?? 1, 'dilation_rate', name);
      const p = String(c.padding ?? 'valid');
      const ch = cls === 'Conv2D' || cls === 'SeparableConv2D' ? Number(c.filters) : (x[3] as number) * Number(c.depth_multiplier ?? 1);
      return [x[0], convLength(x[1], k[0], s[0], p, d[0]), convLength(x[2], k[1], s[1], p, d[1]), ch];
    }
    case 'Conv2DTranspose': {
      needRank(4);
      if (c.output_padding !== undefined && c.output_padding !== null) throw new ExportError(`layer '${name}': Conv2DTranspose output_padding is not supported by the exporters; leave it unset.`);
      const k = pair(c.kernel_size, 'kernel_size', name);
      const s = pair(c.strides ?? 1, 'strides', name);
      const d = pair(c.dilation_rate ?? 1, 'dilation_rate', name);
      const p = String(c.padding ?? 'valid');
      return [x[0], deconvLength(x[1], k[0], s[0], p, d[0]), deconvLength(x[2], k[1], s[1], p, d[1]), Number(c.filters)];
    }
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      needRank(4);
      const k = pair(c.pool_size ?? 2, 'pool_size', name);
      const s = pair(c.strides ?? k, 'strides', name);
      const p = String(c.padding ?? 'valid');
      return [x[0], convLength(x[1], k[0], s[0], p, 1), convLength(x[2], k[1], s[1], p, 1), x[3]];
    }
    case 'GlobalAveragePooling2D':
    case 'GlobalMaxPooling2D':
      needRank(4);
      return c.keepdims ? [x[0], 1, 1, x[3]] : [x[0], x[3]];
    case 'Flatten': {
      const rest = x.slice(1);
      return [x[0], rest.some((d) => d === null) ? null : (rest as number[]).reduce((a, b) => a * b, 1)];
    }
    case 'Reshape': {
      const target = (c.target_shape as number[]).slice();
      const total = (x.slice(1) as number[]).reduce((a, b) => a * b, 1);
      const known = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
      const out = target.map((d) => (d === -1 ? total / known : d));
      if (out.reduce((a, b) => a * b, 1) !== total) throw new ExportError(`layer '${name}': cannot reshape ${JSON.stringify(x)} to ${JSON.stringify(target)}.`);
      return [x[0], ...out];
    }
    case 'ZeroPadding2D': {
      needRank(4);
      const [[t, b], [l, r]] = padding2d(c.padding ?? 1, name);
      return [x[0], x[1] === null ? null : x[1] + t + b, x[2] === null ? null : x[2] + l + r, x[3]];
    }
    case 'Cropping2D': {
      needRank(4);
      const [[t, b], [l, r]] = padding2d(c.cropping ?? 0, name);
      return [x[0], x[1] === null ? null : x[1] - t - b, x[2] === null ? null : x[2] - l - r, x[3]];
    }
    case 'UpSampling2D': {
      needRank(4);
      const [h, w] = pair(c.size ?? 2, 'size', name);
      return [x[0], x[1] === null ? null : x[1] * h, x[2] === null ? null : x[2] * w, x[3]];
    }
    case 'Concatenate': {
      const axis = normAxis(c.axis ?? -1, x.length, name);
      const out = x.slice();
      out[axis] = ins.some((s) => s[axis] === null) ? null : ins.reduce((a, s) => a + (s[axis] as number), 0);
      return out;
    }
    case 'Add':
    case 'Subtract':
    case 'Multiply':
    case 'Average':
    case 'Maximum':
    case 'Minimum':
      return x.slice();
    case 'Dropout':
    case 'SpatialDropout2D':
    case 'BatchNormalization':
    case 'LayerNormalization':
    case 'Activation':
    case 'LeakyReLU':
    case 'ReLU':
    case 'ELU':
    case 'Softmax':
      return x.slice();
    default:
      throw new ExportError(`layer '${name}': the exporters do not know layer kind '${cls}'. Supported: ${SUPPORTED_LAYERS.join(', ')}.`);
  }
}

export const SUPPORTED_LAYERS = [
  'InputLayer', 'Dense', 'Conv2D', 'DepthwiseConv2D', 'SeparableConv2D', 'Conv2DTranspose', 'MaxPooling2D',
  'AveragePooling2D', 'GlobalAveragePooling2D', 'GlobalMaxPooling2D', 'Flatten', 'Reshape', 'ZeroPadding2D',
  'Cropping2D', 'UpSampling2D', 'Concatenate', 'Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum',
  'Dropout', 'SpatialDropout2D', 'BatchNormalization', 'LayerNormalization', 'Activation', 'LeakyReLU', 'ReLU',
  'ELU', 'Softmax',
] as const;

/** The activation name of a layer config: Keras writes a string, Keras 3 sometimes a serialized object. */
export function activationName(value: unknown): string {
  if (value === undefined || value === null) return 'linear';
  if (typeof value === 'string') return value;
  const v = value as { config?: { name?: string }; class_name?: string };
  return String(v.config?.name ?? v.class_name ?? 'linear');
}
