/**
 * What the canvas shows of a graph with nested models (shared/graph/groups.ts): a collapsed group is one block in
 * place of its layers, edges into and out of it end at the block, edges inside it are not drawn. An expanded group
 * shows its layers and a small header block above them to collapse it again. Display only: the graph is unchanged.
 */
import { graphGroups, type GroupInfo } from '../../../shared/graph/groups';
import type { Graph, GraphEdge, GraphNode } from '../../../shared/graph/types';

/** The canvas id of group `id`'s block: never a layer's id (layer ids have no ':' prefix of this form). */
export const groupNodeId = (id: string) => `group:${id}`;

/** An edge as drawn: `shapeOf` names the layer whose output it carries when its source is a group's block. */
export type DisplayEdge = GraphEdge & { shapeOf?: string };

export interface GroupBlock {
  /** The canvas node id (groupNodeId). */
  id: string;
  info: GroupInfo;
  expanded: boolean;
  position: { x: number; y: number };
  /** The member whose output leaves the group (a connection from the block starts there); null if none does. */
  output: string | null;
}

export interface GroupDisplay {
  nodes: GraphNode[];
  edges: DisplayEdge[];
  blocks: GroupBlock[];
  /** How far each layer is drawn above its position: the height of the collapsed groups above it. */
  lifted: ReadonlyMap<string, number>;
  /** A point of the canvas as a graph position (a layer dropped below a collapsed group). */
  toGraph: (p: { x: number; y: number }) => { x: number; y: number };
}

/** Room a collapsed block takes below its top; a drop lower than this is below the group. */
const BLOCK_HEIGHT = 80;
/** Where an expanded group's header sits: left of its layers, clear of their edges and labels. */
const HEADER_GAP = 250;

const identity = (p: { x: number; y: number }) => p;

/** The graph as drawn, with every group collapsed except those in `expanded`; the graph's own arrays when it has no groups. */
export function groupDisplay(graph: Graph, expanded: ReadonlySet<string>): GroupDisplay {
  const groups = graphGroups(graph);
  if (groups.size === 0) return { nodes: graph.nodes, edges: graph.edges, blocks: [], lifted: new Map(), toGraph: identity };
  const groupOf = new Map<string, string>();
  for (const [id, info] of groups) if (!expanded.has(id)) for (const m of info.members) groupOf.set(m, id);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const y = (id: string) => byId.get(id)?.position?.y ?? 0;
  // A collapsed group takes the place of its first layer; what lies below the whole group moves up by its height.
  const spans = [...groups]
    .filter(([id]) => !expanded.has(id))
    .map(([, info]) => ({ top: Math.min(...info.members.map(y)), bottom: Math.max(...info.members.map(y)) }))
    .sort((a, b) => a.top - b.top);
  const liftAt = (at: number) => spans.reduce((sum, s) => (at > s.bottom ? sum + (s.bottom - s.top) : sum), 0);
  const blocks: GroupBlock[] = [...groups].map(([id, info]) => {
    const members = new Set(info.members);
    const positions = info.members.map((m) => byId.get(m)?.position ?? { x: 0, y: 0 });
    const top = positions.reduce((best, p) => (p.y < best.y ? p : best));
    const leaving = graph.edges.find((e) => members.has(e.source) && !members.has(e.target));
    const open = expanded.has(id);
    const x = open ? Math.min(...positions.map((p) => p.x)) - HEADER_GAP : top.x;
    return { id: groupNodeId(id), info, expanded: open, position: { x, y: top.y - liftAt(top.y) }, output: leaving?.source ?? null };
  });
  const lifted = new Map<string, number>();
  const nodes = graph.nodes.flatMap((n) => {
    if (groupOf.has(n.id)) return [];
    const lift = n.position ? liftAt(n.position.y) : 0;
    if (lift === 0) return [n];
    lifted.set(n.id, lift);
    return [{ ...n, position: { x: n.position!.x, y: n.position!.y - lift } }];
  });
  const toGraph = (p: { x: number; y: number }) => {
    let lift = 0;
    for (const s of spans) if (p.y > s.top - lift + BLOCK_HEIGHT) lift += s.bottom - s.top;
    return { x: p.x, y: p.y + lift };
  };
  const edges: DisplayEdge[] = [];
  for (const e of graph.edges) {
    const from = groupOf.get(e.source);
    const to = groupOf.get(e.target);
    if (from !== undefined && from === to) continue;
    edges.push({
      ...e,
      ...(from !== undefined ? { source: groupNodeId(from), shapeOf: e.source } : {}),
      ...(to !== undefined ? { target: groupNodeId(to) } : {}),
    });
  }
  // Every group open: the graph's own arrays, so the canvas's cheap paths hold.
  if (groupOf.size === 0) return { nodes: graph.nodes, edges: graph.edges, blocks, lifted, toGraph };
  return { nodes, edges, blocks, lifted, toGraph };
}

/** A layer id for an id of the canvas: a collapsed group's block stands for the layer whose output leaves it. */
export function layerOf(canvasId: string, blocks: readonly GroupBlock[]): string | null {
  const block = blocks.find((b) => b.id === canvasId);
  return block ? block.output : canvasId;
}
