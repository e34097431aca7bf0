/**
 * The exporters' view of a model, read through the one layer model: the Keras JSON goes through the importer
 * (shared/graph/import.ts, the only Keras-JSON reader) and the registry's analysis (analyzeGraph: shapes and
 * params from shared/layers), so an export sees exactly what the editor and the trainer see. Layers come in
 * topological order with their registry configs (canonical Keras fields: kernel_size always a pair, etc.).
 */
import { analyzeGraph, inboundEdges } from '../../shared/graph/analyze';
import { importModelJson, ModelImportError } from '../../shared/graph/import';
import type { ModelSpec, NodeGroup } from '../../shared/graph/types';
import { requireLayerKind, type LayerClassName, type LayerConfigOf } from '../../shared/layers/registry';
import type { ParamCount, Shape } from '../../shared/layers/types';
import { ExportError } from './types';

export type { Shape };

/** One layer; for a single class name N its config has that kind's own type (narrow on `className`). */
export type ExportLayer<N extends LayerClassName = LayerClassName> = N extends LayerClassName
  ? {
      name: string;
      className: N;
      config: LayerConfigOf<N>;
      /** Names of the layers whose outputs feed this one, in argument order. */
      inputs: string[];
      /** Which output of each input layer (0, or an LSTM's h = 1 and c = 2 with return_state), as `inputs`. */
      inputOutputs: number[];
      /** Its outputs' labels: ['out'], or with return_state ['out', 'h', 'c'] (Keras' tensor order). */
      outputNames: string[];
      inputShapes: Shape[];
      outputShape: Shape;
      params: ParamCount;
      /** The nested model (backbone) the layer belongs to; exporters write it as a nested model again. */
      group?: NodeGroup;
    }
  : never;

export interface ExportGraph {
  name: string;
  /** The source was a Sequential model (Keras' model.py is then written as keras.Sequential). */
  sequential: boolean;
  /** Topological order; InputLayers first among their dependants. */
  layers: ExportLayer[];
  inputs: string[];
  outputs: string[];
}

/** A kind a format cannot express, with the reason (shown to the user with the layer's name). */
export interface Refusal {
  refused: string;
}

export function isRefusal(entry: object): entry is Refusal {
  return 'refused' in entry;
}

/** The table entry of a layer's kind, or an ExportError naming the layer, the format and the reason. */
export function tableEntry<E extends object>(table: Record<LayerClassName, E | Refusal>, l: ExportLayer, format: string): E {
  const entry = table[l.className];
  if (isRefusal(entry)) throw new ExportError(`layer '${l.name}' (${l.className}) cannot be exported to ${format}: ${entry.refused}`);
  return entry;
}

/** The Keras JSON read by the importer and analysed by the registry; every problem of the model in one message. */
export function exportGraph(spec: ModelSpec, groups: Record<string, NodeGroup> = {}): ExportGraph {
  let graph;
  try {
    graph = importModelJson(spec);
  } catch (err) {
    if (err instanceof ModelImportError) throw new ExportError(err.message);
    throw err;
  }
  const analysis = analyzeGraph(graph);
  if (!analysis.valid) {
    throw new ExportError(`the model cannot be exported (${analysis.errors.length} problem${analysis.errors.length === 1 ? '' : 's'}):\n${analysis.errors.map((e) => `- ${e.message}`).join('\n')}`);
  }
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const inbound = inboundEdges(graph);
  const layers = analysis.order.map((id) => {
    const node = byId.get(id)!;
    const info = analysis.nodes[id]!;
    const group = node.group ?? groups[node.name];
    return {
      ...(group ? { group } : {}),
      name: node.name,
      className: requireLayerKind(node.kind).className,
      config: node.config,
      inputs: inbound.get(id)!.map((e) => byId.get(e.source)!.name),
      inputOutputs: inbound.get(id)!.map((e) => e.sourceIndex ?? 0),
      outputNames: info.outputNames ?? ['out'],
      inputShapes: info.inputShapes,
      outputShape: info.outputShape!,
      params: info.params!,
    } as ExportLayer;
  });
  const names = (ids: string[]): string[] => ids.map((id) => byId.get(id)!.name);
  // A functional model's declared output order is its outputs' order (multi-output models return a tuple in it).
  const declared = spec.class_name === 'Sequential' ? [] : (spec.config.output_layers ?? []).map((o) => o[0]);
  return {
    name: String(spec.config.name ?? 'model'),
    sequential: spec.class_name === 'Sequential',
    layers,
    inputs: names(analysis.inputs),
    outputs: declared.length > 0 ? declared : names(analysis.outputs),
  };
}

/**
 * The Python variables a layer's call assigns: its output's, then one per extra output, unpacked as Keras and
 * the PyTorch module return them (`lstm, lstm_h, lstm_c = ...`).
 */
export function outputVariables(l: ExportLayer, variable: string): string[] {
  return l.outputNames.map((name, i) => (i === 0 ? variable : `${variable}_${name}`));
}

/** The Python variable of each input of `l`: the source's variable, or its state's for a later output. */
export function inputVariables(g: ExportGraph, l: ExportLayer, variableOf: (layer: string) => string): string[] {
  return l.inputs.map((name, k) => outputVariables(layerNamed(g, name), variableOf(name))[l.inputOutputs[k] ?? 0]!);
}

/** The left side of a layer's assignment: `x` or `x, x_h, x_c`. */
export function assigned(l: ExportLayer, variable: string): string {
  return outputVariables(l, variable).join(', ');
}

/** The layer of that name (the graph's own names, so always there). */
export function layerNamed(g: ExportGraph, name: string): ExportLayer {
  const l = g.layers.find((x) => x.name === name);
  if (!l) throw new ExportError(`the model has no layer '${name}'.`);
  return l;
}
