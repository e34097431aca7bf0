/**
 * The two graph operations the service needs before it queues a run: every error of the graph (the run is refused
 * with them), and the compiled Keras model JSON the worker builds. Both come from shared/graph, the same code the
 * editor runs on every edit, so the window and the backend never disagree about what is valid.
 */
import { analyzeGraph } from '../../shared/graph/analyze';
import { compileGraph as compileToKeras } from '../../shared/graph/compile';
import type { Graph, GraphError, ModelSpec } from '../../shared/graph/types';

/** Every error of the graph (empty when it can be trained). */
export function graphErrors(graph: Graph): GraphError[] {
  const analysis = analyzeGraph(graph);
  return analysis.valid ? [] : analysis.errors;
}

/** The Keras model JSON of a graph that graphErrors() found valid. */
export function compileGraph(graph: Graph, name = 'model'): ModelSpec {
  return compileToKeras(graph, { name });
}
