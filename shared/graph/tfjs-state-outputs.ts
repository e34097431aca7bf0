/**
 * A workaround for tfjs-layers 4.22: an RNN with return_state and without return_sequences returns the same tensor
 * object as its output and as its state h (Keras' last output is h). Read through both tensor indices, tfjs' graph
 * executor counts them as two tensors and disposes the shared one when the readers of one are done, so the readers
 * of the other fail ("Cannot read properties of undefined (reading 'backend')"). Rewriting the reads of output 0 to
 * output 1 changes no value and leaves one tensor with its readers counted together.
 */
import type { ModelSpec } from './types';

type Ref = [string, number, number, ...unknown[]];

const RECURRENT = new Set(['SimpleRNN', 'LSTM', 'GRU']);

function isRef(v: unknown): v is Ref {
  return Array.isArray(v) && typeof v[0] === 'string' && typeof v[1] === 'number' && typeof v[2] === 'number';
}

/** The spec with output 0 of such layers read as output 1 wherever both are read; the spec itself when none. */
export function shareLastOutputState(spec: ModelSpec): ModelSpec {
  if (spec.class_name === 'Sequential') return spec;
  const layers = spec.config.layers;
  const refs = (layers.flatMap((l) => l.inbound_nodes ?? []) as unknown[]).flatMap((node) => (Array.isArray(node) ? node.filter(isRef) : []));
  const readsState = new Set(refs.filter((r) => r[2] >= 1).map((r) => r[0]));
  const same = new Set(
    layers
      .filter((l) => RECURRENT.has(l.class_name) && l.config['return_state'] === true && l.config['return_sequences'] !== true)
      .map((l) => String(l.config['name'] ?? l.name))
      .filter((name) => readsState.has(name)),
  );
  if (same.size === 0) return spec;
  const swap = <R extends [string, number, number, ...unknown[]]>(r: R): R => (same.has(r[0]) && r[2] === 0 ? ([r[0], r[1], 1, ...r.slice(3)] as R) : r);
  return {
    ...spec,
    config: {
      ...spec.config,
      layers: layers.map((l) =>
        l.inbound_nodes ? { ...l, inbound_nodes: l.inbound_nodes.map((node) => (Array.isArray(node) ? node.map((r) => (isRef(r) ? swap(r) : r)) : node)) } : l,
      ),
      ...(spec.config.output_layers ? { output_layers: spec.config.output_layers.map(swap) } : {}),
    },
  };
}
