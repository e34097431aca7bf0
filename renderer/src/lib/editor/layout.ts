import type { Graph } from '../../../../shared/graph/types';
import type { XY } from './ops';

type Elk = InstanceType<typeof import('elkjs/lib/elk.bundled.js').default>;
let elk: Promise<Elk> | null = null;

/** ELK is a large module; it loads on the first layout rather than with the window. */
function getElk(): Promise<Elk> {
  elk ??= import('elkjs/lib/elk.bundled.js').then((m) => new m.default());
  return elk;
}

/** Node sizes as drawn; unmeasured nodes fall back to the usual layer card size. */
export type Sizes = ReadonlyMap<string, { width: number; height: number }>;

/**
 * Layered top-down layout (ELK's Sugiyama), the layout Keras' plot_model and Netron use for model graphs.
 * Returns a position for every node; nothing is changed in place.
 */
export async function layoutGraph(graph: Graph, sizes: Sizes): Promise<Map<string, XY>> {
  const result = await (await getElk()).layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.layered.spacing.nodeNodeBetweenLayers': '56',
      'elk.spacing.nodeNode': '40',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.layered.crossingMinimization.strategy': 'LAYER_SWEEP',
      'elk.edgeRouting': 'SPLINES',
    },
    children: graph.nodes.map((n) => ({
      id: n.id,
      width: sizes.get(n.id)?.width ?? 220,
      height: sizes.get(n.id)?.height ?? 72,
    })),
    edges: graph.edges.map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  });
  const out = new Map<string, XY>();
  for (const c of result.children ?? []) out.set(c.id, { x: Math.round(c.x ?? 0), y: Math.round(c.y ?? 0) });
  return out;
}
