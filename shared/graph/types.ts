import type { ParamCount, Shape } from '../layers/types';

/** One layer in the editor's graph. `kind` is the Keras class name (a key of the layer registry). */
export interface GraphNode {
  id: string;
  kind: string;
  /** Keras layer name, unique in the graph (e.g. 'conv2d_1'). */
  name: string;
  /** Keras-named config fields of the layer kind (see shared/layers). */
  config: Record<string, unknown>;
  /** Editor position; ignored by the compiler. */
  position?: { x: number; y: number };
  /** The nested model (a backbone) this layer belongs to: shown as one block in the editor (shared/graph/groups.ts). */
  group?: NodeGroup;
}

/**
 * A nested Keras model used as a layer (a keras.applications backbone in a Sequential), kept on each of its layers:
 * a graph-level list could be dropped by an edit, and a dropped `trainable: false` would silently unfreeze it.
 */
export interface NodeGroup {
  /** The nested model's layer name in the outer model (e.g. 'mobilenetv2_1.00_224'); the same on every member. */
  id: string;
  /** Its Keras class, written back on export. */
  model: 'Sequential' | 'Functional';
  /** false freezes every layer of the group (transfer learning): training leaves their weights as they are. */
  trainable: boolean;
}

/**
 * A tensor flowing from `source`'s output into `target`. `targetIndex` orders a merge layer's inputs;
 * `sourceIndex` picks one output of a layer with several (an LSTM with return_state: 0 out, 1 h, 2 c), as Keras'
 * tensor index in inbound_nodes; absent is 0.
 */
export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  targetIndex?: number;
  sourceIndex?: number;
}

export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export type GraphErrorCode =
  | 'cycle'
  | 'missing-input'
  | 'extra-input'
  | 'shape'
  | 'config'
  | 'unreachable'
  | 'unknown-kind'
  | 'no-input-layer'
  | 'no-output'
  | 'duplicate-name'
  | 'duplicate-id'
  | 'dangling-edge'
  | 'no-such-output';

export interface GraphError {
  /** The node the error concerns; absent for whole-graph errors. */
  nodeId?: string;
  code: GraphErrorCode;
  /** What is wrong, with the values, and what to do. */
  message: string;
  /** For config errors: the field. */
  field?: string;
}

export interface NodeAnalysis {
  /** Null when it cannot be inferred (an error here or upstream). */
  outputShape: Shape | null;
  /** A layer with several outputs (return_state): every output's shape, the first equal to outputShape. */
  outputShapes?: Shape[];
  /** Their labels (out, h, c), as the editor's output handles show them. */
  outputNames?: string[];
  inputShapes: Shape[];
  params: ParamCount | null;
  errors: GraphError[];
}

export interface GraphAnalysis {
  nodes: Record<string, NodeAnalysis>;
  /** Node ids in a topological order (nodes on cycles are left out). */
  order: string[];
  /** Every error, node-level and graph-level, not just the first. */
  errors: GraphError[];
  totals: ParamCount & { total: number };
  valid: boolean;
  /** Ids of InputLayer nodes and of output nodes (nodes with no outgoing edge). */
  inputs: string[];
  outputs: string[];
}

/** The Keras model-config JSON (the `modelTopology` of a TF.js model.json). */
export interface KerasLayerJson {
  class_name: string;
  config: Record<string, unknown>;
  name?: string;
  /** Functional models only: [[[layerName, nodeIndex, tensorIndex, kwargs], ...]] */
  inbound_nodes?: unknown[];
}

export interface ModelSpec {
  /** Keras 3's model_from_json needs it to find the model class; tfjs and tf.keras 2 ignore it. */
  module?: string;
  class_name: 'Sequential' | 'Functional' | 'Model';
  config: {
    name: string;
    layers: KerasLayerJson[];
    input_layers?: [string, number, number][];
    output_layers?: [string, number, number][];
  };
  keras_version?: string;
  backend?: string;
}
