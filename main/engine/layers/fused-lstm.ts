/**
 * LSTM registered under its Keras name, running on wasm as a whole-sequence op with its own gradient
 * (kernels/lstm-sequence.ts) instead of tfjs' loop of per-step ops. Forward: z = x·W + b for all steps in one
 * product, then one kernel for the recurrence. Backward: one kernel walking the steps back to the gate gradients dz,
 * then dx = dz·Wᵀ, dW = xᵀ·dz, dU = hPrevᵀ·dz and db = Σ dz as large products. Masks (Embedding mask_zero, Masking),
 * return_sequences and go_backwards (Bidirectional's backward layer) follow tfjs' rnn() exactly; anything else
 * (other activations, dropout while training, return_state, stateful, an initial state, other backends) keeps
 * tfjs' own LSTM.
 */
import * as tf from '@tensorflow/tfjs';
import { LSTM_SEQUENCE, LSTM_SEQUENCE_GRAD } from '../kernels/lstm-sequence';
import { simdKernelsEnabled } from '../kernels/simd/gemm';

type LayerClass = new (args: Record<string, unknown>) => tf.layers.Layer;
const TfjsLSTM = tf.layers.lstm({ units: 1 }).constructor as unknown as LayerClass;

/** The fields of tfjs' LSTM layer and cell read here (private in its types). */
interface LstmInternals {
  returnSequences: boolean;
  returnState: boolean;
  goBackwards: boolean;
  stateful: boolean;
  cell: {
    units: number;
    dropout: number;
    recurrentDropout: number;
    activation: { getClassName(): string };
    recurrentActivation: { getClassName(): string };
    kernel: tf.LayerVariable;
    recurrentKernel: tf.LayerVariable;
    bias: tf.LayerVariable | null;
  };
}

export interface SequenceOptions {
  returnSequences: boolean;
  goBackwards?: boolean;
}

/** Whether the whole-sequence kernels can run here (wasm with them registered and our SIMD kernels on). */
export const fusedLstmAvailable = () => tf.getBackend() === 'wasm' && simdKernelsEnabled() && tf.getKernel(LSTM_SEQUENCE, 'wasm') != null;

/**
 * An LSTM (sigmoid gates, tanh, Keras gate order i f c o, zero initial state) over x [B, T, D] with kernel [D, 4U],
 * recurrent kernel [U, 4U] and bias [4U]: h of every step [B, T, U], or of the last one [B, U]. `mask` [B, T] (bool
 * or 0/1) marks the steps to process; masked ones carry the state over. Wasm with fusedLstmAvailable() only.
 */
export function lstmSequence(
  x: tf.Tensor3D, kernel: tf.Tensor2D, recurrent: tf.Tensor2D, bias: tf.Tensor1D | null, mask: tf.Tensor | null, options: SequenceOptions,
): tf.Tensor {
  const [b, t, d] = x.shape;
  const u = recurrent.shape[0];
  let m = mask ? tf.cast(tf.reshape(mask, [b, t]), 'float32') : null;
  let input = x;
  if (options.goBackwards) {
    // As rnn() does: the steps in reverse order, and the outputs left in that order.
    input = tf.reverse(x, 1);
    m = m ? tf.reverse(m, 1) : null;
  }
  const maskInput: tf.NamedTensorMap = m ? { mask: m } : {};
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const [xi, w, uk, bi] = args as tf.Tensor[];
    const x2 = tf.reshape(xi!, [b * t, d]);
    const xw = bi ? tf.fused.matMul({ a: x2 as tf.Tensor2D, b: w as tf.Tensor2D, bias: bi }) : tf.matMul(x2, w!);
    const [h, c, gates] = tf.engine().runKernel(LSTM_SEQUENCE, { xw: tf.reshape(xw, [b, t, 4 * u]), recurrentKernel: uk!, ...maskInput }, {}) as unknown as tf.Tensor[];
    save([x2, w!, uk!, h!, c!, gates!, ...(m ? [m] : [])]);
    const value = options.returnSequences ? h! : tf.reshape(tf.slice(h!, [0, t - 1, 0], [b, 1, u]), [b, u]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws, us, hs, cs, gs, ms] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor?];
        const [dz, hPrev] = tf.engine().runKernel(LSTM_SEQUENCE_GRAD, { dh: dy, recurrentKernel: us, h: hs, c: cs, gates: gs, ...(ms ? { mask: ms } : {}) } as tf.NamedTensorMap, {}) as unknown as tf.Tensor[];
        const dz2 = tf.reshape(dz!, [b * t, 4 * u]);
        const grads = [
          tf.reshape(tf.matMul(dz2, ws, false, true), [b, t, d]),
          tf.matMul(xs, dz2, true, false),
          tf.matMul(tf.reshape(hPrev!, [b * t, u]), dz2, true, false),
        ];
        return bi ? [...grads, tf.sum(dz2, 0)] : grads;
      },
    };
  });
  return bias ? op(input, kernel, recurrent, bias) : op(input, kernel, recurrent);
}

/** The whole-sequence path for an LSTM layer, or null where it does not apply (then tfjs' own runs). */
export function fusedLstmCall(layer: LstmInternals, inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | null {
  const x = Array.isArray(inputs) ? (inputs.length === 1 ? inputs[0] : undefined) : inputs;
  const cell = layer.cell;
  const training = kwargs['training'] === true;
  const dropping = (rate: number) => training && rate > 0 && rate < 1;
  if (!x || x.rank !== 3 || x.dtype !== 'float32' || x.shape[1] === 0 || !fusedLstmAvailable()) return null;
  if (layer.returnState || layer.stateful || kwargs['initialState'] != null || dropping(cell.dropout) || dropping(cell.recurrentDropout)) return null;
  if (cell.activation.getClassName() !== 'tanh' || cell.recurrentActivation.getClassName() !== 'sigmoid') return null;
  const rawMask = kwargs['mask'] as tf.Tensor | tf.Tensor[] | null | undefined;
  const mask = Array.isArray(rawMask) ? (rawMask[0] ?? null) : (rawMask ?? null);
  return tf.tidy(() =>
    lstmSequence(
      x as tf.Tensor3D, cell.kernel.read() as tf.Tensor2D, cell.recurrentKernel.read() as tf.Tensor2D,
      (cell.bias?.read() as tf.Tensor1D | undefined) ?? null, mask, { returnSequences: layer.returnSequences, goBackwards: layer.goBackwards },
    ),
  );
}

export class FusedLSTM extends TfjsLSTM {
  static readonly className = 'LSTM';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    return fusedLstmCall(this as unknown as LstmInternals, inputs, kwargs ?? {}) ?? super.call(inputs, kwargs);
  }
}
