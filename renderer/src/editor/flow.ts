import type { Graph, GraphAnalysis } from '../../../shared/graph/types';
import { getLayerKind } from '../lib/core';
import { formatShape } from '../lib/format';
import type { LayerFlowNode, LayerNodeData, ShapeFlowEdge } from './types';

/**
 * Turns the Graph and its analysis into Svelte Flow nodes and edges. Unchanged nodes keep their previous object
 * (and so Svelte Flow's measured size and internals), which keeps an edit on a 300-node graph cheap.
 */
function sameData(a: LayerNodeData, b: LayerNodeData): boolean {
  return (
    a.name === b.name &&
    a.kind === b.kind &&
    a.shape === b.shape &&
    a.params === b.params &&
    a.inputCount === b.inputCount &&
    a.errors.length === b.errors.length &&
    a.errors.every((e, i) => e === b.errors[i])
  );
}

export function buildNodes(
  graph: Graph,
  analysis: GraphAnalysis,
  selected: ReadonlySet<string>,
  previous: readonly LayerFlowNode[],
): LayerFlowNode[] {
  const prev = new Map(previous.map((n) => [n.id, n]));
  const inputs = new Map<string, number>();
  for (const e of graph.edges) inputs.set(e.target, (inputs.get(e.target) ?? 0) + 1);
  return graph.nodes.map((n) => {
    const kind = getLayerKind(n.kind);
    const a = analysis.nodes[n.id];
    const data: LayerNodeData = {
      name: n.name,
      kind: n.kind,
      category: kind?.category ?? 'Core',
      shape: a?.outputShape ? formatShape(a.outputShape) : null,
      params: a?.params ? a.params.trainable + a.params.nonTrainable : null,
      errors: (a?.errors ?? []).map((e) => e.message),
      acceptsInputs: (kind?.inputs.max ?? 1) > 0,
      inputCount: inputs.get(n.id) ?? 0,
      multiInput: (kind?.inputs.max ?? 1) > 1,
    };
    const position = n.position ?? { x: 0, y: 0 };
    const isSelected = selected.has(n.id);
    const old = prev.get(n.id);
    if (
      old &&
      sameData(old.data, data) &&
      old.position.x === position.x &&
      old.position.y === position.y &&
      Boolean(old.selected) === isSelected
    ) {
      return old;
    }
    return { ...old, id: n.id, type: 'layer', position, data: old && sameData(old.data, data) ? old.data : data, selected: isSelected };
  });
}

export function buildEdges(
  graph: Graph,
  analysis: GraphAnalysis,
  previous: readonly ShapeFlowEdge[],
): ShapeFlowEdge[] {
  const prev = new Map(previous.map((e) => [e.id, e]));
  return graph.edges.map((e) => {
    const shape = analysis.nodes[e.source]?.outputShape;
    const label = shape ? formatShape(shape) : null;
    const old = prev.get(e.id);
    if (old && old.data?.label === label && old.source === e.source && old.target === e.target) return old;
    return { id: e.id, source: e.source, target: e.target, type: 'shape', data: { label }, selected: old?.selected };
  });
}
