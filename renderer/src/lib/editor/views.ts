import type { Graph, GraphAnalysis, NodeAnalysis } from '../../../../shared/graph/types';
import { formatCount, formatShape } from '../format';
import { keySetting } from './keySetting';

/** What the canvas shows of a node's analysis: its output shape (also its out-edges' label), params and errors. */
export interface NodeView {
  /** Keras-style output shape, e.g. "(None, 26, 26, 32)"; null when it cannot be inferred. */
  shape: string | null;
  params: number | null;
  /** `params` with thousands separators; null with it. */
  paramsText: string | null;
  errors: readonly string[];
  /** The kind's key setting for the card, e.g. "64 units · relu" (keySetting.ts); '' when none. */
  setting: string;
  /** A multi-output layer (return_state): its outputs' labels (out, h, c) and shapes, for its handles and edges. */
  outputNames?: readonly string[];
  outputShapes?: readonly string[];
}

const NO_ERRORS: readonly string[] = Object.freeze([]);

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function viewOf(info: NodeAnalysis | undefined, old: NodeView | undefined, setting: string, refused: string | undefined): NodeView {
  const shape = info?.outputShape ? formatShape(info.outputShape) : null;
  const params = info?.params ? info.params.trainable + info.params.nonTrainable : null;
  let errors = info?.errors.length ? info.errors.map((e) => e.message) : NO_ERRORS;
  // A refused connection explains the missing input better than "is not connected": it takes that message's place.
  if (refused !== undefined) errors = [refused, ...(info?.errors ?? []).filter((e) => e.code !== 'missing-input').map((e) => e.message)];
  const outputNames = info?.outputNames;
  const outputShapes = info?.outputShapes?.map(formatShape);
  const sameOutputs = sameList(old?.outputNames ?? [], outputNames ?? []) && sameList(old?.outputShapes ?? [], outputShapes ?? []);
  if (old && old.shape === shape && old.params === params && old.setting === setting && sameList(old.errors, errors) && sameOutputs) return old;
  return {
    shape,
    params,
    setting,
    ...(outputNames && outputShapes ? { outputNames, outputShapes } : {}),
    // toLocaleString is slow enough to matter over 300 nodes: keep the old text while the count stands.
    paramsText: params === null ? null : old?.params === params ? old.paramsText : formatCount(params),
    errors: errors.length && old && sameList(old.errors, errors) ? old.errors : errors,
  };
}

/**
 * One view per node of the analysis. A node whose shape, params and errors did not change keeps its previous
 * view object, so the components showing it (the node, its edges' labels) see no change and skip their update.
 */
export function buildViews(
  analysis: GraphAnalysis,
  previous: ReadonlyMap<string, NodeView>,
  graph: Graph,
  refused: ReadonlyMap<string, string> = new Map(),
): Map<string, NodeView> {
  const views = new Map<string, NodeView>();
  const settings = new Map(graph.nodes.map((n) => [n.id, keySetting(n)]));
  for (const [id, info] of Object.entries(analysis.nodes)) {
    views.set(id, viewOf(info, previous.get(id), settings.get(id) ?? '', refused.get(id)));
  }
  return views;
}

/** The ids of the nodes in error: the previous set itself while the membership stands. */
export function errorIds(views: ReadonlyMap<string, NodeView>, previous: ReadonlySet<string>): ReadonlySet<string> {
  const ids = new Set<string>();
  for (const [id, v] of views) if (v.errors.length) ids.add(id);
  return ids.size === previous.size && [...ids].every((id) => previous.has(id)) ? previous : ids;
}
