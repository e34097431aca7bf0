/**
 * The sequence layers (#16): shapes as Keras prints them ((None, T, D)), parameter counts equal to Keras' own
 * formulas and to the counts the Keras examples print, errors that say how to fix the input, and Keras JSON with
 * a nested Bidirectional read back.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../shared/graph/analyze';
import { compileGraph } from '../../../shared/graph/compile';
import { importModelJson } from '../../../shared/graph/import';
import { requireLayerKind } from '../../../shared/layers/registry';
import type { Shape } from '../../../shared/layers/types';

function kind(name: string, config: Record<string, unknown>) {
  const k = requireLayerKind(name);
  const c = { ...k.defaults(), ...config };
  expect(k.validate(c)).toEqual([]);
  return { k, c };
}
const infer = (name: string, config: Record<string, unknown>, input: Shape) => {
  const { k, c } = kind(name, config);
  return k.inferShape(c, [input]);
};
const count = (name: string, config: Record<string, unknown>, input: Shape) => {
  const { k, c } = kind(name, config);
  return k.countParams(c, [input]).trainable;
};

describe('parameter counts equal Keras', () => {
  it.each([
    // [kind, config, input, Keras' formula written out]
    ['Embedding 10000x16', 'Embedding', { input_dim: 10000, output_dim: 16 }, [null, 256], 10000 * 16],
    ['SimpleRNN 32 on 32', 'SimpleRNN', { units: 32 }, [null, 100, 32], 32 * (32 + 32) + 32],
    ['LSTM 32 on 32 (imdb-lstm)', 'LSTM', { units: 32 }, [null, 100, 32], 4 * (32 * (32 + 32) + 32)],
    ['LSTM 7 on 3, no bias', 'LSTM', { units: 7, use_bias: false }, [null, 5, 3], 4 * 7 * (3 + 7)],
    ['GRU 32 on 32, reset_after (Keras 2/3 default)', 'GRU', { units: 32 }, [null, 100, 32], 3 * (32 * (32 + 32) + 2 * 32)],
    ['GRU 32 on 32, reset_after=false', 'GRU', { units: 32, reset_after: false }, [null, 100, 32], 3 * (32 * (32 + 32) + 32)],
    ['Bidirectional LSTM 64 on 128', 'Bidirectional', { layer: 'LSTM', units: 64 }, [null, 200, 128], 2 * 4 * (64 * (128 + 64) + 64)],
    ['Bidirectional GRU 8 on 4, sum', 'Bidirectional', { layer: 'GRU', units: 8, merge_mode: 'sum' }, [null, 9, 4], 2 * 3 * (8 * 12 + 16)],
    ['Conv1D 128x5 on 128', 'Conv1D', { filters: 128, kernel_size: [5] }, [null, 500, 128], 5 * 128 * 128 + 128],
  ] as const)('%s', (_t, name, config, input, expected) => {
    expect(count(name, config, [...input])).toBe(expected);
  });

  it('prints the numbers of Keras examples: LSTM(32) 8,320; GRU(32) 6,336; Bidirectional(LSTM(64)) 98,816', () => {
    expect(count('LSTM', { units: 32 }, [null, 500, 32])).toBe(8320);
    expect(count('GRU', { units: 32 }, [null, 500, 32])).toBe(6336);
    expect(count('Bidirectional', { units: 64 }, [null, null, 128])).toBe(98816);
  });
});

describe('shapes (None, T, D)', () => {
  it.each([
    ['Embedding on ids', 'Embedding', { output_dim: 8 }, [null, 20], [null, 20, 8]],
    ['Embedding with input_length on unknown T', 'Embedding', { output_dim: 8, input_length: 30 }, [null, null], [null, 30, 8]],
    ['LSTM last step', 'LSTM', { units: 5 }, [null, 20, 8], [null, 5]],
    ['LSTM every step', 'LSTM', { units: 5, return_sequences: true }, [null, 20, 8], [null, 20, 5]],
    ['RNN over any length', 'GRU', { units: 4, return_sequences: true }, [null, null, 8], [null, null, 4]],
    ['Bidirectional concat doubles the units', 'Bidirectional', { units: 6, return_sequences: true }, [null, 10, 3], [null, 10, 12]],
    ['Bidirectional ave keeps the units', 'Bidirectional', { units: 6, merge_mode: 'ave' }, [null, 10, 3], [null, 6]],
    ['Conv1D valid', 'Conv1D', { filters: 4, kernel_size: [5] }, [null, 20, 3], [null, 16, 4]],
    ['Conv1D same, stride 2', 'Conv1D', { filters: 4, kernel_size: [5], strides: [2], padding: 'same' }, [null, 21, 3], [null, 11, 4]],
    ['Conv1D causal keeps the length', 'Conv1D', { filters: 4, kernel_size: [3], dilation_rate: [4], padding: 'causal' }, [null, 20, 3], [null, 20, 4]],
    ['Conv1D dilated valid', 'Conv1D', { filters: 2, kernel_size: [3], dilation_rate: [2] }, [null, 20, 3], [null, 16, 2]],
    ['MaxPooling1D default', 'MaxPooling1D', {}, [null, 21, 3], [null, 10, 3]],
    ['AveragePooling1D same', 'AveragePooling1D', { pool_size: [3], strides: [2], padding: 'same' }, [null, 21, 3], [null, 11, 3]],
    ['GlobalAveragePooling1D', 'GlobalAveragePooling1D', {}, [null, 21, 7], [null, 7]],
    ['GlobalMaxPooling1D', 'GlobalMaxPooling1D', {}, [null, null, 7], [null, 7]],
    ['Masking', 'Masking', {}, [null, 12, 7], [null, 12, 7]],
  ] as const)('%s', (_t, name, config, input, expected) => {
    expect(infer(name, config, [...input])).toEqual(expected);
  });

  it('says how to fix a non-sequence input', () => {
    expect(() => infer('LSTM', {}, [null, 784])).toThrow(/LSTM expects a 3-D input \(batch, timesteps, features\), got 2-D \(None, 784\)\. Put an Embedding in front/);
    expect(() => infer('Conv1D', {}, [null, 28, 28, 1])).toThrow(/Conv1D expects a 3-D input/);
    expect(() => infer('Bidirectional', { layer: 'GRU' }, [null, 5])).toThrow(/Bidirectional\(GRU\) expects a 3-D input/);
    expect(() => count('LSTM', {}, [null, 10, null])).toThrow(/needs a known feature \(last\) dimension/);
    expect(() => infer('Embedding', { input_length: 10 }, [null, 12])).toThrow(/input_length=10 does not match the input's length 12.*Set input_length to 12 or clear it/);
    expect(() => infer('Conv1D', { kernel_size: [9] }, [null, 5, 2])).toThrow(/shrinks input/);
  });

  it('refuses strides with dilation and unknown wrapped layers, naming the value', () => {
    const conv = requireLayerKind('Conv1D');
    expect(conv.validate({ ...conv.defaults(), strides: [2], dilation_rate: [2] })[0]!.message).toMatch(/strides > 1 cannot be combined with dilation_rate > 1/);
    const bi = requireLayerKind('Bidirectional');
    const read = bi.fromKerasConfig({ layer: { class_name: 'ConvLSTM2D', config: {} }, merge_mode: 'concat' });
    expect(bi.validate(read)).toEqual([{ field: 'layer', message: `expected one of 'SimpleRNN', 'LSTM', 'GRU'. Received: layer="ConvLSTM2D"` }]);
  });
});

describe('Keras JSON', () => {
  it('nests the wrapped layer as Keras writes it and reads it back', () => {
    const bi = requireLayerKind('Bidirectional');
    const config = { ...bi.defaults(), layer: 'GRU', units: 6, merge_mode: 'sum', return_sequences: true };
    const keras = bi.toKerasConfig(config);
    expect(keras).toMatchObject({ merge_mode: 'sum', layer: { class_name: 'GRU', config: { units: 6, reset_after: true, return_sequences: true, recurrent_activation: 'sigmoid' } } });
    expect(Object.keys(keras).sort()).toEqual(['layer', 'merge_mode']);
    expect(bi.fromKerasConfig(JSON.parse(JSON.stringify(keras)))).toEqual(config);
  });

  it('writes recurrent defaults explicitly (tfjs would otherwise use hard_sigmoid and no unit forget bias)', () => {
    const lstm = requireLayerKind('LSTM');
    expect(lstm.toKerasConfig(lstm.defaults())).toMatchObject({
      recurrent_activation: 'sigmoid',
      unit_forget_bias: true,
      recurrent_initializer: { class_name: 'Orthogonal' },
      return_state: false,
    });
    // A Keras 1 GRU file (no reset_after) meant reset_after=false.
    expect(requireLayerKind('GRU').fromKerasConfig({ units: 4 })['reset_after']).toBe(false);
  });

  it('imports the Keras 3 bidirectional-LSTM IMDB example (int32 input, nested layers) with its published 2,757,761 params', () => {
    const file = join(dirname(fileURLToPath(import.meta.url)), '../../support/keras-json/imdb-bidirectional-lstm.keras3-format.json');
    const g = importModelJson(readFileSync(file, 'utf8'));
    expect(g.nodes.map((n) => n.kind)).toEqual(['InputLayer', 'Embedding', 'Bidirectional', 'Bidirectional', 'Dense']);
    const a = analyzeGraph(g);
    expect(a.errors).toEqual([]);
    expect(a.totals.total).toBe(2_757_761);
    expect(a.nodes['bidirectional']!.outputShape).toEqual([null, null, 128]);
    expect(a.nodes['bidirectional_1']!.outputShape).toEqual([null, 128]);
    // And it compiles back to JSON that imports to the same graph.
    const again = importModelJson(compileGraph(g));
    expect(again.nodes.map((n) => [n.kind, n.config])).toEqual(g.nodes.map((n) => [n.kind, n.config]));
  });

  it('imports a tf.keras 2 Sequential whose first layer is an Embedding with batch_input_shape', () => {
    const g = importModelJson({
      class_name: 'Sequential',
      config: {
        name: 'sequential',
        layers: [
          { class_name: 'Embedding', config: { name: 'embedding', batch_input_shape: [null, 200], dtype: 'float32', input_dim: 10000, output_dim: 32, mask_zero: true, input_length: 200 } },
          { class_name: 'GRU', config: { name: 'gru', units: 32, reset_after: true, activation: 'tanh', recurrent_activation: 'sigmoid', return_sequences: false } },
          { class_name: 'Dense', config: { name: 'dense', units: 1, activation: 'sigmoid' } },
        ],
      },
    });
    const a = analyzeGraph(g);
    expect(a.errors).toEqual([]);
    expect(a.nodes['gru']!.params).toEqual({ trainable: 6336, nonTrainable: 0 });
    expect(a.totals.total).toBe(320_000 + 6336 + 33);
  });
});
