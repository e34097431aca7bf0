/**
 * GRU with Keras 2/3's default reset_after=True, which tfjs-layers 4.22 refuses ("GRUCell does not support
 * reset_after parameter set to true"). With reset_after the reset gate multiplies the recurrent candidate *after*
 * its matmul, and the layer keeps two biases, bias[0] for the input and bias[1] for the recurrent matmul:
 *   z = σ(x Wz + bz0 + h Uz + bz1),  r = σ(x Wr + br0 + h Ur + br1)
 *   hh = tanh(x Wh + bh0 + r * (h Uh + bh1)),  h' = z * h + (1 - z) * hh
 * (keras/src/layers/rnn/gru.py), so weights, parameter counts and outputs match Keras models. reset_after=False
 * keeps tfjs' own cell. Registered under 'GRU', also used inside Bidirectional (which deserialises by class name).
 */
import * as tf from '@tensorflow/tfjs';
import { fusedGruCall } from './fused-gru';
import type { RnnInternals } from './whole-sequence';

type Args = Record<string, unknown> & { resetAfter?: boolean };
type LayerClass = new (args: Args) => tf.layers.Layer;
const TfjsGRUCell = tf.layers.gruCell({ units: 1 }).constructor as unknown as LayerClass;
const TfjsGRU = tf.layers.gru({ units: 1 }).constructor as unknown as LayerClass;

/** Initializers, regularizers and constraints are only passed through to addWeight. */
type Opaque = unknown;

interface CellInternals {
  units: number;
  useBias: boolean;
  dropout: number;
  recurrentDropout: number;
  activation: { apply(x: tf.Tensor): tf.Tensor };
  recurrentActivation: { apply(x: tf.Tensor): tf.Tensor };
  kernelInitializer: Opaque;
  recurrentInitializer: Opaque;
  biasInitializer: Opaque;
  kernelRegularizer: Opaque;
  recurrentRegularizer: Opaque;
  biasRegularizer: Opaque;
  kernelConstraint: Opaque;
  recurrentConstraint: Opaque;
  biasConstraint: Opaque;
  kernel: tf.LayerVariable;
  recurrentKernel: tf.LayerVariable;
  bias: tf.LayerVariable | null;
  dropoutMask: tf.Tensor[] | null;
  recurrentDropoutMask: tf.Tensor[] | null;
  built: boolean;
  addWeight(
    name: string, shape: number[], dtype: null, init: Opaque, reg: Opaque,
    trainable: boolean, constraint: Opaque,
  ): tf.LayerVariable;
}

/** One keep-mask per gate, as tfjs' cells draw them (scaled by 1 / (1 - rate), like K.dropout). */
function masks(like: tf.Tensor, rate: number): tf.Tensor[] {
  return [0, 1, 2].map(() => tf.keep(tf.dropout(tf.onesLike(like), rate)));
}

export class ResetAfterGRUCell extends TfjsGRUCell {
  static readonly className = 'GRUCell';
  readonly resetAfter: boolean;

  constructor(args: Args) {
    super({ ...args, resetAfter: false });
    this.resetAfter = args.resetAfter === true;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    if (!this.resetAfter) return super.build(inputShape);
    const self = this as unknown as CellInternals;
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const inputDim = shape[shape.length - 1] as number;
    const u = self.units;
    self.kernel = self.addWeight('kernel', [inputDim, 3 * u], null, self.kernelInitializer, self.kernelRegularizer, true, self.kernelConstraint);
    self.recurrentKernel = self.addWeight('recurrent_kernel', [u, 3 * u], null, self.recurrentInitializer, self.recurrentRegularizer, true, self.recurrentConstraint);
    self.bias = self.useBias
      ? self.addWeight('bias', [2, 3 * u], null, self.biasInitializer, self.biasRegularizer, true, self.biasConstraint)
      : null;
    self.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    if (!this.resetAfter) return super.call(inputs, kwargs);
    const self = this as unknown as CellInternals;
    return tf.tidy(() => {
      const [xIn, hIn] = inputs as tf.Tensor[];
      let x = xIn!;
      let h = hIn!;
      const training = kwargs['training'] === true;
      if (training && self.dropout > 0 && self.dropout < 1) {
        self.dropoutMask ??= masks(x, self.dropout);
        x = tf.mul(x, self.dropoutMask[0]!);
      }
      if (training && self.recurrentDropout > 0 && self.recurrentDropout < 1) {
        self.recurrentDropoutMask ??= masks(h, self.recurrentDropout);
        h = tf.mul(h, self.recurrentDropoutMask[0]!);
      }
      let matrixX = tf.matMul(x as tf.Tensor2D, self.kernel.read() as tf.Tensor2D) as tf.Tensor;
      let matrixInner = tf.matMul(h as tf.Tensor2D, self.recurrentKernel.read() as tf.Tensor2D) as tf.Tensor;
      if (self.bias) {
        const [inputBias, recurrentBias] = tf.unstack(self.bias.read());
        matrixX = tf.add(matrixX, inputBias!);
        matrixInner = tf.add(matrixInner, recurrentBias!);
      }
      const [xZ, xR, xH] = tf.split(matrixX, 3, -1);
      const [hZ, hR, hH] = tf.split(matrixInner, 3, -1);
      const z = self.recurrentActivation.apply(tf.add(xZ!, hZ!));
      const r = self.recurrentActivation.apply(tf.add(xR!, hR!));
      const hh = self.activation.apply(tf.add(xH!, tf.mul(r, hH!)));
      const next = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), hh));
      return [next, next];
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), resetAfter: this.resetAfter };
  }
}

export class KerasGRU extends TfjsGRU {
  static readonly className = 'GRU';

  constructor(args: Args) {
    super({ ...args, resetAfter: false });
    // The RNN base only stores the cell here; it is built on first use, so swapping it is safe.
    (this as unknown as { cell: tf.layers.Layer }).cell = new ResetAfterGRUCell(args);
  }

  /** On wasm one op per sequence each way (fused-gru.ts) where it applies; tfjs' step loop elsewhere. */
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    return fusedGruCall(this as unknown as RnnInternals & { cell: { resetAfter?: boolean } }, inputs, kwargs ?? {}) ?? super.call(inputs, kwargs);
  }

  static fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(config);
  }
}
