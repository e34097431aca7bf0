/**
 * Automatic layout of imported graphs with elkjs (layered, top to bottom), so an imported model reads like a
 * drawn one: merges below their branches, branches side by side, edges crossing as little as possible.
 */
import ELK from 'elkjs/lib/elk.bundled.js';
import type { Graph } from '../../shared/graph/types';

/** The editor's node size, roughly; elk needs sizes to keep nodes apart. */
const NODE = { width: 200, height: 60 } as const;

export async function layoutGraphLayered(graph: Graph): Promise<Graph> {
  const elk = new ELK();
  const result = await elk.layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.spacing.nodeNode': '40',
      'elk.layered.spacing.nodeNodeBetweenLayers': '50',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
    },
    children: graph.nodes.map((n) => ({ id: n.id, ...NODE })),
    edges: graph.edges.map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  });
  const positions = new Map((result.children ?? []).map((c) => [c.id, { x: c.x ?? 0, y: c.y ?? 0 }]));
  return { nodes: graph.nodes.map((n) => ({ ...n, position: positions.get(n.id) ?? n.position ?? { x: 0, y: 0 } })), edges: graph.edges };
}
