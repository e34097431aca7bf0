import type { Graph, GraphEdge, GraphNode } from '../../../../shared/graph/types';

/**
 * Copied layers travel as plain JSON text so that they paste into another project, another window, or a text
 * editor. The format tag keeps a paste of unrelated text from being read as layers.
 */
export const CLIPBOARD_FORMAT = 'layerlab/layers@1';

export interface ClipboardPayload {
  format: typeof CLIPBOARD_FORMAT;
  nodes: GraphNode[];
  /** Only edges between copied nodes: a pasted block keeps its inner wiring but not its links to the old graph. */
  edges: GraphEdge[];
}

export function copyPayload(graph: Graph, ids: readonly string[]): ClipboardPayload | null {
  const keep = new Set(ids);
  const nodes = graph.nodes.filter((n) => keep.has(n.id));
  if (nodes.length === 0) return null;
  const edges = graph.edges.filter((e) => keep.has(e.source) && keep.has(e.target));
  return { format: CLIPBOARD_FORMAT, nodes: structuredClone(nodes), edges: structuredClone(edges) };
}

export function readPayload(text: string): ClipboardPayload | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const p = parsed as Partial<ClipboardPayload>;
  if (p.format !== CLIPBOARD_FORMAT || !Array.isArray(p.nodes) || !Array.isArray(p.edges)) return null;
  const valid = p.nodes.every(
    (n) => typeof n?.id === 'string' && typeof n.kind === 'string' && typeof n.name === 'string' && typeof n.config === 'object',
  );
  return valid ? (p as ClipboardPayload) : null;
}
