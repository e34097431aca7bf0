import type { Graph, GraphEdge, GraphNode } from '../../shared/graph/types';
import { requireLayerKind } from '../../shared/layers/registry';

/** Terse graph literals for tests: node(id, kind, config) with the kind's defaults, edge(a, b). */
export function node(id: string, kind: string, config: Record<string, unknown> = {}, name = id): GraphNode {
  return { id, kind, name, config: { ...requireLayerKind(kind).defaults(), ...config } };
}

export function edge(source: string, target: string, targetIndex?: number): GraphEdge {
  return { id: `${source}->${target}`, source, target, ...(targetIndex !== undefined ? { targetIndex } : {}) };
}

export function graph(nodes: GraphNode[], edges: GraphEdge[]): Graph {
  return { nodes, edges };
}

/** Input -> Dense -> ... as a chain of the given nodes (the first must be an InputLayer). */
export function chain(...nodes: GraphNode[]): Graph {
  return { nodes, edges: nodes.slice(1).map((n, i) => edge(nodes[i]!.id, n.id)) };
}

/** A long valid DAG of residual blocks, for timing the analysis on a large graph. */
export function bigResidualGraph(blocks: number): Graph {
  const nodes: GraphNode[] = [node('in', 'InputLayer', { batch_input_shape: [null, 32, 32, 16] })];
  const edges: GraphEdge[] = [];
  let prev = 'in';
  for (let b = 0; b < blocks; b++) {
    const c1 = `c${b}a`;
    const bn = `bn${b}`;
    const c2 = `c${b}b`;
    const add = `add${b}`;
    const act = `relu${b}`;
    nodes.push(
      node(c1, 'Conv2D', { filters: 16, padding: 'same', activation: 'relu' }),
      node(bn, 'BatchNormalization'),
      node(c2, 'Conv2D', { filters: 16, padding: 'same' }),
      node(add, 'Add'),
      node(act, 'ReLU'),
    );
    edges.push(edge(prev, c1), edge(c1, bn), edge(bn, c2), edge(c2, add, 0), edge(prev, add, 1), edge(add, act));
    prev = act;
  }
  nodes.push(node('gap', 'GlobalAveragePooling2D'), node('out', 'Dense', { units: 10, activation: 'softmax' }));
  edges.push(edge(prev, 'gap'), edge('gap', 'out'));
  return { nodes, edges };
}
