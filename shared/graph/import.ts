import { getLayerKind, layerKinds } from '../layers/registry';
import type { Shape } from '../layers/types';
import { jsonSyntaxProblem } from '../json-bounds';
import { analyzeGraph, outputNamesOf } from './analyze';
import { layoutGraph } from './layout';
import { describeNested, isNestedModel, spliceNested, type NestedModel } from './nested';
import type { Graph, GraphEdge, GraphNode } from './types';

/** The JSON is not a model we can read; the message says what is wrong and what would be accepted. */
export class ModelImportError extends Error {
  override name = 'ModelImportError';
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Unwraps a TF.js model.json ({modelTopology}) and the Keras converter's {model_config} envelope. */
export function modelTopology(input: unknown): Json {
  let value = input;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch (err) {
      throw new ModelImportError(`The model file is not valid JSON (${jsonSyntaxProblem(err)}).`);
    }
  }
  for (let i = 0; i < 3 && isObject(value); i++) {
    if (isObject(value['modelTopology'])) value = value['modelTopology'];
    else if (isObject(value['model_config'])) value = value['model_config'];
    else break;
  }
  if (!isObject(value) || typeof value['class_name'] !== 'string') {
    throw new ModelImportError(
      'Expected a Keras model config (an object with class_name "Sequential", "Functional" or "Model", as written by ' +
        'tf.keras to_json() or TF.js model.toJSON()), or a TF.js model.json with a modelTopology.',
    );
  }
  return value;
}

/** Why a layer class Layerlab cannot represent is refused, where there is more to say than "unsupported". */
const REFUSAL_REASONS: Record<string, string> = {
  Lambda: 'it holds Python code, which only Python can run; rewrite it with built-in layers',
  TFOpLambda: 'it is a raw TensorFlow op recorded from Python code; rewrite it with built-in layers',
  Sequential: 'it is a model used as a layer but lists no layers; save the model after building it',
  Functional: 'it is a model used as a layer but lists no layers; save the model after building it',
  Model: 'it is a model used as a layer but lists no layers; save the model after building it',
};

function layerName(layer: Json, fallbackName: string): string {
  const kerasConfig = isObject(layer['config']) ? layer['config'] : {};
  return typeof kerasConfig['name'] === 'string' ? kerasConfig['name'] : typeof layer['name'] === 'string' ? layer['name'] : fallbackName;
}

/** Every layer class of the file that Layerlab lacks, nested models' included, in one message (not just the first), with reasons. */
function refuseUnsupported(layers: unknown[]): void {
  const byClass = new Map<string, string[]>();
  const visit = (list: unknown[]): void =>
    list.forEach((layer, i) => {
      if (isNestedModel(layer)) return visit(layer.config.layers);
      if (!isObject(layer) || typeof layer['class_name'] !== 'string' || getLayerKind(layer['class_name'])) return;
      const names = byClass.get(layer['class_name']) ?? [];
      names.push(layerName(layer, `layer_${i}`));
      byClass.set(layer['class_name'], names);
    });
  visit(layers);
  if (byClass.size === 0) return;
  const lines = [...byClass].map(([cls, names]) => {
    const shown = names.slice(0, 3).map((n) => `'${n}'`).join(', ') + (names.length > 3 ? ` and ${names.length - 3} more` : '');
    return `- ${cls} (${shown})${REFUSAL_REASONS[cls] ? `: ${REFUSAL_REASONS[cls]}` : ''}`;
  });
  throw new ModelImportError(
    `The model uses ${byClass.size} layer class${byClass.size === 1 ? '' : 'es'} Layerlab does not support:\n${lines.join('\n')}\n` +
      `Supported layers: ${layerKinds.map((k) => k.className).join(', ')}.`,
  );
}

function layerNode(layer: unknown, fallbackName: string): GraphNode {
  if (!isObject(layer) || typeof layer['class_name'] !== 'string') {
    throw new ModelImportError(`Layer ${fallbackName} has no class_name; is this a Keras model config?`);
  }
  const className = layer['class_name'];
  const kerasConfig = isObject(layer['config']) ? layer['config'] : {};
  const name = layerName(layer, fallbackName);
  const kind = getLayerKind(className);
  if (!kind) refuseUnsupported([layer]);
  return { id: name, kind: className, name, config: kind!.fromKerasConfig(kerasConfig) };
}

/** The batch shape a Sequential model's first layer declares when there is no InputLayer. */
function declaredBatchShape(kerasConfig: Json): Shape | null {
  const batch = kerasConfig['batch_input_shape'] ?? kerasConfig['batch_shape'];
  if (Array.isArray(batch)) return [...batch] as Shape;
  if (Array.isArray(kerasConfig['input_shape'])) return [null, ...(kerasConfig['input_shape'] as Shape)];
  return null;
}

function uniqueName(base: string, used: Set<string>): string {
  let name = base;
  for (let i = 1; used.has(name); i++) name = `${base}_${i}`;
  return name;
}

/** A nested model's layer stands in for it until spliceNested puts its layers in its place. */
function placeholder(layer: unknown, fallbackName: string, nested: Map<string, NestedModel>): GraphNode | null {
  if (!isNestedModel(layer)) return null;
  const name = layerName(layer as Json, fallbackName);
  const graph = layer.class_name === 'Sequential' ? importSequential(layer.config) : importFunctional(layer.config);
  const fail = (message: string): never => {
    throw new ModelImportError(message);
  };
  nested.set(name, describeNested(name, layer.class_name, layer.config, graph, fail));
  return { id: name, kind: layer.class_name, name, config: {} };
}

function importSequential(config: unknown): Graph {
  const layers = Array.isArray(config) ? config : isObject(config) && Array.isArray(config['layers']) ? config['layers'] : null;
  if (!layers || layers.length === 0) throw new ModelImportError('The Sequential model has no layers.');
  refuseUnsupported(layers);
  const nested = new Map<string, NestedModel>();
  const nodes = layers.map((l, i) => placeholder(l, `layer_${i}`, nested) ?? layerNode(l, `layer_${i}`));
  // A nested model first brings its own Input.
  if (nodes[0]!.kind !== 'InputLayer' && !nested.has(nodes[0]!.id)) {
    const first = layers[0] as Json;
    const shape = declaredBatchShape(isObject(first['config']) ? first['config'] : {});
    if (!shape) {
      throw new ModelImportError(
        `The first layer '${nodes[0]!.name}' declares no input shape (batch_input_shape); save the model after building it, or add an Input.`,
      );
    }
    const name = uniqueName('input_layer', new Set(nodes.map((n) => n.name)));
    nodes.unshift({ id: name, kind: 'InputLayer', name, config: { batch_input_shape: shape, dtype: 'float32' } });
  }
  const edges: GraphEdge[] = nodes.slice(1).map((n, i) => ({ id: `${nodes[i]!.id}->${n.id}`, source: nodes[i]!.id, target: n.id }));
  return spliceNested({ nodes, edges }, nested);
}

/** One inbound tensor reference as [layerName, nodeIndex, tensorIndex], from the Keras 2/tfjs or Keras 3 format. */
function tensorRefs(inboundNode: unknown): [string, number, number][] {
  if (Array.isArray(inboundNode)) {
    return inboundNode.map((ref) => {
      if (!Array.isArray(ref) || typeof ref[0] !== 'string') throw new ModelImportError(`Unreadable inbound node ${JSON.stringify(ref)}.`);
      return [ref[0], Number(ref[1] ?? 0), Number(ref[2] ?? 0)];
    });
  }
  if (isObject(inboundNode) && Array.isArray(inboundNode['args'])) {
    const refs: [string, number, number][] = [];
    const visit = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(visit);
      else if (isObject(v) && isObject(v['config']) && Array.isArray(v['config']['keras_history'])) {
        const [layer, node, tensor] = v['config']['keras_history'] as [string, number, number];
        refs.push([layer, node, tensor]);
      }
    };
    visit(inboundNode['args']);
    return refs;
  }
  throw new ModelImportError(`Unreadable inbound node ${JSON.stringify(inboundNode)}.`);
}

/** A tensor index > 0 names an extra output (an LSTM's state with return_state): the source must have it. */
function requireOutput(nodes: GraphNode[], source: string, tensorIndex: number, reader: string): void {
  const node = nodes.find((n) => n.name === source);
  const kind = node && getLayerKind(node.kind);
  const names = kind && node ? outputNamesOf(kind, node.config) : ['out'];
  if (tensorIndex >= names.length) {
    throw new ModelImportError(
      `Layer '${reader}' reads output ${tensorIndex} of '${source}', which has ${names.length === 1 ? 'one output' : `${names.length} outputs (${names.join(', ')})`}; ` +
        'only recurrent layers with return_state have more than one here.',
    );
  }
}

function importFunctional(config: Json): Graph {
  const layers = config['layers'];
  if (!Array.isArray(layers) || layers.length === 0) throw new ModelImportError('The functional model has no layers.');
  refuseUnsupported(layers);
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const names = new Set<string>();
  const nested = new Map<string, NestedModel>();
  layers.forEach((layer, i) => {
    const node = placeholder(layer, `layer_${i}`, nested) ?? layerNode(layer, `layer_${i}`);
    nodes.push(node);
    names.add(node.name);
    const inbound = (layer as Json)['inbound_nodes'];
    if (!Array.isArray(inbound) || inbound.length === 0) return;
    if (inbound.length > 1) {
      throw new ModelImportError(`Layer '${node.name}' is applied ${inbound.length} times (a shared layer); Layerlab graphs use each layer once.`);
    }
    tensorRefs(inbound[0]).forEach(([source, nodeIndex, tensorIndex], targetIndex) => {
      // A nested Sequential built with its own input has node 0 inside itself: its call in this model is node 1.
      if (nodeIndex !== 0 && !nested.has(source)) {
        throw new ModelImportError(`Layer '${node.name}' reads call ${nodeIndex} of '${source}' (a shared layer, applied more than once); Layerlab graphs use each layer once.`);
      }
      if (tensorIndex !== 0) requireOutput(nodes, source, tensorIndex, node.name);
      edges.push({ id: `${source}->${node.id}#${targetIndex}`, source, target: node.id, targetIndex, ...(tensorIndex !== 0 ? { sourceIndex: tensorIndex } : {}) });
    });
  });
  for (const e of edges) {
    if (!names.has(e.source)) throw new ModelImportError(`Layer '${e.target}' is fed by '${e.source}', which is not in the model.`);
  }
  return spliceNested({ nodes, edges }, nested);
}

/**
 * Reads a Keras model config (tf.keras `to_json()`, Keras 3, or TF.js `model.toJSON()` / model.json) into a
 * graph with node ids equal to layer names, laid out top to bottom. Throws ModelImportError for anything else.
 */
export function importModelJson(json: unknown): Graph {
  const topo = modelTopology(json);
  const className = topo['class_name'];
  const graph =
    className === 'Sequential'
      ? importSequential(topo['config'])
      : className === 'Functional' || className === 'Model'
        ? importFunctional(isObject(topo['config']) ? topo['config'] : {})
        : null;
  if (!graph) {
    throw new ModelImportError(`Unsupported model class '${String(className)}'; expected Sequential, Functional or Model.`);
  }
  return layoutGraph(canonical(graph));
}

/** Rewrites shape-dependent spellings (axis 3 of a 4-D input is -1) so that imports compare equal to exports. */
function canonical(graph: Graph): Graph {
  const analysis = analyzeGraph(graph);
  return {
    nodes: graph.nodes.map((node) => {
      const kind = getLayerKind(node.kind);
      const info = analysis.nodes[node.id];
      if (!kind?.canonicalConfig || !info || info.inputShapes.length === 0) return node;
      return { ...node, config: kind.canonicalConfig(node.config, info.inputShapes) };
    }),
    edges: graph.edges,
  };
}
