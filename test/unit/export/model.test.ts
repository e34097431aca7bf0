/**
 * The exporters read models through the one layer model (importer + registry analysis): Sequential and functional
 * JSON, Keras 3 inbound nodes, every problem in one message, and per-format tables that cover every registry kind.
 */
import { describe, expect, it } from 'vitest';
import { KERAS_LAYERS } from '../../../main/export/keras/model-code';
import { KERAS_WEIGHTS } from '../../../main/export/layer-weights';
import { exportGraph, tableEntry, type ExportLayer } from '../../../main/export/model';
import { TORCH_LAYERS } from '../../../main/export/pytorch/layers';
import { TORCH_WEIGHTS } from '../../../main/export/pytorch/weights';
import { ExportError } from '../../../main/export/types';
import type { ModelSpec } from '../../../shared/graph/types';
import { layerKinds, type LayerClassName } from '../../../shared/layers/registry';

const seq: ModelSpec = {
  class_name: 'Sequential',
  config: {
    name: 'seq',
    layers: [
      { class_name: 'Conv2D', config: { name: 'c', filters: 4, kernel_size: 3, batch_input_shape: [null, 28, 28, 1] } },
      { class_name: 'Flatten', config: { name: 'f' } },
      { class_name: 'Dense', config: { name: 'd', units: 10 } },
    ],
  },
};

describe('exportGraph', () => {
  it("makes a Sequential model's implicit input explicit and takes shapes and params from the registry", () => {
    const g = exportGraph(seq);
    expect(g.sequential).toBe(true);
    expect(g.layers.map((l) => l.className)).toEqual(['InputLayer', 'Conv2D', 'Flatten', 'Dense']);
    expect(g.layers.map((l) => l.outputShape)).toEqual([[null, 28, 28, 1], [null, 26, 26, 4], [null, 2704], [null, 10]]);
    expect(g.layers.map((l) => l.params.trainable)).toEqual([0, 40, 0, 27050]);
    // The registry's canonical config: an int kernel_size becomes a pair.
    const conv = g.layers[1] as ExportLayer<'Conv2D'>;
    expect(conv.config.kernel_size).toEqual([3, 3]);
    expect(g.inputs).toEqual([g.layers[0]!.name]);
    expect(g.outputs).toEqual(['d']);
  });

  it('reads Keras 3 inbound nodes (keras_history) and orders layers topologically', () => {
    const t = (name: string) => ({ class_name: '__keras_tensor__', config: { shape: [null, 8], dtype: 'float32', keras_history: [name, 0, 0] } });
    const spec: ModelSpec = {
      class_name: 'Functional',
      config: {
        name: 'k3',
        layers: [
          { class_name: 'InputLayer', config: { name: 'x', batch_shape: [null, 8] }, inbound_nodes: [] },
          { class_name: 'Dense', config: { name: 'a', units: 8 }, inbound_nodes: [{ args: [t('x')], kwargs: {} }] },
          { class_name: 'Dense', config: { name: 'b', units: 8 }, inbound_nodes: [{ args: [t('x')], kwargs: {} }] },
          { class_name: 'Subtract', config: { name: 'diff' }, inbound_nodes: [{ args: [[t('a'), t('b')]], kwargs: {} }] },
        ],
        input_layers: [['x', 0, 0]],
        output_layers: [['diff', 0, 0]],
      },
    };
    const g = exportGraph(spec);
    expect(g.layers.map((l) => l.name)).toEqual(['x', 'a', 'b', 'diff']);
    expect(g.layers[3]!.inputs).toEqual(['a', 'b']);
    expect(g.layers[3]!.outputShape).toEqual([null, 8]);
  });

  it('refuses shared layers and names every problem of a model at once', () => {
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
    expect(() => exportGraph(shared)).toThrow(ExportError);
    expect(() => exportGraph(shared)).toThrow(/shared layer/);
    const twoProblems: ModelSpec = {
      class_name: 'Sequential',
      config: {
        name: 'bad',
        layers: [
          { class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, 4] } },
          { class_name: 'Conv2D', config: { name: 'c', filters: 2, kernel_size: 3 } },
          { class_name: 'Dense', config: { name: 'd', units: 0 } },
        ],
      },
    };
    const message = (() => {
      try {
        exportGraph(twoProblems);
        return '';
      } catch (err) {
        return (err as Error).message;
      }
    })();
    expect(message).toMatch(/2 problems/);
    expect(message).toMatch(/Conv2D expects a 4-D input/);
    expect(message).toMatch(/units=0/);
  });
});

describe('per-format tables', () => {
  const names = (layerKinds as readonly { className: string }[]).map((k) => k.className).sort();
  it.each([
    ['PyTorch code', TORCH_LAYERS],
    ['PyTorch weights', TORCH_WEIGHTS],
    ['Keras code', KERAS_LAYERS],
    ['Keras weight names', KERAS_WEIGHTS],
  ] as const)('%s has exactly one entry per registry kind', (_format, table) => {
    expect(Object.keys(table).sort()).toEqual(names);
  });

  it('a refused kind names the layer, the format and the reason', () => {
    const table = { Dense: { refused: 'no reason but a test' } } as unknown as Record<LayerClassName, object>;
    const dense = exportGraph(seq).layers[3]!;
    expect(() => tableEntry(table, dense, 'Fortran')).toThrow("layer 'd' (Dense) cannot be exported to Fortran: no reason but a test");
  });
});
