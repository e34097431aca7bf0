import { requireLayerKind } from '../layers/registry';
import { analyzeGraph, inboundEdges } from './analyze';
import { nestedSpec } from './compile-nested';
import type { Graph, GraphAnalysis, GraphNode, GraphError, KerasLayerJson, ModelSpec } from './types';

/** Thrown by compileGraph for an invalid graph; `errors` holds every problem, the message lists them. */
export class GraphCompileError extends Error {
  override name = 'GraphCompileError';
  constructor(readonly errors: GraphError[]) {
    super(`The model cannot be compiled (${errors.length} problem${errors.length === 1 ? '' : 's'}):\n${errors.map((e) => `- ${e.message}`).join('\n')}`);
  }
}

export interface CompileOptions {
  /** Model name in the JSON; defaults to 'sequential' or 'model' as Keras names them. */
  name?: string;
  /** Force the functional form even for a chain (the Sequential form is what Keras writes for chains). */
  functional?: boolean;
  /**
   * Write each group (a nested model) back as a nested Functional model (compile-nested.ts), for export. Without
   * it the layers are written flat, as training builds them (frozen groups' layers with trainable: false).
   */
  nested?: boolean;
}

/** Version stamp as tfjs writes it; tf.keras and Keras 3 ignore it when reading. */
const KERAS_VERSION = 'tfjs-layers 4.22.0';
const BACKEND = 'tensor_flow.js';

/** InputLayer has no trainable flag anywhere; Keras 3's SpatialDropout2D refuses one (no **kwargs). */
const NO_TRAINABLE_FLAG = new Set(['InputLayer', 'SpatialDropout2D']);

/** A chain: one Input, every layer with at most one input and one consumer, all in one line. */
export function isChain(graph: Graph, analysis: GraphAnalysis): boolean {
  if (analysis.inputs.length !== 1 || analysis.outputs.length !== 1) return false;
  const fanOut = new Map<string, number>();
  for (const e of graph.edges) fanOut.set(e.source, (fanOut.get(e.source) ?? 0) + 1);
  const inbound = inboundEdges(graph);
  // Sequential hands a layer's whole output list to the next layer: a multi-output layer needs the functional form.
  if (Object.values(analysis.nodes).some((n) => n.outputShapes)) return false;
  return graph.nodes.every((n) => (fanOut.get(n.id) ?? 0) <= 1 && inbound.get(n.id)!.length <= (n.kind === 'InputLayer' ? 0 : 1));
}

function layerConfig(
  byId: Map<string, GraphNode>,
  analysis: GraphAnalysis,
  id: string,
): { class_name: string; config: Record<string, unknown> } {
  const node = byId.get(id)!;
  const kind = requireLayerKind(node.kind);
  const config = kind.exportConfig ? kind.exportConfig(node.config, analysis.nodes[id]!.inputShapes) : node.config;
  // A frozen nested model's layers (node.group) are built frozen: fit leaves their weights as they are.
  const trainable = NO_TRAINABLE_FLAG.has(kind.className) ? {} : { trainable: node.group?.trainable !== false };
  return { class_name: kind.className, config: { name: node.name, ...trainable, ...kind.toKerasConfig(config) } };
}

/**
 * The Keras model-config JSON of a valid graph (what tfjs `model.toJSON()` writes and `tf.models.modelFromJSON`,
 * `tf.keras.models.model_from_json` read): Sequential for a chain, Functional with inbound_nodes otherwise.
 * Throws GraphCompileError listing every problem when the graph is invalid.
 */
export function compileGraph(graph: Graph, options: CompileOptions = {}): ModelSpec {
  const analysis = analyzeGraph(graph);
  if (!analysis.valid) throw new GraphCompileError(analysis.errors);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  if (options.nested && graph.nodes.some((n) => n.group)) {
    return nestedSpec(graph, analysis, (id) => layerConfig(byId, analysis, id), { keras_version: KERAS_VERSION, backend: BACKEND }, options.name ?? 'model');
  }

  if (!options.functional && isChain(graph, analysis)) {
    return {
      module: 'keras',
      class_name: 'Sequential',
      config: { name: options.name ?? 'sequential', layers: analysis.order.map((id) => layerConfig(byId, analysis, id)) },
      keras_version: KERAS_VERSION,
      backend: BACKEND,
    };
  }

  const inbound = inboundEdges(graph);
  const layers: KerasLayerJson[] = analysis.order.map((id) => {
    const { class_name, config } = layerConfig(byId, analysis, id);
    const sources = inbound.get(id)!.map((e) => [byId.get(e.source)!.name, 0, e.sourceIndex ?? 0, {}]);
    return { name: byId.get(id)!.name, class_name, config, inbound_nodes: sources.length > 0 ? [sources] : [] };
  });
  const ref = (id: string): [string, number, number] => [byId.get(id)!.name, 0, 0];
  return {
    module: 'keras.src.models.functional',
    class_name: 'Functional',
    config: {
      name: options.name ?? 'model',
      layers,
      input_layers: analysis.inputs.map(ref),
      output_layers: analysis.outputs.map(ref),
    },
    keras_version: KERAS_VERSION,
    backend: BACKEND,
  };
}
