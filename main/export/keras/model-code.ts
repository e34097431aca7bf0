/**
 * Keras model.py: explicit layer code (`layers.Conv2D(32, (3, 3), activation='relu', name='conv2d')`), Sequential
 * for Sequential models and the functional API for graphs, with only the arguments that differ from Keras' defaults.
 * KERAS_LAYERS has one entry per registry kind (the registry config's own field names are Keras'), so a new kind
 * does not compile until it is written here or refused with a reason.
 */
import { getLayerKind, type LayerClassName, type LayerConfigOf } from '../../../shared/layers/registry';
import { assigned, inputVariables, tableEntry, type ExportGraph, type ExportLayer, type Refusal } from '../model';
import { pythonNames, pyLiteral, pyString } from '../python-names';

/** How one kind's config becomes a keras.layers call. */
export interface KerasArgs<N extends LayerClassName> {
  /** Leading arguments written positionally. */
  positional: readonly (keyof LayerConfigOf<N> & string)[];
  /** Keyword arguments with Keras' default (written only when the value differs). */
  keywords: readonly (readonly [keyof LayerConfigOf<N> & string, unknown])[];
}

const CONV = [['strides', [1, 1]], ['padding', 'valid'], ['dilation_rate', [1, 1]]] as const;
const ACT = [['activation', 'linear'], ['use_bias', true]] as const;
const INIT = [['kernel_initializer', 'glorot_uniform'], ['bias_initializer', 'zeros']] as const;
const DEPTHWISE_INIT = [['depthwise_initializer', 'glorot_uniform'], ['bias_initializer', 'zeros']] as const;
const NONE = { positional: [], keywords: [] } as const;
const POOL = { positional: [], keywords: [['pool_size', [2, 2]], ['strides', null], ['padding', 'valid']] } satisfies KerasArgs<'MaxPooling2D'>;
const POOL1D = { positional: [], keywords: [['pool_size', [2]], ['strides', null], ['padding', 'valid']] } satisfies KerasArgs<'MaxPooling1D'>;
const RECURRENT = [
  ['activation', 'tanh'], ['recurrent_activation', 'sigmoid'], ['use_bias', true], ['return_sequences', false], ['return_state', false], ['dropout', 0], ['recurrent_dropout', 0],
] as const;
const RNN = { positional: ['units'], keywords: RECURRENT } satisfies KerasArgs<'LSTM'>;

/** A kind whose call is not a flat argument list (Bidirectional wraps a layer call). */
export interface KerasCall<N extends LayerClassName> {
  call: (l: ExportLayer<N>) => string;
}

/** `layers.Bidirectional(layers.LSTM(32, return_sequences=True), merge_mode='sum', name='bi')`. */
function bidirectionalCall(l: ExportLayer<'Bidirectional'>): string {
  const c = l.config;
  const inner = KERAS_LAYERS[c.layer] as KerasArgs<LayerClassName>;
  const args = [`layers.${c.layer}(${callArgs(inner, c as Record<string, unknown>).join(', ')})`];
  if (c.merge_mode !== 'concat') args.push(`merge_mode=${pyString(c.merge_mode)}`);
  return `layers.Bidirectional(${[...args, `name=${pyString(l.name)}`].join(', ')})`;
}

export const KERAS_LAYERS: { [N in LayerClassName]: KerasArgs<N> | KerasCall<N> | Refusal } = {
  Embedding: { positional: ['input_dim', 'output_dim'], keywords: [['mask_zero', false], ['embeddings_initializer', 'random_uniform']] },
  Masking: { positional: [], keywords: [['mask_value', 0]] },
  Conv1D: { positional: ['filters', 'kernel_size'], keywords: [['strides', [1]], ['padding', 'valid'], ['dilation_rate', [1]], ...ACT, ...INIT] },
  MaxPooling1D: POOL1D,
  AveragePooling1D: POOL1D,
  GlobalAveragePooling1D: NONE,
  GlobalMaxPooling1D: NONE,
  SimpleRNN: { positional: ['units'], keywords: RECURRENT.filter(([k]) => k !== 'recurrent_activation') },
  LSTM: RNN,
  GRU: { positional: ['units'], keywords: [...RECURRENT, ['reset_after', true]] },
  Bidirectional: { call: bidirectionalCall },
  InputLayer: NONE, // written as keras.Input(shape=...) by inputCall
  Dense: { positional: ['units'], keywords: [...ACT, ...INIT] },
  Flatten: NONE,
  Activation: { positional: ['activation'], keywords: [] },
  Conv2D: { positional: ['filters', 'kernel_size'], keywords: [...CONV, ...ACT, ...INIT] },
  SeparableConv2D: {
    positional: ['filters', 'kernel_size'],
    keywords: [...CONV, ['depth_multiplier', 1], ...ACT, ['depthwise_initializer', 'glorot_uniform'], ['pointwise_initializer', 'glorot_uniform'], ['bias_initializer', 'zeros']],
  },
  DepthwiseConv2D: { positional: ['kernel_size'], keywords: [['strides', [1, 1]], ['padding', 'valid'], ['depth_multiplier', 1], ...ACT, ...DEPTHWISE_INIT] },
  Conv2DTranspose: { positional: ['filters', 'kernel_size'], keywords: [['strides', [1, 1]], ['padding', 'valid'], ...ACT, ...INIT] },
  MaxPooling2D: POOL,
  AveragePooling2D: POOL,
  GlobalAveragePooling2D: NONE,
  GlobalMaxPooling2D: NONE,
  BatchNormalization: { positional: [], keywords: [['axis', -1], ['momentum', 0.99], ['epsilon', 0.001], ['center', true], ['scale', true]] },
  LayerNormalization: { positional: [], keywords: [['axis', -1], ['epsilon', 0.001], ['center', true], ['scale', true]] },
  Dropout: { positional: ['rate'], keywords: [] },
  SpatialDropout2D: { positional: ['rate'], keywords: [] },
  ReLU: { positional: [], keywords: [['max_value', null]] },
  // Keras 3 calls it negative_slope but still accepts alpha; Keras 2 knows only alpha.
  LeakyReLU: { positional: [], keywords: [['alpha', 0.3]] },
  ELU: { positional: [], keywords: [['alpha', 1]] },
  Softmax: { positional: [], keywords: [['axis', -1]] },
  Reshape: { positional: ['target_shape'], keywords: [] },
  ZeroPadding2D: { positional: ['padding'], keywords: [] },
  Cropping2D: { positional: ['cropping'], keywords: [] },
  UpSampling2D: { positional: [], keywords: [['size', [2, 2]], ['interpolation', 'nearest']] },
  Add: NONE,
  Subtract: NONE,
  Concatenate: { positional: [], keywords: [['axis', -1]] },
  Multiply: NONE,
  Average: NONE,
  Maximum: NONE,
  Minimum: NONE,
};

/** `layers.Conv2D(32, (3, 3), activation='relu', name='conv2d')` for one layer (InputLayer excluded). */
export function kerasLayerCall(l: ExportLayer): string {
  const spec = tableEntry(KERAS_LAYERS as Record<LayerClassName, KerasArgs<LayerClassName> | KerasCall<LayerClassName>>, l, 'Keras');
  if ('call' in spec) return spec.call(l);
  const args = callArgs(spec, l.config as Record<string, unknown>);
  args.push(`name=${pyString(l.name)}`);
  return `layers.${l.className}(${args.join(', ')})`;
}

/** The positional arguments, then the keywords whose value differs from Keras' default. */
function callArgs(spec: KerasArgs<LayerClassName>, config: Record<string, unknown>): string[] {
  const args: string[] = spec.positional.map((key) => pyLiteral(config[key]));
  for (const [key, def] of spec.keywords) {
    const v = config[key];
    if (v === undefined || JSON.stringify(v) === JSON.stringify(def)) continue;
    args.push(`${key}=${pyLiteral(v)}`);
  }
  return args;
}

function inputCall(l: ExportLayer): string {
  return `keras.Input(shape=${pyLiteral(l.outputShape.slice(1))}, name=${pyString(l.name)})`;
}

/** Merge layers take a list even when one input is wired (Keras' call convention). */
function takesList(l: ExportLayer): boolean {
  return getLayerKind(l.className)?.category === 'Merge';
}

/**
 * A graph with nested models (a backbone): each group is built first as its own keras.Model from keras.Input(s) shaped
 * like the tensors that feed it (frozen with trainable = False), then called in the outer flow where its output is
 * needed, so model.summary() shows it as one layer, as in the file it came from.
 */
function nestedBody(ir: ExportGraph): string {
  const groupIds = [...new Set(ir.layers.flatMap((l) => (l.group ? [l.group.id] : [])))];
  const names = pythonNames([...ir.layers.map((l) => l.name), ...groupIds.flatMap((g) => [`${g}_model`, `${g}_out`]), ...groupIds.flatMap((g) => ir.layers.map((_, i) => `${g}_input_${i}`))]);
  const lines: string[] = [];
  /** The outer variable that holds a layer's output: a group's call for its output layer. */
  const outer = new Map(ir.layers.filter((l) => !l.group).map((l) => [l.name, names.get(l.name)!]));
  /** The group's call, written where its output layer stands in the outer flow (its inputs are ready by then). */
  const calls = new Map<string, () => string>();
  for (const id of groupIds) {
    const members = ir.layers.filter((l) => l.group?.id === id);
    const inside = new Set(members.map((l) => l.name));
    const sources = [...new Set(members.flatMap((l) => l.inputs.filter((i) => !inside.has(i))))];
    const output = members.find((l) => ir.layers.some((c) => !inside.has(c.name) && c.inputs.includes(l.name))) ?? members[members.length - 1]!;
    const inputVar = new Map(sources.map((src, i) => [src, names.get(`${id}_input_${i}`)!]));
    const group = members[0]!.group!;
    lines.push(`    # ${id}: a nested ${group.model} model${group.trainable ? '' : ', frozen (trainable = False): training leaves its weights as they are'}`);
    for (const src of sources) {
      const shape = ir.layers.find((l) => l.name === src)!.outputShape.slice(1);
      lines.push(`    ${inputVar.get(src)} = keras.Input(shape=${pyLiteral(shape)}, name=${pyString(`${id}_input_${sources.indexOf(src)}`)})`);
    }
    for (const l of members) {
      const ins = l.inputs.map((i) => inputVar.get(i) ?? names.get(i)!);
      const arg = ins.length === 1 && !takesList(l) ? ins[0] : `[${ins.join(', ')}]`;
      lines.push(`    ${names.get(l.name)} = ${kerasLayerCall(l)}(${arg})`);
    }
    const model = names.get(`${id}_model`)!;
    const ins = sources.map((s) => inputVar.get(s)!);
    lines.push(`    ${model} = keras.Model(inputs=${ins.length === 1 ? ins[0] : `[${ins.join(', ')}]`}, outputs=${names.get(output.name)}, name=${pyString(id)})`);
    if (!group.trainable) lines.push(`    ${model}.trainable = False`);
    outer.set(output.name, names.get(`${id}_out`)!);
    calls.set(output.name, () => {
      const args = sources.map((src) => outer.get(src)!);
      return `    ${names.get(`${id}_out`)} = ${model}(${args.length === 1 ? args[0] : `[${args.join(', ')}]`})`;
    });
  }
  for (const l of ir.layers) {
    const call = calls.get(l.name);
    if (call) {
      lines.push(call());
      continue;
    }
    if (l.group) continue;
    const o = outer.get(l.name)!;
    if (l.className === 'InputLayer') {
      lines.push(`    ${o} = ${inputCall(l)}`);
      continue;
    }
    const ins = l.inputs.map((i) => outer.get(i)!);
    const arg = ins.length === 1 && !takesList(l) ? ins[0] : `[${ins.join(', ')}]`;
    lines.push(`    ${o} = ${kerasLayerCall(l)}(${arg})`);
  }
  const list = (xs: string[]): string => (xs.length === 1 ? outer.get(xs[0]!)! : `[${xs.map((x) => outer.get(x)).join(', ')}]`);
  return `${lines.join('\n')}\n    model = keras.Model(inputs=${list(ir.inputs)}, outputs=${list(ir.outputs)}, name=${pyString(ir.name)})`;
}

export function generateKerasModel(ir: ExportGraph): string {
  let body: string;
  if (ir.layers.some((l) => l.group)) {
    body = nestedBody(ir);
  } else if (ir.sequential) {
    const lines = ir.layers.map((l) => `        ${l.className === 'InputLayer' ? inputCall(l) : kerasLayerCall(l)},`);
    body = `    model = keras.Sequential([\n${lines.join('\n')}\n    ], name=${pyString(ir.name)})`;
  } else {
    const names = pythonNames(ir.layers.map((l) => l.name));
    const lines = ir.layers.map((l) => {
      const o = names.get(l.name)!;
      if (l.className === 'InputLayer') return `    ${o} = ${inputCall(l)}`;
      const ins = inputVariables(ir, l, (name) => names.get(name)!);
      const arg = ins.length === 1 && !takesList(l) ? ins[0] : `[${ins.join(', ')}]`;
      // A layer with return_state returns a list: unpacked into one variable per output.
      return `    ${assigned(l, o)} = ${kerasLayerCall(l)}(${arg})`;
    });
    const list = (xs: string[]): string => (xs.length === 1 ? names.get(xs[0])! : `[${xs.map((x) => names.get(x)).join(', ')}]`);
    body = `${lines.join('\n')}\n    model = keras.Model(inputs=${list(ir.inputs)}, outputs=${list(ir.outputs)}, name=${pyString(ir.name)})`;
  }
  return `"""${ir.name}: Keras (TensorFlow 2) version of a Layerlab model, written by \`layerlab export --format keras\`.

build_model() builds the model layer by layer and loads weights.npz (Keras get_weights() arrays per layer) when it
exists.
"""
import os

import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

HERE = os.path.dirname(os.path.abspath(__file__))


def all_layers(model):
    """Every layer, those of nested models (a backbone) included."""
    for layer in model.layers:
        yield layer
        if hasattr(layer, 'layers'):
            yield from all_layers(layer)


def load_weights(model, path):
    """weights.npz holds '<layer name>/<i>': the i-th array of that layer's get_weights()."""
    with np.load(path) as archive:
        by_layer = {}
        for key in archive.files:
            layer, index = key.rsplit('/', 1)
            by_layer.setdefault(layer, {})[int(index)] = archive[key]
        for layer in all_layers(model):
            if layer.name in by_layer:
                arrays = by_layer.pop(layer.name)
                layer.set_weights([arrays[i] for i in sorted(arrays)])
        if by_layer:
            raise ValueError(f'{path} has weights for layers the model lacks: {sorted(by_layer)}')
    return model


def build_model(weights=os.path.join(HERE, 'weights.npz')):
${body}
    if weights and os.path.exists(weights):
        load_weights(model, weights)
    return model


if __name__ == '__main__':
    build_model().summary()
`;
}
