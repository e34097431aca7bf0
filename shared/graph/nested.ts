/**
 * Nested models on import (issue 17): a Keras model used as a layer of another (a keras.applications backbone in a
 * Sequential, every Teachable Machine export) becomes a group of the outer graph. Its layers join the outer graph
 * as nodes tagged with the group (NodeGroup), its Input layers give way to the tensors that fed the nested model,
 * and whatever read the nested model's output reads its output layer. The group is one block in the editor and a
 * nested model again on export (groups.ts).
 */
import type { Graph, GraphEdge, GraphNode, NodeGroup } from './types';

type Json = Record<string, unknown>;

export const NESTED_MODEL_CLASSES = new Set(['Sequential', 'Functional', 'Model']);

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A layer entry that is a whole model (its config lists layers). */
export function isNestedModel(layer: unknown): layer is { class_name: string; config: Json & { layers: unknown[] } } {
  const config = isObject(layer) ? layer['config'] : null;
  return isObject(layer) && typeof layer['class_name'] === 'string' && NESTED_MODEL_CLASSES.has(layer['class_name']) && isObject(config) && Array.isArray(config['layers']) && config['layers'].length > 0;
}

/** The nested model read on its own: its graph, its Input nodes in input order, and its one output node. */
export interface NestedModel {
  name: string;
  group: NodeGroup;
  graph: Graph;
  inputs: string[];
  output: string;
}

/** Names the nested model's inputs and output from its config (Functional) or its layer order (Sequential). */
export function describeNested(name: string, className: string, config: Json, graph: Graph, fail: (message: string) => never): NestedModel {
  const model = className === 'Sequential' ? 'Sequential' : 'Functional';
  const refs = (key: string): string[] => {
    const value = config[key];
    if (!Array.isArray(value)) return [];
    // Keras 2 / tfjs: [[name, 0, 0], ...]; Keras 3 may write a single [name, 0, 0] for one tensor.
    const list = typeof value[0] === 'string' ? [value] : value;
    return list.filter(Array.isArray).map((r) => String((r as unknown[])[0]));
  };
  const inputNodes = graph.nodes.filter((n) => n.kind === 'InputLayer').map((n) => n.id);
  const inputs = model === 'Sequential' ? inputNodes.slice(0, 1) : refs('input_layers');
  const outputs = model === 'Sequential' ? [graph.nodes[graph.nodes.length - 1]!.id] : refs('output_layers');
  if (inputs.length === 0) fail(`The nested model '${name}' declares no input; save it after building it.`);
  if (outputs.length !== 1) {
    fail(`The nested model '${name}' has ${outputs.length} outputs; Layerlab imports nested models with exactly one output.`);
  }
  for (const id of [...inputs, ...outputs]) {
    if (!graph.nodes.some((n) => n.id === id)) fail(`The nested model '${name}' names '${id}' as an input or output, but has no such layer.`);
  }
  // Keras writes a frozen nested model as trainable: false on the model (Keras 3) or on each of its layers (tf.keras
  // 2 sets it recursively); tfjs writes neither, so its nested models arrive trainable.
  const layers = (config['layers'] as unknown[]).filter((l) => isObject(l) && l['class_name'] !== 'InputLayer');
  const everyFrozen = layers.length > 0 && layers.every((l) => isObject((l as Json)['config']) && ((l as Json)['config'] as Json)['trainable'] === false);
  const trainable = config['trainable'] !== false && !everyFrozen;
  return { name, group: { id: name, model, trainable }, graph, inputs, output: outputs[0]! };
}

function uniqueName(base: string, used: Set<string>): string {
  let name = base;
  for (let i = 1; used.has(name); i++) name = `${base}_${i}`;
  used.add(name);
  return name;
}

/**
 * Replaces each placeholder node (id = a nested model's name) by the nested model's layers. Inner names that clash
 * with the outer model's get a suffix; a nested model fed by nothing (the first layer of a Sequential) keeps its
 * own Input layers as the model's inputs.
 */
export function spliceNested(outer: Graph, nested: Map<string, NestedModel>): Graph {
  if (nested.size === 0) return outer;
  const used = new Set(outer.nodes.filter((n) => !nested.has(n.id)).map((n) => n.id));
  const nodes: GraphNode[] = [];
  let edges: GraphEdge[] = outer.edges.filter((e) => !nested.has(e.target));
  const outputOf = new Map<string, string>();
  for (const node of outer.nodes) {
    const inner = nested.get(node.id);
    if (!inner) {
      nodes.push(node);
      continue;
    }
    const feeding = outer.edges.filter((e) => e.target === node.id).sort((a, b) => (a.targetIndex ?? 0) - (b.targetIndex ?? 0));
    const keepInputs = feeding.length === 0;
    const rename = new Map(inner.graph.nodes.map((n) => [n.id, keepInputs || !inner.inputs.includes(n.id) ? uniqueName(n.id, used) : n.id]));
    for (const n of inner.graph.nodes) {
      if (!keepInputs && inner.inputs.includes(n.id)) continue;
      const id = rename.get(n.id)!;
      // The outermost nested model is the group: a user freezes a backbone as a whole.
      nodes.push({ ...n, id, name: id, ...(n.kind === 'InputLayer' ? {} : { group: inner.group }) });
    }
    for (const e of inner.graph.edges) {
      const at = inner.inputs.indexOf(e.source);
      const target = rename.get(e.target)!;
      if (at >= 0 && !keepInputs) {
        const source = feeding[at]?.source;
        if (!source) throw new Error(`the nested model '${inner.name}' takes ${inner.inputs.length} inputs but is fed ${feeding.length}`);
        edges.push({ id: `${source}->${target}#${e.targetIndex ?? 0}`, source, target, ...(e.targetIndex !== undefined ? { targetIndex: e.targetIndex } : {}) });
      } else {
        const source = rename.get(e.source)!;
        edges.push({ ...e, id: `${source}->${target}#${e.targetIndex ?? 0}`, source, target });
      }
    }
    outputOf.set(node.id, rename.get(inner.output)!);
  }
  edges = edges.map((e) => {
    const source = outputOf.get(e.source);
    return source ? { ...e, id: `${source}->${e.target}#${e.targetIndex ?? 0}`, source } : e;
  });
  return { nodes, edges };
}
