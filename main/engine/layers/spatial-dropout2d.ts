/**
 * SpatialDropout2D for tfjs-layers, which lacks it (4.22 has only SpatialDropout1D): drops whole channels of a
 * channels-last [batch, rows, cols, channels] tensor during training, as Keras does; identity at inference.
 * Registered under the Keras class name so the compiled model JSON builds with tf.models.modelFromJSON.
 */
import * as tf from '@tensorflow/tfjs';

interface SpatialDropout2DArgs {
  rate: number;
  seed?: number | null;
  dataFormat?: 'channelsLast' | 'channelsFirst' | 'channels_last' | 'channels_first';
  name?: string;
  trainable?: boolean;
  inputShape?: number[];
  batchInputShape?: (number | null)[];
  dtype?: tf.DataType;
}

export class SpatialDropout2D extends tf.layers.Layer {
  static readonly className = 'SpatialDropout2D';
  readonly rate: number;
  readonly seed: number | undefined;
  readonly dataFormat: 'channelsLast' | 'channelsFirst';

  constructor(args: SpatialDropout2DArgs) {
    super(args as unknown as ConstructorParameters<typeof tf.layers.Layer>[0]);
    if (!(args.rate >= 0 && args.rate < 1)) {
      throw new Error(`SpatialDropout2D: rate must be in [0, 1). Received: rate=${args.rate}`);
    }
    this.rate = args.rate;
    this.seed = args.seed ?? undefined;
    const f = args.dataFormat ?? 'channelsLast';
    this.dataFormat = f === 'channels_first' || f === 'channelsFirst' ? 'channelsFirst' : 'channelsLast';
    this.supportsMasking = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    if (x.rank !== 4) throw new Error(`SpatialDropout2D expects a 4-D input, got shape [${x.shape.join(', ')}]`);
    if (!kwargs.training || this.rate === 0) return x;
    const [b, d1, , d3] = x.shape as [number, number, number, number];
    // One keep/drop draw per (sample, channel), broadcast over rows and columns.
    const noiseShape = this.dataFormat === 'channelsLast' ? [b, 1, 1, d3] : [b, d1, 1, 1];
    return tf.dropout(x, this.rate, noiseShape, this.seed);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed ?? null, dataFormat: this.dataFormat === 'channelsLast' ? 'channels_last' : 'channels_first' };
  }
}

