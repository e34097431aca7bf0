import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../shared/graph/analyze';
import { compileGraph, GraphCompileError } from '../../../shared/graph/compile';
import { importModelJson, ModelImportError } from '../../../shared/graph/import';
import { getTemplate, templates } from '../../../shared/templates/registry';
import { keras212Sequential } from '../../support/keras-fixtures';
import { chain, edge, graph, node } from '../../support/graphs';
import { randomGraph } from '../../support/random-graph';

const input = (shape: (number | null)[], id = 'in') => node(id, 'InputLayer', { batch_input_shape: shape });

describe('compileGraph', () => {
  it('writes a chain as Sequential, in the form tfjs model.toJSON() uses', () => {
    const spec = compileGraph(getTemplate('mlp-64')!.graph);
    expect(spec.class_name).toBe('Sequential');
    expect(spec.keras_version).toBe('tfjs-layers 4.22.0');
    expect(spec.config.layers.map((l) => l.class_name)).toEqual(['InputLayer', 'Dense', 'Dense', 'Dense']);
    expect(spec.config.layers[0]).toEqual({
      class_name: 'InputLayer',
      config: { name: 'input_layer', batch_input_shape: [null, 784], dtype: 'float32', sparse: false },
    });
    expect(spec.config.layers[1]!.config).toMatchObject({ name: 'dense', trainable: true, units: 64, activation: 'relu', use_bias: true });
    expect(spec.config.layers[1]!.inbound_nodes).toBeUndefined();
    expect(spec.config.input_layers).toBeUndefined();
  });

  it('writes a DAG as Functional with inbound_nodes in targetIndex order', () => {
    const g = graph(
      [input([null, 8]), node('a', 'Dense', { units: 4 }), node('b', 'Dense', { units: 4 }), node('sum', 'Add')],
      [edge('in', 'a'), edge('in', 'b'), edge('b', 'sum', 0), edge('a', 'sum', 1)],
    );
    const spec = compileGraph(g, { name: 'two_branches' });
    expect(spec.class_name).toBe('Functional');
    expect(spec.config.name).toBe('two_branches');
    expect(spec.config.input_layers).toEqual([['in', 0, 0]]);
    expect(spec.config.output_layers).toEqual([['sum', 0, 0]]);
    const sum = spec.config.layers.find((l) => l.name === 'sum')!;
    expect(sum.inbound_nodes).toEqual([[['b', 0, 0, {}], ['a', 0, 0, {}]]]);
    expect(spec.config.layers.find((l) => l.name === 'in')!.inbound_nodes).toEqual([]);
  });

  it('makes a chain functional on request and a two-input model functional always', () => {
    expect(compileGraph(getTemplate('mlp-64')!.graph, { functional: true }).class_name).toBe('Functional');
    const g = graph([input([null, 4]), input([null, 4], 'in2'), node('m', 'Multiply')], [edge('in', 'm'), edge('in2', 'm')]);
    expect(compileGraph(g).config.input_layers).toEqual([['in', 0, 0], ['in2', 0, 0]]);
  });

  it('resolves Reshape -1 for readers that cannot (tfjs)', () => {
    const spec = compileGraph(chain(input([null, 24]), node('r', 'Reshape', { target_shape: [2, -1] })));
    expect(spec.config.layers[1]!.config['target_shape']).toEqual([2, 12]);
  });

  it('throws every error at once for an invalid graph', () => {
    const g = chain(input([null, 784]), node('c', 'Conv2D'), node('d', 'Dense', { units: 0 }));
    let error: unknown;
    try {
      compileGraph(g);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GraphCompileError);
    const e = error as GraphCompileError;
    expect(e.errors.map((x) => x.code).sort()).toEqual(['config', 'shape']);
    expect(e.message).toMatch(/cannot be compiled \(2 problems\)/);
    expect(e.message).toMatch(/Conv2D expects a 4-D input/);
    expect(e.message).toMatch(/units=0/);
  });
});

describe('importModelJson', () => {
  it.each(templates.map((t) => [t.id, t] as const))('round-trips template %s: compile -> import -> compile', (_id, t) => {
    const spec = compileGraph(t.graph);
    const back = importModelJson(JSON.stringify(spec));
    expect(compileGraph(back)).toEqual(spec);
    expect(analyzeGraph(back).totals).toEqual(analyzeGraph(t.graph).totals);
    for (const n of back.nodes) expect(n.position).toBeDefined();
  });

  it.each(Array.from({ length: 12 }, (_, i) => i + 100))('round-trips random graph seed=%i', (seed) => {
    const g = randomGraph(seed, { dag: seed % 2 === 0 });
    const spec = compileGraph(g);
    expect(compileGraph(importModelJson(spec))).toEqual(spec);
  });

  it('reads a TF.js model.json envelope', () => {
    const spec = compileGraph(getTemplate('cnn-first')!.graph);
    const g = importModelJson({ format: 'layers-model', modelTopology: spec, weightsManifest: [] });
    expect(g.nodes.map((n) => n.kind)).toEqual(['InputLayer', 'Conv2D', 'MaxPooling2D', 'Flatten', 'Dense', 'Dense']);
  });

  it('reads Keras 2.1.2 Sequential JSON (layer list, no InputLayer, batch_input_shape on the first layer)', () => {
    const g = importModelJson(keras212Sequential);
    expect(g.nodes.map((n) => n.name)).toEqual([
      'input_layer', 'dense_1', 'activation_1', 'dense_2', 'activation_2', 'dense_3', 'activation_3', 'dense_4', 'activation_4',
    ]);
    expect(g.nodes[0]!.config).toEqual({ batch_input_shape: [null, 784], dtype: 'float32' });
    expect(g.nodes[1]!.config).toMatchObject({ units: 128, activation: 'linear', kernel_initializer: 'glorot_uniform' });
    const a = analyzeGraph(g);
    expect(a.valid).toBe(true);
    expect(a.totals.total).toBe(784 * 128 + 128 + 128 * 64 + 64 + 64 * 32 + 32 + 32 * 10 + 10);
    expect(compileGraph(g).class_name).toBe('Sequential');
  });

  it('names every unsupported layer class of a file at once, Lambda and nested models with the reason', () => {
    const layer = (class_name: string, name: string) => ({ class_name, config: { name } });
    const file = {
      class_name: 'Sequential',
      config: {
        layers: [
          { class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, 8, 8, 3] } },
          layer('Conv3D', 'a'), layer('Lambda', 'b'), layer('Dense', 'c'), layer('Conv3D', 'd'),
          { class_name: 'Functional', config: { name: 'backbone', layers: [] } },
        ],
      },
    };
    let message = '';
    try {
      importModelJson(file);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/uses 3 layer classes Layerlab does not support/);
    expect(message).toContain("- Conv3D ('a', 'd')");
    expect(message).toMatch(/- Lambda \('b'\): it holds Python code/);
    expect(message).toMatch(/- Functional \('backbone'\): it is a model used as a layer but lists no layers/);
  });

  it('refuses what it cannot read, saying why', () => {
    expect(() => importModelJson('{not json')).toThrow(ModelImportError);
    expect(() => importModelJson({ hello: 1 })).toThrow(/Expected a Keras model config/);
    const conv3d = { class_name: 'Sequential', config: { layers: [{ class_name: 'Conv3D', config: { name: 'c3', batch_input_shape: [null, 5, 5, 5, 3] } }] } };
    expect(() => importModelJson(conv3d)).toThrow(/1 layer class Layerlab does not support:\n- Conv3D \('c3'\)\nSupported layers: InputLayer/);
    const noShape = { class_name: 'Sequential', config: { layers: [{ class_name: 'Dense', config: { name: 'd', units: 3 } }] } };
    expect(() => importModelJson(noShape)).toThrow(/declares no input shape/);
    const shared = { class_name: 'Functional', config: { layers: [{ class_name: 'Dense', name: 'd', config: { name: 'd' }, inbound_nodes: [[['a', 0, 0, {}]], [['b', 0, 0, {}]]] }] } };
    expect(() => importModelJson(shared)).toThrow(/shared layer/);
  });
});
