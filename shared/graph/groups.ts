/**
 * Groups: the nested models of a graph (a backbone), each the set of nodes tagged with the same NodeGroup id.
 * Pure helpers for the editor's group block (its members, parameters and trainable switch) and the exporters.
 */
import type { Graph, GraphAnalysis, GraphNode, NodeGroup } from './types';

export interface GroupInfo {
  group: NodeGroup;
  /** Member node ids in graph order. */
  members: string[];
}

/** The graph's groups in the order their first member appears. */
export function graphGroups(graph: Graph): Map<string, GroupInfo> {
  const groups = new Map<string, GroupInfo>();
  for (const node of graph.nodes) {
    if (!node.group) continue;
    const info = groups.get(node.group.id);
    if (info) info.members.push(node.id);
    else groups.set(node.group.id, { group: node.group, members: [node.id] });
  }
  return groups;
}

/** Freezes (false) or unfreezes (true) every layer of group `id`; the same graph when nothing changes. */
export function setGroupTrainable(graph: Graph, id: string, trainable: boolean): Graph {
  let changed = false;
  const nodes = graph.nodes.map((n): GraphNode => {
    if (n.group?.id !== id || n.group.trainable === trainable) return n;
    changed = true;
    return { ...n, group: { ...n.group, trainable } };
  });
  return changed ? { ...graph, nodes } : graph;
}

/** The weights of a group's layers (null while any of them is unknown), all frozen when the group is. */
export function groupParams(info: GroupInfo, analysis: GraphAnalysis): { total: number; trainable: number } | null {
  let total = 0;
  let trainable = 0;
  for (const id of info.members) {
    const params = analysis.nodes[id]?.params;
    if (!params) return null;
    total += params.trainable + params.nonTrainable;
    if (info.group.trainable) trainable += params.trainable;
  }
  return { total, trainable };
}
