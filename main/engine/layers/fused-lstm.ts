/**
 * LSTM registered under its Keras name, running on wasm as a whole-sequence op with its own gradient
 * (kernels/lstm-sequence.ts, composed by whole-sequence.ts) instead of tfjs' loop of per-step ops: z = x·W + b for
 * all steps in one product, then one kernel for the recurrence; backward one kernel back to the gate gradients dz,
 * then dx, dW, dU and db from large products and a sum. Masks (Embedding mask_zero, Masking), return_sequences and
 * go_backwards (Bidirectional's backward layer) follow tfjs' rnn() exactly; where the kernels do not apply
 * (whole-sequence.ts) tfjs' own LSTM runs.
 */
import * as tf from '@tensorflow/tfjs';
import { LSTM_SEQUENCE, LSTM_SEQUENCE_GRAD } from '../kernels/lstm-sequence';
import { wholeSequenceAvailable, wholeSequenceCall, wholeSequenceOp } from './whole-sequence';
import type { Recurrence, RnnInternals, SequenceOptions } from './whole-sequence';

type LayerClass = new (args: Record<string, unknown>) => tf.layers.Layer;
const TfjsLSTM = tf.layers.lstm({ units: 1 }).constructor as unknown as LayerClass;

const withMask = (inputs: tf.NamedTensorMap, mask: tf.Tensor | null): tf.NamedTensorMap => (mask ? { ...inputs, mask } : inputs);

const lstmCell: Recurrence = {
  gates: 4,
  inputBias: (bias) => bias,
  forward: (xw, recurrentKernel, _bias, mask) => {
    const [h, c, gates] = tf.engine().runKernel(LSTM_SEQUENCE, withMask({ xw, recurrentKernel }, mask), {}) as unknown as tf.Tensor[];
    return { h: h!, keep: [h!, c!, gates!] };
  },
  backward: (dh, recurrentKernel, [h, c, gates], mask) => {
    const [dz, hPrev] = tf.engine().runKernel(LSTM_SEQUENCE_GRAD, withMask({ dh, recurrentKernel, h: h!, c: c!, gates: gates! }, mask), {}) as unknown as tf.Tensor[];
    return { dInput: dz!, dRecurrent: dz!, hPrev: hPrev! };
  },
  biasGradient: (dz) => tf.sum(dz, 0),
};

/**
 * Whether the whole-sequence kernels can run here (wasm with them registered and our SIMD kernels on).
 * @internal The kernel tests check it before comparing against tfjs' loop; layers ask wholeSequenceAvailable.
 */
export const fusedLstmAvailable = () => wholeSequenceAvailable(LSTM_SEQUENCE);

/**
 * An LSTM (sigmoid gates, tanh, Keras gate order i f c o, zero initial state) over x [B, T, D] with kernel [D, 4U],
 * recurrent kernel [U, 4U] and bias [4U]: h of every step [B, T, U], or of the last one [B, U]. `mask` [B, T] (bool
 * or 0/1) marks the steps to process; masked ones carry the state over. Wasm with fusedLstmAvailable() only.
 * @internal The kernel tests call it directly against tfjs' step loop; layers go through whole-sequence.ts.
 */
export function lstmSequence(
  x: tf.Tensor3D, kernel: tf.Tensor2D, recurrent: tf.Tensor2D, bias: tf.Tensor1D | null, mask: tf.Tensor | null, options: SequenceOptions,
): tf.Tensor {
  return wholeSequenceOp(lstmCell, x, kernel, recurrent, bias, mask, options);
}

export class FusedLSTM extends TfjsLSTM {
  static readonly className = 'LSTM';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    return wholeSequenceCall(lstmCell, LSTM_SEQUENCE, this as unknown as RnnInternals, inputs, kwargs ?? {}) ?? super.call(inputs, kwargs);
  }
}
