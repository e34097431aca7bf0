/**
 * Keras model.py: explicit layer code (`layers.Conv2D(32, (3, 3), activation='relu', name='conv2d')`), Sequential
 * for Sequential models and the functional API for graphs, with only the arguments that differ from Keras' defaults.
 */
import { activationName, type IrLayer, type ModelIr } from '../ir';
import { pythonNames, pyLiteral, pyString } from '../python-names';
import { ExportError } from '../types';

interface ArgSpec {
  /** Leading arguments written positionally. */
  positional: string[];
  /** Keyword arguments with Keras' default (written only when the value differs). */
  keywords: [string, unknown][];
}

const CONV_COMMON: [string, unknown][] = [['strides', [1, 1]], ['padding', 'valid'], ['dilation_rate', [1, 1]]];
const ACT: [string, unknown][] = [['activation', 'linear'], ['use_bias', true]];

export const KERAS_ARGS: Record<string, ArgSpec> = {
  Dense: { positional: ['units'], keywords: ACT },
  Conv2D: { positional: ['filters', 'kernel_size'], keywords: [...CONV_COMMON, ['groups', 1], ...ACT] },
  DepthwiseConv2D: { positional: ['kernel_size'], keywords: [...CONV_COMMON, ['depth_multiplier', 1], ...ACT] },
  SeparableConv2D: { positional: ['filters', 'kernel_size'], keywords: [...CONV_COMMON, ['depth_multiplier', 1], ...ACT] },
  Conv2DTranspose: { positional: ['filters', 'kernel_size'], keywords: [...CONV_COMMON, ...ACT] },
  MaxPooling2D: { positional: [], keywords: [['pool_size', [2, 2]], ['strides', null], ['padding', 'valid']] },
  AveragePooling2D: { positional: [], keywords: [['pool_size', [2, 2]], ['strides', null], ['padding', 'valid']] },
  GlobalAveragePooling2D: { positional: [], keywords: [['keepdims', false]] },
  GlobalMaxPooling2D: { positional: [], keywords: [['keepdims', false]] },
  Flatten: { positional: [], keywords: [] },
  Reshape: { positional: ['target_shape'], keywords: [] },
  ZeroPadding2D: { positional: ['padding'], keywords: [] },
  Cropping2D: { positional: ['cropping'], keywords: [] },
  UpSampling2D: { positional: [], keywords: [['size', [2, 2]], ['interpolation', 'nearest']] },
  Concatenate: { positional: [], keywords: [['axis', -1]] },
  Add: { positional: [], keywords: [] },
  Subtract: { positional: [], keywords: [] },
  Multiply: { positional: [], keywords: [] },
  Average: { positional: [], keywords: [] },
  Maximum: { positional: [], keywords: [] },
  Minimum: { positional: [], keywords: [] },
  Dropout: { positional: ['rate'], keywords: [] },
  SpatialDropout2D: { positional: ['rate'], keywords: [] },
  BatchNormalization: { positional: [], keywords: [['axis', -1], ['momentum', 0.99], ['epsilon', 0.001], ['center', true], ['scale', true]] },
  LayerNormalization: { positional: [], keywords: [['axis', -1], ['epsilon', 0.001], ['center', true], ['scale', true]] },
  Activation: { positional: ['activation'], keywords: [] },
  // Keras 3 calls it negative_slope but still accepts alpha; Keras 2 knows only alpha.
  LeakyReLU: { positional: [], keywords: [['alpha', 0.3]] },
  ReLU: { positional: [], keywords: [['max_value', null], ['negative_slope', 0], ['threshold', 0]] },
  ELU: { positional: [], keywords: [['alpha', 1]] },
  Softmax: { positional: [], keywords: [['axis', -1]] },
};

/** Keras accepts an int for any (int, int) argument; compare in one form. */
function canonical(value: unknown, like: unknown): unknown {
  if (Array.isArray(like) && typeof value === 'number') return like.map(() => value);
  if (Array.isArray(value) && value.length === 1 && !Array.isArray(like)) return value[0];
  return value;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The value of a config field as model.py passes it (activation objects become names; LeakyReLU's slope under alpha). */
function configValue(l: IrLayer, key: string): unknown {
  if (key === 'activation') return activationName(l.config.activation);
  if (l.className === 'LeakyReLU' && key === 'alpha') return l.config.alpha ?? l.config.negative_slope;
  if (key === 'strides' && (l.className === 'MaxPooling2D' || l.className === 'AveragePooling2D')) {
    // tfjs writes the pool size as strides when none was given; Keras' None means the same.
    const s = l.config.strides;
    return s === undefined || sameValue(canonical(s, [0, 0]), canonical(l.config.pool_size ?? [2, 2], [0, 0])) ? null : s;
  }
  return l.config[key];
}

/** `layers.Conv2D(32, (3, 3), activation='relu', name='conv2d')` for one layer (InputLayer excluded). */
export function kerasLayerCall(l: IrLayer): string {
  const spec = KERAS_ARGS[l.className];
  if (!spec) throw new ExportError(`layer '${l.name}': the Keras export does not know layer kind '${l.className}'.`);
  const args: string[] = [];
  for (const key of spec.positional) {
    const v = configValue(l, key);
    if (v === undefined) throw new ExportError(`layer '${l.name}' (${l.className}) has no '${key}' in its config.`);
    args.push(pyLiteral(v));
  }
  for (const [key, def] of spec.keywords) {
    const v = configValue(l, key);
    if (v === undefined || sameValue(canonical(v, def), def)) continue;
    args.push(`${key}=${pyLiteral(v)}`);
  }
  args.push(`name=${pyString(l.name)}`);
  return `layers.${l.className}(${args.join(', ')})`;
}

function inputCall(l: IrLayer): string {
  return `keras.Input(shape=${pyLiteral(l.outputShape.slice(1))}, name=${pyString(l.name)})`;
}

export function generateKerasModel(ir: ModelIr): string {
  let body: string;
  if (ir.sequential) {
    const lines = ir.layers.map((l) => `        ${l.className === 'InputLayer' ? inputCall(l) : kerasLayerCall(l)},`);
    body = `    model = keras.Sequential([\n${lines.join('\n')}\n    ], name=${pyString(ir.name)})`;
  } else {
    const names = pythonNames(ir.layers.map((l) => l.name));
    const lines = ir.layers.map((l) => {
      const o = names.get(l.name)!;
      if (l.className === 'InputLayer') return `    ${o} = ${inputCall(l)}`;
      const ins = l.inputs.map((i) => names.get(i)!);
      const arg = ins.length === 1 && !['Concatenate', 'Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum'].includes(l.className) ? ins[0] : `[${ins.join(', ')}]`;
      return `    ${o} = ${kerasLayerCall(l)}(${arg})`;
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


def load_weights(model, path):
    """weights.npz holds '<layer name>/<i>': the i-th array of that layer's get_weights()."""
    with np.load(path) as archive:
        by_layer = {}
        for key in archive.files:
            layer, index = key.rsplit('/', 1)
            by_layer.setdefault(layer, {})[int(index)] = archive[key]
        for layer in model.layers:
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
