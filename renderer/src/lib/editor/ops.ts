import type { Graph, GraphEdge, GraphNode } from '../../../../shared/graph/types';
import { canConnect, createNode, getLayerKind } from '../core';
import type { ClipboardPayload } from './clipboard';

/** Pure graph edits: each returns a new Graph and leaves the old one untouched (it is a history snapshot). */

export type XY = { x: number; y: number };

export function newId(prefix: string): string {
  return `${prefix.toLowerCase()}-${Math.random().toString(36).slice(2, 9)}`;
}

/** createNode's ids are layer names, with '#n' on a clash; the API's ids allow no '#', so those get a fresh id. */
function freshNode(graph: Graph, kind: string, position: XY): GraphNode {
  const node = createNode(graph, kind, { x: Math.round(position.x), y: Math.round(position.y) });
  return node.id.includes('#') ? { ...node, id: newId(kind) } : node;
}

export function addNode(graph: Graph, kind: string, position: XY): { graph: Graph; id: string } {
  const node = freshNode(graph, kind, position);
  return { graph: { nodes: [...graph.nodes, node], edges: graph.edges }, id: node.id };
}

export type ConnectResult = { ok: true; graph: Graph } | { ok: false; reason: string };

export function connect(graph: Graph, source: string, target: string, sourceIndex = 0): ConnectResult {
  const check = canConnect(graph, source, target, sourceIndex);
  if (!check.ok) return { ok: false, reason: check.reason };
  // A merge layer's inputs keep the order they were connected in (Concatenate order matters).
  const targetIndex = graph.edges.filter((e) => e.target === target).length;
  const edge: GraphEdge = { id: newId('e'), source, target, targetIndex, ...(sourceIndex ? { sourceIndex } : {}) };
  return { ok: true, graph: { nodes: graph.nodes, edges: [...graph.edges, edge] } };
}

/** Renumbers each target's remaining inputs 0..n-1 after a removal, keeping their order. */
function reindex(edges: GraphEdge[]): GraphEdge[] {
  const byTarget = new Map<string, GraphEdge[]>();
  for (const e of edges) byTarget.set(e.target, [...(byTarget.get(e.target) ?? []), e]);
  const fixed = new Map<string, number>();
  for (const list of byTarget.values()) {
    list.sort((a, b) => (a.targetIndex ?? 0) - (b.targetIndex ?? 0)).forEach((e, i) => fixed.set(e.id, i));
  }
  return edges.map((e) => (e.targetIndex === fixed.get(e.id) ? e : { ...e, targetIndex: fixed.get(e.id) }));
}

export function remove(graph: Graph, nodeIds: readonly string[], edgeIds: readonly string[] = []): Graph {
  const nodes = new Set(nodeIds);
  const edges = new Set(edgeIds);
  if (nodes.size === 0 && edges.size === 0) return graph;
  return {
    nodes: graph.nodes.filter((n) => !nodes.has(n.id)),
    edges: reindex(graph.edges.filter((e) => !edges.has(e.id) && !nodes.has(e.source) && !nodes.has(e.target))),
  };
}

export function updateNode(graph: Graph, id: string, patch: Partial<Pick<GraphNode, 'name' | 'config'>>): Graph {
  return { nodes: graph.nodes.map((n) => (n.id === id ? { ...n, ...patch } : n)), edges: graph.edges };
}

export function moveNodes(graph: Graph, positions: ReadonlyMap<string, XY>): Graph {
  let changed = false;
  const nodes = graph.nodes.map((n) => {
    const p = positions.get(n.id);
    if (!p || (n.position && n.position.x === p.x && n.position.y === p.y)) return n;
    changed = true;
    return { ...n, position: { x: Math.round(p.x), y: Math.round(p.y) } };
  });
  return changed ? { nodes, edges: graph.edges } : graph;
}

/** Inserts copied layers with fresh ids and names, shifted by `offset`; returns the new ids. */
export function paste(graph: Graph, payload: ClipboardPayload, offset: XY): { graph: Graph; ids: string[] } {
  const idMap = new Map<string, string>();
  let working: Graph = graph;
  const added: GraphNode[] = [];
  for (const n of payload.nodes) {
    if (!getLayerKind(n.kind)) continue;
    const fresh = freshNode(working, n.kind, { x: (n.position?.x ?? 0) + offset.x, y: (n.position?.y ?? 0) + offset.y });
    idMap.set(n.id, fresh.id);
    // Keep the copied name where it is free, so a block pasted into another project reads the same.
    const taken = working.nodes.some((m) => m.name === n.name);
    const node: GraphNode = { ...fresh, name: taken ? fresh.name : n.name, config: structuredClone(n.config) };
    added.push(node);
    working = { nodes: [...working.nodes, node], edges: working.edges };
  }
  const edges = payload.edges
    .filter((e) => idMap.has(e.source) && idMap.has(e.target))
    .map((e) => ({ ...e, id: newId('e'), source: idMap.get(e.source)!, target: idMap.get(e.target)! }));
  return { graph: { nodes: working.nodes, edges: [...graph.edges, ...edges] }, ids: added.map((n) => n.id) };
}

/** The API's id alphabet (shared/api.ts): letters, digits, "_", ".", ":" and "-". */
const API_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

/**
 * Gives every node and edge an id the backend accepts, keeping the valid ones. Graphs from templates, files or
 * the clipboard may carry ids like 'a->b' that the training API would refuse.
 */
export function normalizeIds(graph: Graph): Graph {
  const nodeIds = new Map<string, string>();
  const nodes = graph.nodes.map((n) => {
    if (API_ID.test(n.id)) return n;
    const id = newId(n.kind);
    nodeIds.set(n.id, id);
    return { ...n, id };
  });
  const edges = graph.edges.map((e) => {
    const source = nodeIds.get(e.source) ?? e.source;
    const target = nodeIds.get(e.target) ?? e.target;
    const id = API_ID.test(e.id) ? e.id : newId('e');
    return id === e.id && source === e.source && target === e.target ? e : { ...e, id, source, target };
  });
  return nodeIds.size === 0 && edges.every((e, i) => e === graph.edges[i]) ? graph : { nodes, edges };
}
