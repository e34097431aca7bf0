import { getLayerKind, layerKinds } from '../layers/registry';
import type { Shape } from '../layers/types';
import { jsonSyntaxProblem } from '../json-bounds';
import { analyzeGraph } from './analyze';
import { layoutGraph } from './layout';
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
function topology(input: unknown): Json {
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

function layerNode(layer: unknown, fallbackName: string): GraphNode {
  if (!isObject(layer) || typeof layer['class_name'] !== 'string') {
    throw new ModelImportError(`Layer ${fallbackName} has no class_name; is this a Keras model config?`);
  }
  const className = layer['class_name'];
  const kerasConfig = isObject(layer['config']) ? layer['config'] : {};
  const name = typeof kerasConfig['name'] === 'string' ? kerasConfig['name'] : typeof layer['name'] === 'string' ? layer['name'] : fallbackName;
  const kind = getLayerKind(className);
  if (!kind) {
    throw new ModelImportError(
      `Layer '${name}' is a ${className}, which Layerlab does not support. ` +
        `Supported layers: ${layerKinds.map((k) => k.className).join(', ')}.`,
    );
  }
  return { id: name, kind: className, name, config: kind.fromKerasConfig(kerasConfig) };
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

function importSequential(config: unknown): Graph {
  const layers = Array.isArray(config) ? config : isObject(config) && Array.isArray(config['layers']) ? config['layers'] : null;
  if (!layers || layers.length === 0) throw new ModelImportError('The Sequential model has no layers.');
  const nodes = layers.map((l, i) => layerNode(l, `layer_${i}`));
  if (nodes[0]!.kind !== 'InputLayer') {
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
  return { nodes, edges };
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

function importFunctional(config: Json): Graph {
  const layers = config['layers'];
  if (!Array.isArray(layers) || layers.length === 0) throw new ModelImportError('The functional model has no layers.');
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const names = new Set<string>();
  layers.forEach((layer, i) => {
    const node = layerNode(layer, `layer_${i}`);
    nodes.push(node);
    names.add(node.name);
    const inbound = (layer as Json)['inbound_nodes'];
    if (!Array.isArray(inbound) || inbound.length === 0) return;
    if (inbound.length > 1) {
      throw new ModelImportError(`Layer '${node.name}' is applied ${inbound.length} times (a shared layer); Layerlab graphs use each layer once.`);
    }
    tensorRefs(inbound[0]).forEach(([source, nodeIndex, tensorIndex], targetIndex) => {
      if (nodeIndex !== 0 || tensorIndex !== 0) {
        throw new ModelImportError(`Layer '${node.name}' reads output ${nodeIndex}/${tensorIndex} of '${source}' (a shared or multi-output layer); not supported.`);
      }
      edges.push({ id: `${source}->${node.id}#${targetIndex}`, source, target: node.id, targetIndex });
    });
  });
  for (const e of edges) {
    if (!names.has(e.source)) throw new ModelImportError(`Layer '${e.target}' is fed by '${e.source}', which is not in the model.`);
  }
  return { nodes, edges };
}

/**
 * Reads a Keras model config (tf.keras `to_json()`, Keras 3, or TF.js `model.toJSON()` / model.json) into a
 * graph with node ids equal to layer names, laid out top to bottom. Throws ModelImportError for anything else.
 */
export function importModelJson(json: unknown): Graph {
  const topo = topology(json);
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
