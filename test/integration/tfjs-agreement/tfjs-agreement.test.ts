import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../shared/graph/analyze';
import { compileGraph } from '../../../shared/graph/compile';
import { importModelJson } from '../../../shared/graph/import';
import type { Graph, ModelSpec } from '../../../shared/graph/types';
import { showShape } from '../../../shared/layers/conv-arithmetic';
import { templates } from '../../../shared/templates/registry';
import { GraphBuilder } from '../../../shared/templates/builder';
import { layerCases, type LayerCase } from '../../support/layer-cases';
import { randomGraph } from '../../support/random-graph';
// The engine's registrations (SpatialDropout2D, which tfjs lacks, and its Conv2D): the classes training uses.
import { registerCustomLayers } from '../../../main/engine/layers/index';

beforeAll(async () => {
  await tf.setBackend('cpu');
  registerCustomLayers();
});

function weightCount(weights: tf.LayerVariable[]): number {
  return weights.reduce((sum, w) => sum + w.shape.reduce<number>((a, d) => a * (d ?? 0), 1), 0);
}

/** Builds the model in tfjs from our JSON and checks every layer's output shape and weights against analyzeGraph. */
async function expectAgreement(graph: Graph): Promise<tf.LayersModel> {
  const analysis = analyzeGraph(graph);
  expect(analysis.errors).toEqual([]);
  const spec = compileGraph(graph);
  const model = await tf.models.modelFromJSON({ modelTopology: spec as unknown as tf.io.ModelJSON['modelTopology'] });
  let trainable = 0;
  let nonTrainable = 0;
  for (const node of graph.nodes) {
    const info = analysis.nodes[node.id]!;
    if (node.kind === 'InputLayer') {
      const input = model.inputs.find((t) => t.name.startsWith(node.name)) ?? model.inputs[0]!;
      expect(input.shape, `${node.name} shape`).toEqual(info.outputShape);
      continue;
    }
    const layer = model.getLayer(node.name);
    expect(layer.getClassName(), node.name).toBe(node.kind);
    // A multi-output layer (return_state): tfjs gives the list of its outputs' shapes.
    expect(layer.outputShape, `${node.name} (${node.kind}) output shape`).toEqual(info.outputShapes ?? info.outputShape);
    expect(
      { trainable: weightCount(layer.trainableWeights), nonTrainable: weightCount(layer.nonTrainableWeights) },
      `${node.name} (${node.kind}) params`,
    ).toEqual(info.params);
    trainable += info.params!.trainable;
    nonTrainable += info.params!.nonTrainable;
  }
  expect(model.countParams()).toBe(analysis.totals.total);
  expect({ trainable, nonTrainable }).toEqual({ trainable: analysis.totals.trainable, nonTrainable: analysis.totals.nonTrainable });
  return model;
}

/** Layer order in a functional config only has to be topological; tfjs writes its own, so compare by name. */
function byName(spec: ModelSpec): ModelSpec {
  const layers = [...spec.config.layers].sort((a, b) => String(a.config['name']).localeCompare(String(b.config['name'])));
  return { ...spec, config: { ...spec.config, layers } };
}

/**
 * compile -> tfjs model -> model.toJSON() -> importModelJson -> compile must give the same model JSON.
 * Known tfjs loss: its SeparableConv2D.getConfig drops depth_multiplier, so such layers are only checked with 1.
 */
function expectStableRoundTrip(graph: Graph, model: tf.LayersModel): void {
  const spec = compileGraph(graph);
  const exported = model.toJSON(null, false) as unknown as ModelSpec;
  const reimported = importModelJson(exported);
  expect(byName(compileGraph(reimported, { name: spec.config.name }))).toEqual(byName(spec));
}

function dropsInTfjs(graph: Graph): boolean {
  return graph.nodes.some((n) => n.kind === 'SeparableConv2D' && n.config['depth_multiplier'] !== 1);
}

function singleLayerGraph(c: LayerCase): Graph {
  const b = new GraphBuilder();
  if (c.kind === 'InputLayer') {
    b.layer('InputLayer', c.config);
    return b.build();
  }
  const inputs = c.inputs.map((shape) => b.layer('InputLayer', { batch_input_shape: shape }));
  b.layer(c.kind, c.config, inputs);
  return b.build();
}

describe('every layer kind agrees with tfjs-layers 4.22', () => {
  it.each(layerCases.map((c) => [`${c.kind} ${JSON.stringify(c.config)} input=${c.inputs.map(showShape).join(' ')}`, c] as const))(
    '%s',
    async (_title, c) => {
      const graph = singleLayerGraph(c);
      const model = await expectAgreement(graph);
      if (!dropsInTfjs(graph)) expectStableRoundTrip(graph, model);
      model.dispose();
    },
  );
});

describe('templates agree with tfjs', () => {
  it.each(templates.map((t) => [t.id, t] as const))('%s', async (_id, t) => {
    const model = await expectAgreement(t.graph);
    expectStableRoundTrip(t.graph, model);
    model.dispose();
  });
});

describe('random valid graphs agree with tfjs', () => {
  const seeds = Array.from({ length: 30 }, (_, i) => i + 1);
  it.each(seeds.map((seed) => [seed % 3 === 0 ? 'chain' : 'dag', seed] as const))('%s seed=%i', async (shape, seed) => {
    const graph = randomGraph(seed, { dag: shape === 'dag', layers: shape === 'dag' ? 12 : 7 });
    const model = await expectAgreement(graph);
    if (!dropsInTfjs(graph)) expectStableRoundTrip(graph, model);
    model.dispose();
  });
});

describe('multi-output layers (return_state) agree with tfjs', () => {
  it('reads each state of LSTM, GRU and Bidirectional by its tensor index, and round-trips through tfjs JSON', async () => {
    const b = new GraphBuilder();
    const tokens = b.layer('InputLayer', { batch_input_shape: [null, 10] });
    const embedded = b.layer('Embedding', { input_dim: 50, output_dim: 8 }, [tokens]);
    const lstm = b.layer('LSTM', { units: 6, return_state: true }, [embedded]);
    b.layer('Dense', { units: 4 }, [[lstm, 1]], 'dense_on_h');
    // Not output 0 too: tfjs would dispose the tensor out and h share (shared/graph/tfjs-state-outputs.ts, tested there).
    b.layer('Concatenate', {}, [[lstm, 1], [lstm, 2]], 'h_and_c');
    const bi = b.layer('Bidirectional', { layer: 'GRU', units: 3, return_state: true, return_sequences: true }, [embedded]);
    b.layer('Dense', { units: 2 }, [[bi, 2]], 'dense_on_backward_h');
    const graph = b.build();
    const analysis = analyzeGraph(graph);
    expect(analysis.nodes['h_and_c']!.outputShape).toEqual([null, 12]);
    expect(analysis.nodes['dense_on_backward_h']!.inputShapes).toEqual([[null, 3]]);
    const spec = compileGraph(graph);
    const dense = spec.config.layers.find((l) => l.name === 'dense_on_h')!;
    expect(dense.inbound_nodes).toEqual([[['lstm', 0, 1, {}]]]);
    const model = await expectAgreement(graph);
    expectStableRoundTrip(graph, model);
    const outs = model.predict(tf.ones([2, 10])) as tf.Tensor[];
    expect(outs.map((t) => t.shape)).toEqual([
      [2, 4],
      [2, 12],
      [2, 2],
    ]);
    tf.dispose(outs);
    model.dispose();
  });
});
