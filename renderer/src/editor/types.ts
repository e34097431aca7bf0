import type { Edge, Node } from '@xyflow/svelte';
import type { LayerCategory } from '../../../shared/layers/types';

/**
 * The parts of a layer node that change only with the graph's structure. Shapes, counts and errors are read by
 * the node from the editor's analysis instead, so that an edit which changes every shape downstream does not
 * hand Svelte Flow 300 new node objects (it re-measures each), only new text in each node.
 */
export interface LayerNodeData extends Record<string, unknown> {
  name: string;
  kind: string;
  category: LayerCategory;
  acceptsInputs: boolean;
  multiInput: boolean;
}

export type ShapeEdgeData = Record<string, never>;

export type LayerFlowNode = Node<LayerNodeData, 'layer'>;
export type ShapeFlowEdge = Edge<ShapeEdgeData, 'shape'>;

/** The MIME type palette items carry in a drag, so a drop of anything else onto the canvas is ignored. */
export const LAYER_DRAG_TYPE = 'application/x-layerlab-kind';
