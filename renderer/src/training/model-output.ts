/**
 * The output layer of the graph the panel would train (readiness' trainGraph) as the loss sees it: its units and
 * activation, so the form can refuse a loss that cannot train it (shared/losses.ts lossOutputProblem) before the
 * run starts, with the same words the engine uses.
 */
import type { Graph, GraphAnalysis } from '../../../shared/graph/types';
import type { ModelOutput } from '../../../shared/losses';

export function modelOutput(graph: Graph, analysis: GraphAnalysis): ModelOutput | null {
  const outputs = graph.nodes.filter((n) => !graph.edges.some((e) => e.source === n.id));
  if (outputs.length !== 1) return null;
  const node = outputs[0]!;
  const shape = analysis.nodes[node.id]?.outputShape;
  const units = shape?.[shape.length - 1];
  if (typeof units !== 'number') return null;
  const activation = node.config['activation'];
  return { units, ...(typeof activation === 'string' ? { activation } : {}) };
}
