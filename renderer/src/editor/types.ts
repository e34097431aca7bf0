import type { Edge, Node } from '@xyflow/svelte';
import type { LayerCategory } from '../../../shared/layers/types';

/** What a layer node on the canvas shows; rebuilt from the graph and its analysis on every edit. */
export interface LayerNodeData extends Record<string, unknown> {
  name: string;
  kind: string;
  category: LayerCategory;
  /** Keras-style output shape, e.g. "(None, 26, 26, 32)"; null when it cannot be inferred. */
  shape: string | null;
  params: number | null;
  errors: string[];
  acceptsInputs: boolean;
  inputCount: number;
  multiInput: boolean;
}

export interface ShapeEdgeData extends Record<string, unknown> {
  label: string | null;
}

export type LayerFlowNode = Node<LayerNodeData, 'layer'>;
export type ShapeFlowEdge = Edge<ShapeEdgeData, 'shape'>;

/** The MIME type palette items carry in a drag, so a drop of anything else onto the canvas is ignored. */
export const LAYER_DRAG_TYPE = 'application/x-layerlab-kind';
