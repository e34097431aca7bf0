import type { Edge, Node } from '@xyflow/svelte';
import type { LayerCategory } from '../../../shared/layers/types';
import type { GroupBlock } from './groupView';

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

/**
 * shapeOf: the layer whose output the edge carries, when its source is a collapsed group's block; sourceIndex: which
 * output of a multi-output layer (an LSTM's h), absent for the first.
 */
export type ShapeEdgeData = { shapeOf?: string; sourceIndex?: number };

export type LayerFlowNode = Node<LayerNodeData, 'layer'>;

/** A nested model's block (groupView.ts); ontoggle expands or collapses it. */
export interface GroupNodeData extends Record<string, unknown> {
  block: GroupBlock;
  ontoggle: (groupId: string) => void;
}
export type GroupFlowNode = Node<GroupNodeData, 'nested'>;
/** What the canvas holds: layers, and the blocks of nested models. */
export type CanvasNode = LayerFlowNode | GroupFlowNode;
export type ShapeFlowEdge = Edge<ShapeEdgeData, 'shape'>;

/** The MIME type palette items carry in a drag, so a drop of anything else onto the canvas is ignored. */
export const LAYER_DRAG_TYPE = 'application/x-layerlab-kind';
