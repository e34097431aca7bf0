import type { Graph, GraphNode } from './types';

export const LAYOUT = { columnWidth: 240, rowHeight: 110 } as const;

/**
 * A simple layered layout (top to bottom by longest path from the inputs, branches side by side) for graphs
 * that come without positions: imports and templates. The editor may re-layout with elkjs.
 */
export function layoutGraph(graph: Graph): Graph {
  const depth = new Map<string, number>();
  const inbound = new Map<string, string[]>();
  for (const n of graph.nodes) inbound.set(n.id, []);
  for (const e of graph.edges) inbound.get(e.target)?.push(e.source);
  const visiting = new Set<string>();
  const depthOf = (id: string): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return 0; // on a cycle: any finite depth will do for drawing
    visiting.add(id);
    const d = Math.max(-1, ...(inbound.get(id) ?? []).map(depthOf)) + 1;
    visiting.delete(id);
    depth.set(id, d);
    return d;
  };
  const rows = new Map<number, GraphNode[]>();
  for (const n of graph.nodes) {
    const d = depthOf(n.id);
    rows.set(d, [...(rows.get(d) ?? []), n]);
  }
  const position = new Map<string, { x: number; y: number }>();
  for (const [d, row] of rows) {
    row.forEach((n, i) => {
      position.set(n.id, { x: (i - (row.length - 1) / 2) * LAYOUT.columnWidth, y: d * LAYOUT.rowHeight });
    });
  }
  return { nodes: graph.nodes.map((n) => ({ ...n, position: position.get(n.id)! })), edges: graph.edges };
}
