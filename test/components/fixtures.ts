import type { Graph, GraphNode } from '../../shared/graph/types';
import { requireLayerKind } from '../../shared/layers/registry';

/** A chain of layers with Keras defaults overridden by `config`, laid out top to bottom. */
export function chain(layers: [kind: string, config?: Record<string, unknown>][]): Graph {
  const nodes: GraphNode[] = layers.map(([kind, config], i) => ({
    id: `n${i}`,
    kind,
    name: `${kind.toLowerCase()}_${i}`,
    config: { ...requireLayerKind(kind).defaults(), ...config },
    position: { x: 0, y: i * 120 },
  }));
  return {
    nodes,
    edges: nodes.slice(1).map((n, i) => ({ id: `e${i}`, source: nodes[i].id, target: n.id, targetIndex: 0 })),
  };
}

/** Keras' mnist_cnn example with dropout: 1,199,882 parameters. */
export const MNIST_CNN: [string, Record<string, unknown>?][] = [
  ['InputLayer', { batch_input_shape: [null, 28, 28, 1] }],
  ['Conv2D', { filters: 32, kernel_size: [3, 3], activation: 'relu' }],
  ['Conv2D', { filters: 64, kernel_size: [3, 3], activation: 'relu' }],
  ['MaxPooling2D', { pool_size: [2, 2] }],
  ['Dropout', { rate: 0.25 }],
  ['Flatten'],
  ['Dense', { units: 128, activation: 'relu' }],
  ['Dropout', { rate: 0.5 }],
  ['Dense', { units: 10, activation: 'softmax' }],
];
