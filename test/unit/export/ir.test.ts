/** The exporters' model reading: Sequential and functional (Keras 2/tfjs and Keras 3 inbound nodes), shapes, errors. */
import { describe, expect, it } from 'vitest';
import { buildIr, inferShape, unwrapModelSpec } from '../../../main/export/ir';
import { ExportError } from '../../../main/export/types';
import type { ModelSpec } from '../../../shared/graph/types';

const seq: ModelSpec = {
  class_name: 'Sequential',
  config: {
    name: 'seq',
    layers: [
      { class_name: 'Conv2D', config: { name: 'c', filters: 4, kernel_size: [3, 3], batch_input_shape: [null, 28, 28, 1] } },
      { class_name: 'Flatten', config: { name: 'f' } },
      { class_name: 'Dense', config: { name: 'd', units: 10 } },
    ],
  },
};

describe('buildIr', () => {
  it('makes a Sequential model\'s implicit input explicit, named as tfjs names it', () => {
    const ir = buildIr(seq);
    expect(ir.layers.map((l) => l.name)).toEqual(['c_input', 'c', 'f', 'd']);
    expect(ir.layers.map((l) => l.outputShape)).toEqual([[null, 28, 28, 1], [null, 26, 26, 4], [null, 2704], [null, 10]]);
    expect(ir.inputs).toEqual(['c_input']);
    expect(ir.outputs).toEqual(['d']);
  });

  it('reads Keras 3 inbound nodes (keras_history) and orders layers topologically', () => {
    const t = (name: string) => ({ class_name: '__keras_tensor__', config: { shape: [null, 8], dtype: 'float32', keras_history: [name, 0, 0] } });
    const spec: ModelSpec = {
      class_name: 'Functional',
      config: {
        name: 'k3',
        layers: [
          { class_name: 'Add', config: { name: 'sum' }, inbound_nodes: [{ args: [[t('a'), t('b')]], kwargs: {} }] },
          { class_name: 'InputLayer', config: { name: 'x', batch_shape: [null, 8] }, inbound_nodes: [] },
          { class_name: 'Dense', config: { name: 'a', units: 8 }, inbound_nodes: [{ args: [t('x')], kwargs: {} }] },
          { class_name: 'Dense', config: { name: 'b', units: 8 }, inbound_nodes: [{ args: [t('x')], kwargs: {} }] },
        ],
        input_layers: [['x', 0, 0]],
        output_layers: [['sum', 0, 0]],
      },
    };
    const ir = buildIr(spec);
    expect(ir.layers.map((l) => l.name)).toEqual(['x', 'a', 'b', 'sum']);
    expect(ir.layers[3].inputs).toEqual(['a', 'b']);
    expect(ir.layers[3].outputShape).toEqual([null, 8]);
  });

  it('unwraps a TF.js model.json and old bare-list Sequential configs', () => {
    expect(unwrapModelSpec({ modelTopology: seq, weightsManifest: [] }).config.name).toBe('seq');
    expect(unwrapModelSpec({ class_name: 'Sequential', config: seq.config.layers }).config.layers).toHaveLength(3);
    expect(() => unwrapModelSpec({ class_name: 'Dense', config: {} })).toThrow(/not a Keras model config/);
  });

  it('refuses shared layers, cycles, unknown kinds and channels_first with a fix', () => {
    const shared: ModelSpec = {
      class_name: 'Model',
      config: {
        name: 's',
        layers: [
          { class_name: 'InputLayer', config: { name: 'x', batch_input_shape: [null, 4] }, inbound_nodes: [] },
          { class_name: 'Dense', config: { name: 'd', units: 4 }, inbound_nodes: [[['x', 0, 0, {}]], [['x', 0, 0, {}]]] },
        ],
        input_layers: [['x', 0, 0]],
        output_layers: [['d', 0, 0]],
      },
    };
    expect(() => buildIr(shared)).toThrow(/shared layer.*Duplicate the layer/);
    expect(() => inferShape('GRU', {}, [[null, 4]], 'g')).toThrow(ExportError);
    expect(() => inferShape('GRU', {}, [[null, 4]], 'g')).toThrow(/do not know layer kind 'GRU'/);
    expect(() => inferShape('Conv2D', { filters: 2, kernel_size: 3, data_format: 'channels_first' }, [[null, 1, 8, 8]], 'c')).toThrow(/channels_last/);
  });
});

describe('inferShape (Keras arithmetic)', () => {
  const cases: [string, Record<string, unknown>, number[], (number | null)[]][] = [
    ['Conv2D', { filters: 8, kernel_size: [4, 4], strides: [2, 2], padding: 'same' }, [null, 15, 15, 3] as never, [null, 8, 8, 8]],
    ['Conv2D', { filters: 8, kernel_size: 3, dilation_rate: 2 }, [null, 9, 9, 3] as never, [null, 5, 5, 8]],
    ['DepthwiseConv2D', { kernel_size: 3, depth_multiplier: 3, padding: 'same' }, [null, 7, 7, 2] as never, [null, 7, 7, 6]],
    ['Conv2DTranspose', { filters: 4, kernel_size: 3, strides: 2, padding: 'same' }, [null, 7, 7, 2] as never, [null, 14, 14, 4]],
    ['Conv2DTranspose', { filters: 4, kernel_size: 3, strides: 2, padding: 'valid' }, [null, 7, 7, 2] as never, [null, 15, 15, 4]],
    ['Conv2DTranspose', { filters: 4, kernel_size: 2, strides: 3, padding: 'valid' }, [null, 7, 7, 2] as never, [null, 21, 21, 4]],
    ['MaxPooling2D', { pool_size: [3, 3], strides: [2, 2], padding: 'same' }, [null, 17, 18, 5] as never, [null, 9, 9, 5]],
    ['ZeroPadding2D', { padding: [[1, 0], [0, 2]] }, [null, 4, 4, 1] as never, [null, 5, 6, 1]],
    ['Reshape', { target_shape: [-1, 4] }, [null, 2, 2, 4] as never, [null, 4, 4]],
    ['GlobalAveragePooling2D', { keepdims: true }, [null, 3, 3, 7] as never, [null, 1, 1, 7]],
  ];
  it.each(cases)('%s %j on %j -> %j', (cls, config, input, output) => {
    expect(inferShape(cls, config, [input], 'x')).toEqual(output);
  });
});
