import { getLayerKind, requireLayerKind } from '../layers/registry';
import { analyzeGraph, inboundEdges } from './analyze';
import type { Graph, GraphNode } from './types';

/** Keras' default layer name for a class: to_snake_case ('Conv2D' -> 'conv2d', 'MaxPooling2D' -> 'max_pooling2d'). */
export function kerasBaseName(className: string): string {
  return className
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** The next free Keras-style name for a new layer of `className`: dense, dense_1, dense_2, ... */
export function uniqueLayerName(graph: Graph, className: string): string {
  const used = new Set(graph.nodes.map((n) => n.name));
  const base = kerasBaseName(className);
  if (!used.has(base)) return base;
  for (let i = 1; ; i++) if (!used.has(`${base}_${i}`)) return `${base}_${i}`;
}

/** A new node with the kind's defaults and a free name, also its id (name-1, name-2, ... if that id is taken). */
export function createNode(graph: Graph, className: string, position?: { x: number; y: number }): GraphNode {
  const kind = requireLayerKind(className);
  const name = uniqueLayerName(graph, className);
  const ids = new Set(graph.nodes.map((n) => n.id));
  let id = name;
  for (let i = 1; ids.has(id); i++) id = `${name}-${i}`;
  return { id, kind: kind.className, name, config: kind.defaults(), ...(position ? { position } : {}) };
}

export type ConnectCheck = { ok: true } | { ok: false; reason: string };

function reaches(graph: Graph, from: string, to: string): boolean {
  const outbound = new Map<string, string[]>();
  for (const e of graph.edges) outbound.set(e.source, [...(outbound.get(e.source) ?? []), e.target]);
  const seen = new Set([from]);
  const stack = [from];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id === to) return true;
    for (const next of outbound.get(id) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }
  return false;
}

/**
 * Whether the editor may draw an edge source -> target (its isValidConnection): no self or duplicate edge, no
 * cycle, room for another input, and shapes that fit once connected. The reason says why not, for a tooltip.
 */
/** `sourceIndex`: which output of a multi-output source (an LSTM's h with return_state); 0 the first. */
export function canConnect(graph: Graph, source: string, target: string, sourceIndex = 0): ConnectCheck {
  const s = graph.nodes.find((n) => n.id === source);
  const t = graph.nodes.find((n) => n.id === target);
  if (!s || !t) return { ok: false, reason: 'Connect two layers of this model.' };
  if (source === target) return { ok: false, reason: 'A layer cannot feed itself.' };
  if (graph.edges.some((e) => e.source === source && e.target === target)) {
    return { ok: false, reason: `${s.name} already feeds ${t.name}.` };
  }
  if (t.kind === 'InputLayer') return { ok: false, reason: `${t.name} is an Input; it takes no inputs.` };
  if (reaches(graph, target, source)) {
    return { ok: false, reason: `${t.name} already leads to ${s.name}; this edge would make a loop.` };
  }
  const kind = getLayerKind(t.kind);
  if (kind) {
    const count = inboundEdges(graph).get(target)?.length ?? 0;
    if (count >= kind.inputs.max) {
      return {
        ok: false,
        reason: `${t.name} (${kind.className}) takes ${kind.inputs.max === 1 ? 'one input' : `${kind.inputs.max} inputs`} and already has ${count === 1 ? 'one' : count}; merge the branches with Add or Concatenate first.`,
      };
    }
  }
  const edge = { id: `__candidate__${source}->${target}`, source, target, ...(sourceIndex ? { sourceIndex } : {}) };
  const after = analyzeGraph({ nodes: graph.nodes, edges: [...graph.edges, edge] });
  const before = analyzeGraph(graph);
  const refusing = (code: string): boolean => code === 'shape' || code === 'no-such-output';
  const known = new Set((before.nodes[target]?.errors ?? []).filter((e) => refusing(e.code)).map((e) => e.message));
  const fresh = (after.nodes[target]?.errors ?? []).find((e) => refusing(e.code) && !known.has(e.message));
  return fresh ? { ok: false, reason: fresh.message } : { ok: true };
}
