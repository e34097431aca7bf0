/**
 * A whole split as two tensors, for the benchmark that times model.fit on them (a run feeds batches through the
 * dataset manager's createFeeder instead).
 */
import * as tf from '@tensorflow/tfjs';
import type { LoadedSplit } from '../main/datasets/types';

export interface SplitTensors {
  /** [n, ...inputShape], float32, pixels scaled to [0, 1]. */
  x: tf.Tensor;
  /** [n, classes] one-hot. */
  y: tf.Tensor;
  count: number;
}

/** Normalises to [0, 1] (uint8 data) and reshapes to the model's input; labels one-hot over `classes`. */
export function toTensors(split: LoadedSplit, inputShape: number[], classes: number): SplitTensors {
  const per = split.sampleShape.reduce((a, b) => a * b, 1);
  const want = inputShape.reduce((a, b) => a * b, 1);
  if (per !== want) {
    throw new Error(
      `the dataset's samples are [${split.sampleShape.join(', ')}] = ${per} values but the model takes [${inputShape.join(', ')}] = ${want}: ` +
        `change the InputLayer shape (e.g. [${split.sampleShape.join(', ')}] or [${per}] with a Flatten/Reshape)`,
    );
  }
  const scale = split.x instanceof Uint8Array ? 1 / 255 : 1;
  const xs = new Float32Array(split.count * per);
  for (let i = 0; i < xs.length; i++) xs[i] = (split.x[i] as number) * scale;
  const labels = Int32Array.from(split.y as ArrayLike<number>);
  for (const l of labels) {
    if (l < 0 || l >= classes) throw new Error(`label ${l} does not fit a model with ${classes} outputs: the last layer needs at least ${l + 1} units`);
  }
  return tf.tidy(() => ({
    x: tf.tensor(xs, [split.count, ...inputShape]),
    y: tf.oneHot(tf.tensor1d(labels, 'int32'), classes).toFloat(),
    count: split.count,
  }));
}
