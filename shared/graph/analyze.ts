import { showShape } from '../layers/conv-arithmetic';
import { getLayerKind } from '../layers/registry';
import { ShapeError, type LayerKind, type ParamCount, type Shape } from '../layers/types';
import { findCycleNodes } from './cycles';
import type { Graph, GraphEdge, GraphError, GraphErrorCode, GraphNode, NodeAnalysis, GraphAnalysis } from './types';

/** Names tfjs accepts for layers (it uses them in weight names): letters, digits, then also - . _ / */
export const LAYER_NAME_PATTERN = /^[A-Za-z0-9][-A-Za-z0-9._/]*$/;

/** Inbound edges of each node, ordered as the layer receives them (targetIndex, then edge order). */
export function inboundEdges(graph: Graph): Map<string, GraphEdge[]> {
  const ids = new Set(graph.nodes.map((n) => n.id));
  const inbound = new Map<string, GraphEdge[]>();
  for (const n of graph.nodes) inbound.set(n.id, []);
  graph.edges.forEach((e) => {
    if (ids.has(e.source) && ids.has(e.target)) inbound.get(e.target)!.push(e);
  });
  const position = new Map(graph.edges.map((e, i) => [e, i]));
  for (const list of inbound.values()) {
    list.sort(
      (a, b) =>
        (a.targetIndex ?? Number.MAX_SAFE_INTEGER) - (b.targetIndex ?? Number.MAX_SAFE_INTEGER) ||
        position.get(a)! - position.get(b)!,
    );
  }
  return inbound;
}

/** The labels of a layer's outputs; one output ('out') for every kind without outputNames. */
export function outputNamesOf(kind: LayerKind, config: Record<string, unknown>): string[] {
  return kind.outputNames?.(config) ?? ['out'];
}

/** The shape an edge carries: its source's output `sourceIndex` (null while unknown). */
export function edgeShape(source: NodeAnalysis, edge: Pick<GraphEdge, 'sourceIndex'>): Shape | null {
  const index = edge.sourceIndex ?? 0;
  return index === 0 ? source.outputShape : (source.outputShapes?.[index] ?? null);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function arityText(kind: LayerKind): string {
  const { min, max } = kind.inputs;
  if (max === Number.POSITIVE_INFINITY) return `at least ${plural(min, 'input')}`;
  if (min === max) return `exactly ${plural(min, 'input')}`;
  return `${min} to ${max} inputs`;
}

/**
 * Everything the editor shows about a graph: per node its input and output shapes, weights and errors, plus the
 * graph-level errors. Reports every problem, not just the first. Runs on every edit, so it is linear in the graph.
 */
export function analyzeGraph(graph: Graph): GraphAnalysis {
  const errors: GraphError[] = [];
  const nodes: Record<string, NodeAnalysis> = {};
  const byId = new Map<string, GraphNode>();
  const report = (nodeId: string | undefined, code: GraphErrorCode, message: string, field?: string): void => {
    const error: GraphError = { code, message, ...(nodeId !== undefined ? { nodeId } : {}), ...(field ? { field } : {}) };
    errors.push(error);
    if (nodeId !== undefined) nodes[nodeId]?.errors.push(error);
  };

  for (const node of graph.nodes) {
    if (byId.has(node.id)) {
      report(node.id, 'duplicate-id', `Two nodes share the id '${node.id}'; give each node its own id.`);
      continue;
    }
    byId.set(node.id, node);
    nodes[node.id] = { outputShape: null, inputShapes: [], params: null, errors: [] };
  }

  const outbound = new Map<string, string[]>();
  for (const id of byId.keys()) outbound.set(id, []);
  for (const edge of graph.edges) {
    const missing = [edge.source, edge.target].filter((id) => !byId.has(id));
    if (missing.length > 0) {
      const known = byId.has(edge.target) ? edge.target : byId.has(edge.source) ? edge.source : undefined;
      report(known, 'dangling-edge', `Edge '${edge.id}' refers to missing node ${missing.map((m) => `'${m}'`).join(' and ')}; delete the edge.`);
      continue;
    }
    outbound.get(edge.source)!.push(edge.target);
  }
  const inbound = inboundEdges(graph);

  // Names become Keras layer names: they must be unique and acceptable to tfjs.
  const nameOwners = new Map<string, string[]>();
  for (const node of byId.values()) {
    const owners = nameOwners.get(node.name) ?? [];
    owners.push(node.id);
    nameOwners.set(node.name, owners);
    if (!LAYER_NAME_PATTERN.test(node.name)) {
      report(
        node.id,
        'config',
        `expected a name of letters, digits, '_', '-', '.' or '/', starting with a letter or digit. Received: name=${JSON.stringify(node.name)}`,
        'name',
      );
    }
  }
  for (const [name, owners] of nameOwners) {
    if (owners.length < 2) continue;
    for (const id of owners) {
      report(id, 'duplicate-name', `The name '${name}' is used by ${owners.length} layers; layer names must be unique. Rename this one.`);
    }
  }

  // Per-node checks that need no shapes: kind, config, input count.
  const kinds = new Map<string, LayerKind>();
  const configured = new Set<string>();
  for (const node of byId.values()) {
    const kind = getLayerKind(node.kind);
    if (!kind) {
      report(node.id, 'unknown-kind', `Unknown layer kind '${node.kind}' on '${node.name}'; replace it with a layer from the palette.`);
      continue;
    }
    kinds.set(node.id, kind);
    let ok = true;
    for (const issue of kind.validate(node.config)) {
      report(node.id, 'config', `${node.name} (${kind.className}): ${issue.message}`, issue.field);
      ok = false;
    }
    const count = inbound.get(node.id)!.length;
    if (count < kind.inputs.min) {
      report(
        node.id,
        'missing-input',
        count === 0
          ? `${node.name} (${kind.className}) is not connected: drag from a layer's bottom port onto it${kind.inputs.min > 1 ? ` (it merges ${kind.inputs.min} or more)` : ''}.`
          : `${node.name} (${kind.className}) takes ${arityText(kind)} but has ${count}; connect ${kind.inputs.min - count === 1 ? 'a layer' : 'more layers'} to it.`,
      );
      ok = false;
    } else if (count > kind.inputs.max) {
      report(
        node.id,
        'extra-input',
        kind.inputs.max === 0
          ? `${node.name} is an Input and takes no inputs, but ${plural(count, 'edge')} lead into it; remove them.`
          : `${node.name} (${kind.className}) takes ${arityText(kind)} but has ${count}; remove an edge or merge the inputs first (Add, Concatenate).`,
      );
      ok = false;
    }
    if (ok) configured.add(node.id);
  }

  // Kahn's algorithm taking the ready node that comes first in the node list: the smallest such order is unique,
  // so the compiled layer order is stable across edits, and a graph imported in that order keeps it exactly.
  const ids = [...byId.keys()];
  const indexOf = new Map(ids.map((id, i) => [id, i]));
  const indegree = ids.map((id) => inbound.get(id)!.length);
  const ready = new MinHeap();
  indegree.forEach((d, i) => {
    if (d === 0) ready.push(i);
  });
  const order: string[] = [];
  while (ready.size > 0) {
    const id = ids[ready.pop()]!;
    order.push(id);
    for (const next of outbound.get(id)!) {
      const i = indexOf.get(next)!;
      if (--indegree[i]! === 0) ready.push(i);
    }
  }
  const onCycle = new Set<string>();
  if (order.length < byId.size) {
    const ordered = new Set(order);
    const rest = [...byId.keys()].filter((id) => !ordered.has(id));
    for (const cycle of findCycleNodes(rest, (id) => outbound.get(id)!.filter((t) => !ordered.has(t)))) {
      const names = cycle.map((id) => byId.get(id)!.name);
      for (const id of cycle) {
        onCycle.add(id);
        report(id, 'cycle', `${byId.get(id)!.name} is on a cycle (${names.join(' -> ')}); remove one of the edges of the loop.`);
      }
    }
  }

  // An edge may read a later output of a multi-output layer (an LSTM's h): only while the layer has it.
  const missingOutput = new Set<GraphEdge>();
  for (const edge of graph.edges) {
    const index = edge.sourceIndex ?? 0;
    const source = byId.get(edge.source);
    const kind = kinds.get(edge.source);
    if (index === 0 || !source || !byId.has(edge.target) || !kind || !configured.has(edge.source)) continue;
    const names = outputNamesOf(kind, source.config);
    if (index < names.length) continue;
    missingOutput.add(edge);
    report(
      edge.target,
      'no-such-output',
      `${byId.get(edge.target)!.name} reads output ${index} of ${source.name}, which has ${plural(names.length, 'output')} (${names.join(', ')}); ` +
        `turn return_state on in ${source.name}, or connect its first output instead.`,
    );
  }

  // Shapes and weights, in topological order; a node whose inputs are unknown stays unknown without a new error.
  let trainable = 0;
  let nonTrainable = 0;
  for (const id of order) {
    const kind = kinds.get(id);
    const node = byId.get(id)!;
    const info = nodes[id]!;
    const sources = inbound.get(id)!.map((e) => (missingOutput.has(e) ? null : edgeShape(nodes[e.source]!, e)));
    if (sources.every((s): s is Shape => s !== null)) info.inputShapes = sources;
    if (!kind || !configured.has(id) || sources.some((s) => s === null)) continue;
    try {
      info.outputShape = kind.inferShape(node.config, info.inputShapes);
      const names = outputNamesOf(kind, node.config);
      if (names.length > 1 && kind.inferShapes) {
        info.outputShapes = kind.inferShapes(node.config, info.inputShapes);
        info.outputNames = names;
      }
      const params: ParamCount = kind.countParams(node.config, info.inputShapes);
      info.params = params;
      // A frozen nested model's weights stay as they are in training: Keras counts them as non-trainable.
      if (node.group?.trainable === false) nonTrainable += params.trainable + params.nonTrainable;
      else {
        trainable += params.trainable;
        nonTrainable += params.nonTrainable;
      }
    } catch (err) {
      info.outputShape = null;
      delete info.outputShapes;
      delete info.outputNames;
      const detail = err instanceof ShapeError || err instanceof Error ? err.message : String(err);
      const inputs = info.inputShapes.map(showShape).join(', ');
      report(id, 'shape', `${node.name}: ${detail}${inputs && !detail.includes(inputs) ? ` (input ${inputs})` : ''}`);
    }
  }

  const inputs = [...byId.values()].filter((n) => n.kind === 'InputLayer').map((n) => n.id);
  // In layer order, so that output_layers survive a compile -> import -> compile round trip.
  const sorted = new Set(order);
  const outputs = [...order, ...ids.filter((id) => !sorted.has(id))].filter((id) => outbound.get(id)!.length === 0);

  // Reachability from the inputs: a layer fed by nothing cannot be part of the model.
  const reached = new Set(inputs);
  const stack = [...inputs];
  while (stack.length > 0) {
    for (const next of outbound.get(stack.pop()!)!) {
      if (!reached.has(next)) {
        reached.add(next);
        stack.push(next);
      }
    }
  }
  for (const node of byId.values()) {
    const hasInbound = inbound.get(node.id)!.length > 0;
    if (node.kind === 'InputLayer') {
      if (byId.size > 1 && outbound.get(node.id)!.length === 0) {
        report(node.id, 'unreachable', `Input ${node.name} feeds no layer; connect it to a layer or delete it.`);
      }
    } else if (!reached.has(node.id) && hasInbound && !onCycle.has(node.id)) {
      report(node.id, 'unreachable', `${node.name} is not connected to any Input; connect the start of its branch to an Input layer.`);
    }
  }

  if (inputs.length === 0) report(undefined, 'no-input-layer', 'The model has no Input layer; add one from the palette and connect it to the first layer.');
  if (byId.size > 0 && outputs.length === 0) report(undefined, 'no-output', 'The model has no output layer (every layer feeds another); remove an edge of the loop.');
  if (byId.size === 0) report(undefined, 'no-output', 'The model is empty; add an Input and at least one layer.');

  return {
    nodes,
    order: order.filter((id) => !onCycle.has(id)),
    errors,
    totals: { trainable, nonTrainable, total: trainable + nonTrainable },
    valid: errors.length === 0,
    inputs,
    outputs,
  };
}

/** A binary min-heap of node indices for the topological sort. */
class MinHeap {
  private readonly items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  push(value: number): void {
    const a = this.items;
    a.push(value);
    for (let i = a.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (a[parent]! <= a[i]!) break;
      [a[parent], a[i]] = [a[i]!, a[parent]!];
      i = parent;
    }
  }

  pop(): number {
    const a = this.items;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l]! < a[m]!) m = l;
        if (r < a.length && a[r]! < a[m]!) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
}
