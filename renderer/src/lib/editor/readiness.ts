import type { Graph, GraphAnalysis } from '../../../../shared/graph/types';
import { formatCount } from '../format';

/**
 * Whether the model can be trained, said exactly. "Ready to train" used to show for a lone InputLayer (which then
 * failed with advice about a Dense layer that was not there) and for graphs with a dangling branch (which the
 * engine compiled as a second output). A graph with errors or without weights is blocked with the reason; unused
 * branches are left out of the trained model, with a warning that lists them and their parameters apart.
 */
export type Readiness =
  | { state: 'empty' }
  | { state: 'blocked'; reason: string }
  | {
      state: 'ready';
      /** The graph to train: the unused branches removed. */
      trainGraph: Graph;
      /** The layers left out (not on the way to the output) and their parameters. */
      unused: { ids: string[]; names: string[]; params: number };
      warnings: string[];
    };

function ancestors(graph: Graph, id: string): Set<string> {
  const inbound = new Map<string, string[]>();
  for (const e of graph.edges) inbound.set(e.target, [...(inbound.get(e.target) ?? []), e.source]);
  const seen = new Set([id]);
  const stack = [id];
  while (stack.length) {
    for (const s of inbound.get(stack.pop()!) ?? []) {
      if (!seen.has(s)) {
        seen.add(s);
        stack.push(s);
      }
    }
  }
  return seen;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function readiness(graph: Graph, analysis: GraphAnalysis): Readiness {
  if (graph.nodes.length === 0) return { state: 'empty' };
  const errors = analysis.errors;
  if (errors.length > 0) {
    const first = errors[0]!;
    const where = first.nodeId ? graph.nodes.find((n) => n.id === first.nodeId)?.name : undefined;
    const firstText = where && !first.message.startsWith(where) ? `${where}: ${first.message}` : first.message;
    return { state: 'blocked', reason: `${plural(errors.length, 'error')}: ${firstText}${errors.length > 1 ? ' (see the inspector for all)' : ''}` };
  }
  // The output the model is for: the one with the longest way back (a leftover layer hanging off the side is
  // shorter); on a tie, the later one in layer order.
  let main = analysis.outputs[analysis.outputs.length - 1]!;
  let used = ancestors(graph, main);
  for (const out of analysis.outputs) {
    const a = ancestors(graph, out);
    if (a.size > used.size) [main, used] = [out, a];
  }
  const unusedNodes = graph.nodes.filter((n) => !used.has(n.id));
  const paramsOf = (id: string) => {
    const p = analysis.nodes[id]?.params;
    return p ? p.trainable + p.nonTrainable : 0;
  };
  const trainable = [...used].reduce((sum, id) => sum + (analysis.nodes[id]?.params?.trainable ?? 0), 0);
  if (trainable === 0) {
    const input = graph.nodes.find((n) => n.kind === 'InputLayer');
    return {
      state: 'blocked',
      reason: `nothing to train: no layer on the way to the output has weights; add a Dense (or Conv2D) layer${input ? ` after ${input.name}` : ''} and end with Dense(units = number of classes, softmax).`,
    };
  }
  const unusedParams = unusedNodes.reduce((sum, n) => sum + paramsOf(n.id), 0);
  const mainName = graph.nodes.find((n) => n.id === main)?.name ?? main;
  const warnings = unusedNodes.length
    ? [
        `Unused branch: ${unusedNodes.map((n) => n.name).join(', ')} (${plural(unusedNodes.length, 'layer')}, ${formatCount(unusedParams)} params) ` +
          `does not lead to the output ${mainName}; it is left out of training. Connect it or delete it.`,
      ]
    : [];
  const keep = (id: string) => used.has(id);
  return {
    state: 'ready',
    trainGraph: unusedNodes.length
      ? { nodes: graph.nodes.filter((n) => keep(n.id)), edges: graph.edges.filter((e) => keep(e.source) && keep(e.target)) }
      : graph,
    unused: { ids: unusedNodes.map((n) => n.id), names: unusedNodes.map((n) => n.name), params: unusedParams },
    warnings,
  };
}
