/**
 * When an RNN layer may run as one whole-sequence op (fused-lstm.ts, fused-gru.ts), and its input prepared as
 * tfjs' rnn() prepares it. Anything the kernels do not compute keeps tfjs' own loop: other activations than tanh
 * and sigmoid gates, dropout while training (random masks per call), return_state, stateful layers, an initial
 * state, other backends, or our SIMD kernels turned off (LAYERLAB_SIMD_KERNELS=0).
 */
import * as tf from '@tensorflow/tfjs';
import { simdKernelsEnabled } from '../kernels/simd/gemm';

/** The fields of tfjs' RNN layers and cells read here (private in its types). */
export interface RnnInternals {
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

/** Whether the kernel `name` runs here (wasm with our kernels registered and on). */
export const wholeSequenceAvailable = (name: string) => tf.getBackend() === 'wasm' && simdKernelsEnabled() && tf.getKernel(name, 'wasm') != null;

/** The layer's input [B, T, D] and mask when the whole-sequence kernel `name` applies, else null. */
export function wholeSequenceInput(layer: RnnInternals, inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>, name: string): { x: tf.Tensor3D; mask: tf.Tensor | null } | null {
  const x = Array.isArray(inputs) ? (inputs.length === 1 ? inputs[0] : undefined) : inputs;
  const cell = layer.cell;
  const dropping = (rate: number) => kwargs['training'] === true && rate > 0 && rate < 1;
  if (!x || x.rank !== 3 || x.dtype !== 'float32' || x.shape[1] === 0 || !wholeSequenceAvailable(name)) return null;
  if (layer.returnState || layer.stateful || kwargs['initialState'] != null || dropping(cell.dropout) || dropping(cell.recurrentDropout)) return null;
  if (cell.activation.getClassName() !== 'tanh' || cell.recurrentActivation.getClassName() !== 'sigmoid') return null;
  const rawMask = kwargs['mask'] as tf.Tensor | tf.Tensor[] | null | undefined;
  return { x: x as tf.Tensor3D, mask: Array.isArray(rawMask) ? (rawMask[0] ?? null) : (rawMask ?? null) };
}

/**
 * x and its mask as the kernels take them: the mask [B, T] as float 0/1, and with go_backwards both reversed in
 * time (rnn() does the same and leaves the outputs in that order).
 */
function sequenceInputs(x: tf.Tensor3D, mask: tf.Tensor | null, goBackwards = false): { input: tf.Tensor3D; mask: tf.Tensor2D | null } {
  const [b, t] = x.shape;
  const m = mask ? (tf.cast(tf.reshape(mask, [b, t]), 'float32') as tf.Tensor2D) : null;
  if (!goBackwards) return { input: x, mask: m };
  return { input: tf.reverse(x, 1), mask: m ? tf.reverse(m, 1) : null };
}

/** h of every step [B, T, U], or of the last one [B, U]. */
const lastOrAll = (h: tf.Tensor, returnSequences: boolean): tf.Tensor => {
  if (returnSequences) return h;
  const [b, t, u] = h.shape as [number, number, number];
  return tf.reshape(tf.slice(h, [0, t - 1, 0], [b, 1, u]), [b, u]);
};

export interface SequenceOptions {
  returnSequences: boolean;
  goBackwards?: boolean;
}

/** One recurrent cell's whole-sequence kernels, as wholeSequenceOp composes them. */
export interface Recurrence {
  /** Columns of the input projection per unit (LSTM 4, GRU 3). */
  gates: number;
  /** The bias added to x·W (LSTM: all of it; GRU: its input row), or null. */
  inputBias(bias: tf.Tensor | null): tf.Tensor | null;
  /** The forward kernel on xw [B, T, gates·U]: h [B, T, U] and the tensors the backward kernel needs. */
  forward(xw: tf.Tensor, recurrent: tf.Tensor, bias: tf.Tensor | null, mask: tf.Tensor | null): { h: tf.Tensor; keep: tf.Tensor[] };
  /** The backward kernel: gradients of x·W + b_in and of h·U (+ b_rec), each [B, T, gates·U], and hPrev [B, T, U]. */
  backward(dh: tf.Tensor, recurrent: tf.Tensor, keep: tf.Tensor[], mask: tf.Tensor | null): { dInput: tf.Tensor; dRecurrent: tf.Tensor; hPrev: tf.Tensor };
  /** The bias gradient from the two above, as [B·T, gates·U] matrices. */
  biasGradient(dInput: tf.Tensor2D, dRecurrent: tf.Tensor2D): tf.Tensor;
}

/**
 * An RNN over x [B, T, D] as one op with its own gradient: the input projection x·W (+ bias) for all steps in one
 * product, the recurrence by the cell's kernel; backward the cell's kernel, then dx = dInput·Wᵀ, dW = xᵀ·dInput and
 * dU = hPrevᵀ·dRecurrent as large products. h of every step [B, T, U] or of the last [B, U].
 */
export function wholeSequenceOp(
  cell: Recurrence, x: tf.Tensor3D, kernel: tf.Tensor2D, recurrent: tf.Tensor2D, bias: tf.Tensor | null, mask: tf.Tensor | null, options: SequenceOptions,
): tf.Tensor {
  const [b, t, d] = x.shape;
  const u = recurrent.shape[0];
  const width = cell.gates * u;
  const { input, mask: m } = sequenceInputs(x, mask, options.goBackwards);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const [xi, w, uk, bi] = args as tf.Tensor[];
    const x2 = tf.reshape(xi!, [b * t, d]) as tf.Tensor2D;
    const inputBias = cell.inputBias(bi ?? null);
    // The bias added as the product is stored where our SIMD kernel takes it (a width of 4s; the whole-sequence path
    // runs only with those kernels on). Elsewhere apart: the stock kernel would refuse a bias row sliced from GRU's
    // [2, 3U] bias (wasm records a reshaped slice's data with its rank 2).
    const fused = inputBias && width % 4 === 0;
    const product = fused ? tf.fused.matMul({ a: x2, b: w as tf.Tensor2D, bias: inputBias }) : tf.matMul(x2, w!);
    const xw = inputBias && !fused ? tf.add(product, inputBias) : product;
    const { h, keep } = cell.forward(tf.reshape(xw, [b, t, width]), uk!, bi ?? null, m);
    save([x2, w!, uk!, ...(m ? [m] : []), ...keep]);
    return {
      value: lastOrAll(h, options.returnSequences),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws, us] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        const ms = m ? saved[3]! : null;
        const { dInput, dRecurrent, hPrev } = cell.backward(dy, us, saved.slice(m ? 4 : 3), ms);
        const di = tf.reshape(dInput, [b * t, width]) as tf.Tensor2D;
        const dr = tf.reshape(dRecurrent, [b * t, width]) as tf.Tensor2D;
        const grads = [
          tf.reshape(tf.matMul(di, ws, false, true), [b, t, d]),
          tf.matMul(xs, di, true, false),
          tf.matMul(tf.reshape(hPrev, [b * t, u]), dr, true, false),
        ];
        return bi ? [...grads, cell.biasGradient(di, dr)] : grads;
      },
    };
  });
  return bias ? op(input, kernel, recurrent, bias) : op(input, kernel, recurrent);
}

/** The layer's whole-sequence op where it applies (see wholeSequenceInput), else null. */
export function wholeSequenceCall(
  cell: Recurrence, name: string, layer: RnnInternals, inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>,
): tf.Tensor | null {
  const fit = wholeSequenceInput(layer, inputs, kwargs, name);
  if (!fit) return null;
  const c = layer.cell;
  return tf.tidy(() =>
    wholeSequenceOp(
      cell, fit.x, c.kernel.read() as tf.Tensor2D, c.recurrentKernel.read() as tf.Tensor2D, c.bias?.read() ?? null, fit.mask,
      { returnSequences: layer.returnSequences, goBackwards: layer.goBackwards },
    ),
  );
}
