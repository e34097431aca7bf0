import { uniqueLayerName } from '../graph/edit';
import { layoutGraph } from '../graph/layout';
import type { Graph } from '../graph/types';
import { requireLayerKind } from '../layers/registry';

/** A layer's id (its first output), or [id, i] for output i of a multi-output layer (an LSTM's h with return_state). */
export type TensorRef = string | [id: string, output: number];

/** Builds template graphs in code the way one writes a Keras functional model: each call returns the new node's id. */
export class GraphBuilder {
  private readonly graph: Graph = { nodes: [], edges: [] };

  layer(className: string, config: Record<string, unknown> = {}, inputs: TensorRef[] = [], name?: string): string {
    const kind = requireLayerKind(className);
    const layerName = name ?? uniqueLayerName(this.graph, className);
    this.graph.nodes.push({ id: layerName, kind: className, name: layerName, config: { ...kind.defaults(), ...config } });
    inputs.forEach((ref, targetIndex) => {
      const [source, sourceIndex] = typeof ref === 'string' ? [ref, 0] : ref;
      this.graph.edges.push({
        id: `${source}${sourceIndex ? `#${sourceIndex}` : ''}->${layerName}`,
        source,
        target: layerName,
        ...(inputs.length > 1 ? { targetIndex } : {}),
        ...(sourceIndex ? { sourceIndex } : {}),
      });
    });
    return layerName;
  }

  /** Appends layers one after another, starting from `from`; returns the last id. */
  chain(from: string, layers: [className: string, config?: Record<string, unknown>][]): string {
    return layers.reduce((prev, [className, config]) => this.layer(className, config ?? {}, [prev]), from);
  }

  build(): Graph {
    return layoutGraph(this.graph);
  }
}

/** A Sequential model as a list of layers after an Input of `batchInputShape`. */
export function sequentialGraph(
  batchInputShape: (number | null)[],
  layers: [className: string, config?: Record<string, unknown>][],
): Graph {
  const b = new GraphBuilder();
  b.chain(b.layer('InputLayer', { batch_input_shape: batchInputShape }), layers);
  return b.build();
}
