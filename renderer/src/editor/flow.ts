import type { Graph } from '../../../shared/graph/types';
import { getLayerKind } from '../lib/core';
import type { DisplayEdge } from './groupView';
import { outputHandleId } from './outputHandles';
import type { LayerFlowNode, LayerNodeData, ShapeFlowEdge } from './types';

/** The previous array itself when nothing changed, so that Svelte Flow sees no update at all (config edits). */
function reuse<T>(next: T[], previous: readonly T[]): T[] {
  return next.length === previous.length && next.every((x, i) => x === previous[i]) ? (previous as T[]) : next;
}

/**
 * Turns the Graph into Svelte Flow nodes. Unchanged nodes keep their previous object (and so Svelte Flow's
 * measured size and internals), which keeps an edit on a 300-node graph cheap.
 */
export function buildNodes(
  graph: Pick<Graph, 'nodes'>,
  selected: ReadonlySet<string>,
  previous: readonly LayerFlowNode[],
): LayerFlowNode[] {
  const prev = new Map(previous.map((n) => [n.id, n]));
  const next = graph.nodes.map((n): LayerFlowNode => {
    const position = n.position ?? { x: 0, y: 0 };
    const isSelected = selected.has(n.id);
    const old = prev.get(n.id);
    // Checked before building anything: most edits leave most nodes as they were.
    const sameData = old !== undefined && old.data.name === n.name && old.data.kind === n.kind;
    if (sameData && old.position.x === position.x && old.position.y === position.y && Boolean(old.selected) === isSelected) {
      return old;
    }
    const kind = getLayerKind(n.kind);
    const data: LayerNodeData = sameData
      ? old.data
      : {
          name: n.name,
          kind: n.kind,
          category: kind?.category ?? 'Core',
          acceptsInputs: (kind?.inputs.max ?? 1) > 0,
          multiInput: (kind?.inputs.max ?? 1) > 1,
        };
    return { ...old, id: n.id, type: 'layer', position, data, selected: isSelected };
  });
  return reuse(next, previous);
}

export function buildEdges(graph: { edges: readonly DisplayEdge[] }, previous: readonly ShapeFlowEdge[]): ShapeFlowEdge[] {
  const prev = new Map(previous.map((e) => [e.id, e]));
  const next = graph.edges.map((e): ShapeFlowEdge => {
    const old = prev.get(e.id);
    const sourceIndex = e.sourceIndex ?? 0;
    if (old && old.source === e.source && old.target === e.target && old.data?.shapeOf === e.shapeOf && (old.data?.sourceIndex ?? 0) === sourceIndex) return old;
    // From a multi-output layer's later output (an LSTM's h): that output's handle, and its shape as the label.
    const handle = e.shapeOf ? undefined : outputHandleId(sourceIndex);
    const data = { ...(e.shapeOf ? { shapeOf: e.shapeOf } : {}), ...(sourceIndex ? { sourceIndex } : {}) };
    return {
      id: e.id,
      source: e.source,
      target: e.target,
      type: 'shape',
      selected: old?.selected,
      ...(handle ? { sourceHandle: handle } : {}),
      ...(Object.keys(data).length ? { data } : {}),
    };
  });
  return reuse(next, previous);
}
