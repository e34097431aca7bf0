/**
 * Keras weights of the sequence kinds -> PyTorch state_dict arrays (the modules sequence-layers.ts writes):
 * Conv1D kernels [k, in, out] -> [out, in, k]; recurrent kernels [in, gates * units] -> weight_ih [gates * units,
 * in] with GRU's gate blocks reordered from Keras' [z, r, h] to PyTorch's [r, z, n] (LSTM's [i, f, c, o] is already
 * PyTorch's [i, f, g, o]); Keras' one bias -> bias_ih with bias_hh = 0, GRU reset_after's two -> bias_ih, bias_hh.
 */
import type { NpyArray } from '../npy';
import { permute } from './weights';

type Convert = (a: string, w: Map<string, NpyArray>) => Record<string, NpyArray>;
type Recurrent = 'SimpleRNN' | 'LSTM' | 'GRU';

/** The last axis' gate blocks of `a` in PyTorch's order (GRU: Keras z, r, h -> r, z, h). */
function torchGateOrder(kind: Recurrent, a: NpyArray): NpyArray {
  if (kind !== 'GRU') return a;
  const width = a.shape[a.shape.length - 1]!;
  const u = width / 3;
  const rows = a.data.length / width;
  const out = new Float32Array(a.data.length);
  for (let r = 0; r < rows; r++) {
    const row = a.data.subarray(r * width, (r + 1) * width);
    out.set(row.subarray(u, 2 * u), r * width);
    out.set(row.subarray(0, u), r * width + u);
    out.set(row.subarray(2 * u), r * width + 2 * u);
  }
  return { shape: a.shape, data: out };
}

const transposed = (kind: Recurrent, k: NpyArray): NpyArray => permute(torchGateOrder(kind, k), [1, 0]);

function recurrentState(kind: Recurrent, prefix: string, w: Map<string, NpyArray>, name: (short: string) => string): Record<string, NpyArray> {
  const out: Record<string, NpyArray> = {
    [`${prefix}.rnn.weight_ih_l0`]: transposed(kind, w.get(name('kernel'))!),
    [`${prefix}.rnn.weight_hh_l0`]: transposed(kind, w.get(name('recurrent_kernel'))!),
  };
  const bias = w.get(name('bias'));
  if (!bias) return out;
  const width = bias.shape[bias.shape.length - 1]!;
  if (bias.shape.length === 2) {
    // GRU reset_after: [input bias; recurrent bias].
    out[`${prefix}.rnn.bias_ih_l0`] = torchGateOrder(kind, { shape: [width], data: bias.data.slice(0, width) });
    out[`${prefix}.rnn.bias_hh_l0`] = torchGateOrder(kind, { shape: [width], data: bias.data.slice(width) });
  } else {
    out[`${prefix}.rnn.bias_ih_l0`] = torchGateOrder(kind, bias);
    out[`${prefix}.rnn.bias_hh_l0`] = { shape: [width], data: new Float32Array(width) };
  }
  return out;
}

const recurrent = (kind: Recurrent): Convert => (a, w) => recurrentState(kind, a, w, (s) => s);

/** Which recurrent kind a Bidirectional wraps: told by the kernel's width (gates * units) over the recurrent kernel's rows (units). */
function wrappedKind(w: Map<string, NpyArray>): Recurrent {
  const rk = w.get('forward_recurrent_kernel')!;
  const gates = rk.shape[1]! / rk.shape[0]!;
  return gates === 4 ? 'LSTM' : gates === 3 ? 'GRU' : 'SimpleRNN';
}

export const TORCH_SEQUENCE_WEIGHTS: Record<'Embedding' | 'Conv1D' | Recurrent | 'Bidirectional', Convert> = {
  Embedding: (a, w) => ({ [`${a}.weight`]: w.get('embeddings')! }),
  Conv1D: (a, w) => ({ [`${a}.weight`]: permute(w.get('kernel')!, [2, 1, 0]), ...(w.has('bias') ? { [`${a}.bias`]: w.get('bias')! } : {}) }),
  SimpleRNN: recurrent('SimpleRNN'),
  LSTM: recurrent('LSTM'),
  GRU: recurrent('GRU'),
  Bidirectional: (a, w) => {
    const kind = wrappedKind(w);
    return {
      ...recurrentState(kind, `${a}.forward_layer`, w, (s) => `forward_${s}`),
      ...recurrentState(kind, `${a}.backward_layer`, w, (s) => `backward_${s}`),
    };
  },
};
