import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../shared/graph/analyze';
import { compileGraph, isChain } from '../../../shared/graph/compile';
import { canConnect } from '../../../shared/graph/edit';
import { importModelJson, ModelImportError } from '../../../shared/graph/import';
import { formatSummary, summaryTable } from '../../../shared/graph/summary';
import type { Graph } from '../../../shared/graph/types';
import { requireLayerKind } from '../../../shared/layers/registry';
import { GraphBuilder } from '../../../shared/templates/builder';

/** Input [T=12] ids -> Embedding 100x8 -> `rnn` with return_state -> Dense 3 on state `state`. */
function encoder(rnn: string, config: Record<string, unknown>, state: number): Graph {
  const b = new GraphBuilder();
  const tokens = b.layer('InputLayer', { batch_input_shape: [null, 12] });
  const embedded = b.layer('Embedding', { input_dim: 100, output_dim: 8 }, [tokens]);
  const r = b.layer(rnn, { units: 5, return_state: true, ...config }, [embedded], 'encoder');
  b.layer('Dense', { units: 3, activation: 'softmax' }, [[r, state]], 'head');
  return b.build();
}

describe('return_state: the extra outputs of SimpleRNN, LSTM, GRU and Bidirectional', () => {
  it.each([
    ['LSTM', {}, ['out', 'h', 'c'], [[null, 5], [null, 5], [null, 5]]],
    ['LSTM', { return_sequences: true }, ['out', 'h', 'c'], [[null, 12, 5], [null, 5], [null, 5]]],
    ['GRU', {}, ['out', 'h'], [[null, 5], [null, 5]]],
    ['SimpleRNN', { return_sequences: true }, ['out', 'h'], [[null, 12, 5], [null, 5]]],
    ['Bidirectional', { layer: 'LSTM' }, ['out', 'h_fw', 'c_fw', 'h_bw', 'c_bw'], [[null, 10], [null, 5], [null, 5], [null, 5], [null, 5]]],
    ['Bidirectional', { layer: 'GRU', merge_mode: 'sum' }, ['out', 'h_fw', 'h_bw'], [[null, 5], [null, 5], [null, 5]]],
  ] as const)('%s %j names its outputs %j with shapes %j', (kind, config, names, shapes) => {
    const a = analyzeGraph(encoder(kind, config, 1));
    expect(a.errors).toEqual([]);
    expect(a.nodes['encoder']!.outputNames).toEqual(names);
    expect(a.nodes['encoder']!.outputShapes).toEqual(shapes);
    expect(a.nodes['encoder']!.outputShape).toEqual(shapes[0]);
    expect(a.nodes['head']!.inputShapes).toEqual([shapes[1]]);
  });

  it('keeps Keras param counts (return_state adds outputs, not weights)', () => {
    const withState = analyzeGraph(encoder('LSTM', {}, 2)).nodes['encoder']!.params;
    expect(withState).toEqual({ trainable: 4 * (5 * (8 + 5) + 5), nonTrainable: 0 });
  });

  it('a single-output layer has no output list, and return_state off has only `out`', () => {
    const lstm = requireLayerKind('LSTM');
    expect(lstm.outputNames!(lstm.defaults())).toEqual(['out']);
    const a = analyzeGraph(encoder('LSTM', {}, 1));
    expect(a.nodes['head']!.outputNames).toBeUndefined();
  });

  it('reports an edge from a state the layer no longer returns, naming the fix, and refuses it up front', () => {
    const g = encoder('LSTM', {}, 2);
    const off: Graph = { ...g, nodes: g.nodes.map((n) => (n.id === 'encoder' ? { ...n, config: { ...n.config, return_state: false } } : n)) };
    const a = analyzeGraph(off);
    expect(a.errors.map((e) => e.code)).toEqual(['no-such-output']);
    expect(a.nodes['head']!.errors[0]!.message).toBe(
      'head reads output 2 of encoder, which has 1 output (out); turn return_state on in encoder, or connect its first output instead.',
    );
    expect(a.nodes['head']!.inputShapes).toEqual([]);
    const gru = encoder('GRU', {}, 1);
    expect(canConnect({ ...gru, edges: gru.edges.filter((e) => e.target !== 'head') }, 'encoder', 'head', 2)).toMatchObject({ ok: false });
    expect(canConnect({ ...gru, edges: gru.edges.filter((e) => e.target !== 'head') }, 'encoder', 'head', 1)).toEqual({ ok: true });
  });

  it("compiles to a functional model whose inbound_nodes name the state's tensor index, and imports it back", () => {
    const g = encoder('LSTM', {}, 2);
    expect(isChain(g, analyzeGraph(g))).toBe(false);
    const spec = compileGraph(g);
    expect(spec.class_name).toBe('Functional');
    const head = spec.config.layers.find((l) => l.name === 'head')!;
    expect(head.inbound_nodes).toEqual([[['encoder', 0, 2, {}]]]);
    expect(spec.config.layers.find((l) => l.name === 'encoder')!.config['return_state']).toBe(true);
    const back = importModelJson(spec);
    expect(back.edges.find((e) => e.target === 'head')).toMatchObject({ source: 'encoder', sourceIndex: 2 });
    expect(compileGraph(back)).toEqual(spec);
  });

  it('imports the Keras 3 form (keras_history with a tensor index) and refuses an index the layer lacks', () => {
    const spec = compileGraph(encoder('GRU', {}, 1));
    const keras3 = structuredClone(spec);
    const head = keras3.config.layers.find((l) => l.name === 'head')!;
    head.inbound_nodes = [{ args: [{ class_name: '__keras_tensor__', config: { shape: [null, 5], dtype: 'float32', keras_history: ['encoder', 0, 1] } }], kwargs: {} }];
    expect(importModelJson(keras3).edges.find((e) => e.target === 'head')).toMatchObject({ sourceIndex: 1 });
    const bad = structuredClone(spec);
    bad.config.layers.find((l) => l.name === 'head')!.inbound_nodes = [[['encoder', 0, 2, {}]]];
    expect(() => importModelJson(bad)).toThrow(ModelImportError);
    expect(() => importModelJson(bad)).toThrow("Layer 'head' reads output 2 of 'encoder', which has 2 outputs (out, h)");
  });

  it("prints Keras' summary: the list of output shapes and [0][i] in Connected to", () => {
    const text = formatSummary(summaryTable(encoder('LSTM', {}, 1)));
    // The shape column widens so the list does not run into the parameter count.
    expect(text).toMatch(/\[\(None, 5\), \(None, 5\), \(None, 5\)\] {2,}\d/);
    expect(text).toContain('encoder[0][1]');
  });
});
