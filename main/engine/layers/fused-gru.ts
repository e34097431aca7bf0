/**
 * The GRU with Keras' reset_after=True (keras-gru.ts) on wasm as a whole-sequence op with its own gradient
 * (kernels/gru-sequence.ts, composed by whole-sequence.ts), as fused-lstm.ts does for the LSTM: x·W + b_in for all
 * steps in one product, the recurrence in one kernel; backward one kernel back to the gate gradients, then dx, dW,
 * dU and the two bias rows from large products and sums. reset_after=False, and whatever whole-sequence.ts refuses,
 * keeps the step loop.
 */
import * as tf from '@tensorflow/tfjs';
import { GRU_SEQUENCE, GRU_SEQUENCE_GRAD } from '../kernels/gru-sequence';
import { wholeSequenceCall, wholeSequenceOp } from './whole-sequence';
import type { Recurrence, RnnInternals, SequenceOptions } from './whole-sequence';

const withMask = (inputs: tf.NamedTensorMap, mask: tf.Tensor | null): tf.NamedTensorMap => (mask ? { ...inputs, mask } : inputs);
/** Row r of the [2, 3U] bias (0: added to x·W, 1: to h·U). */
const biasRow = (bias: tf.Tensor, r: number) => tf.reshape(tf.slice(bias, [r, 0], [1, bias.shape[1]!]), [bias.shape[1]!]);

const gruCell: Recurrence = {
  gates: 3,
  inputBias: (bias) => (bias ? biasRow(bias, 0) : null),
  forward: (xw, recurrentKernel, bias, mask) => {
    const inputs = withMask(bias ? { xw, recurrentKernel, recurrentBias: biasRow(bias, 1) } : { xw, recurrentKernel }, mask);
    const [h, gates] = tf.engine().runKernel(GRU_SEQUENCE, inputs, {}) as unknown as tf.Tensor[];
    return { h: h!, keep: [h!, gates!] };
  },
  backward: (dh, recurrentKernel, [h, gates], mask) => {
    const [dInput, dRecurrent, hPrev] = tf.engine().runKernel(GRU_SEQUENCE_GRAD, withMask({ dh, recurrentKernel, h: h!, gates: gates! }, mask), {}) as unknown as tf.Tensor[];
    return { dInput: dInput!, dRecurrent: dRecurrent!, hPrev: hPrev! };
  },
  biasGradient: (dInput, dRecurrent) => tf.stack([tf.sum(dInput, 0), tf.sum(dRecurrent, 0)]),
};

/**
 * A reset_after GRU (sigmoid gates, tanh, Keras gate order z r h, zero initial state) over x [B, T, D] with kernel
 * [D, 3U], recurrent kernel [U, 3U] and bias [2, 3U] (input row, recurrent row): h of every step or of the last.
 * Masked steps carry h over. Wasm with the kernels registered only.
 * @internal The kernel tests call it directly against tfjs' step loop; layers go through whole-sequence.ts.
 */
export function gruSequence(
  x: tf.Tensor3D, kernel: tf.Tensor2D, recurrent: tf.Tensor2D, bias: tf.Tensor2D | null, mask: tf.Tensor | null, options: SequenceOptions,
): tf.Tensor {
  return wholeSequenceOp(gruCell, x, kernel, recurrent, bias, mask, options);
}

/** The whole-sequence path for a KerasGRU layer, or null where it does not apply (then tfjs' loop runs). */
export function fusedGruCall(layer: RnnInternals & { cell: { resetAfter?: boolean } }, inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | null {
  return layer.cell.resetAfter === true ? wholeSequenceCall(gruCell, GRU_SEQUENCE, layer, inputs, kwargs) : null;
}
