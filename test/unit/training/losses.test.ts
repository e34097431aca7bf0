// The loss table (shared/losses.ts) against tfjs: each loss, given labels encoded as the table says and the output
// activation it expects, evaluates to the value Keras' formula gives; and the rules that read the table.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { lossFunction } from '../../../main/engine/training/losses';
import { isClassificationLoss, LOSS_NAMES, LOSSES } from '../../../shared/losses';
import { parseTrainingConfig, TrainingConfigSchema } from '../../../shared/training';

/** Three samples, three classes; the activation the table names applied to fixed logits. */
const logits = [
  [2, 0.5, -1],
  [0.1, 1.5, 0.2],
  [-0.5, 0, 3],
];
const classes = [0, 1, 2];

function predictions(output: 'softmax' | 'sigmoid' | 'linear'): tf.Tensor {
  const raw = tf.tensor2d(output === 'softmax' ? logits : logits.map((r) => [r[0]]));
  return output === 'softmax' ? tf.softmax(raw) : output === 'sigmoid' ? tf.sigmoid(raw) : raw;
}

function labels(name: (typeof LOSS_NAMES)[number]): tf.Tensor {
  const spec = LOSSES[name];
  if (spec.labels === 'onehot') return tf.oneHot(tf.tensor1d(classes, 'int32'), 3).toFloat();
  // Sparse: the class index (one column); binary and regression losses take one value per sample.
  return tf.tensor2d(spec.output === 'softmax' ? classes.map((c) => [c]) : [[1], [0], [1]]);
}

describe('loss table', () => {
  it('lists every loss the config accepts', () => {
    for (const loss of LOSS_NAMES) expect(TrainingConfigSchema.safeParse({ loss }).success, loss).toBe(true);
    expect(TrainingConfigSchema.safeParse({ loss: 'hinge' }).success).toBe(false);
  });

  it.each(LOSS_NAMES)('%s evaluates on labels and outputs encoded as the table says', (loss) => {
    const value = tf.mean(lossFunction({ loss, huber_delta: 1 })(labels(loss), predictions(LOSSES[loss].output))).dataSync()[0];
    expect(Number.isFinite(value)).toBe(true);
    if (LOSSES[loss].output === 'softmax') {
      // -mean(log p[true class]) with p = softmax(logits): Keras' cross-entropy on the same numbers.
      const expected = -tf.mean(tf.log(tf.sum(tf.mul(tf.softmax(tf.tensor2d(logits)), tf.oneHot(tf.tensor1d(classes, 'int32'), 3)), 1))).dataSync()[0];
      expect(value).toBeCloseTo(expected, 5);
    }
  });

  it('the classification losses are the cross-entropies; class weights need one', () => {
    expect(LOSS_NAMES.filter(isClassificationLoss)).toEqual(['sparse_categorical_crossentropy', 'categorical_crossentropy', 'binary_crossentropy']);
    expect(isClassificationLoss('not-a-loss')).toBe(false);
    const refused = parseTrainingConfig({ loss: 'mse', class_weight: { '0': 1, '1': 2 } });
    expect(refused.ok).toBe(false);
    expect(refused.ok ? '' : refused.message).toMatch(/class weights need a classification loss, not 'mse'/);
    expect(parseTrainingConfig({ loss: 'binary_crossentropy', class_weight: { '0': 1, '1': 2 } }).ok).toBe(true);
  });
});
