/**
 * tfjs-layers 4.22's model runner (engine/executor.js `execute`) hands each layer its input's mask as
 * `kwargs.mask`, but it writes into one kwargs object shared by every layer of the call and never clears it. A layer
 * whose input carries no mask therefore still receives the last mask set for an earlier layer. With
 * Embedding(mask_zero) -> Conv1D -> LSTM the LSTM skipped the padded steps although Conv1D ends the mask (as in
 * Keras: Conv1D does not support masking), so training, the PyTorch export and Keras disagreed; a mask-aware
 * GlobalAveragePooling1D after such a Conv1D would average over the Embedding's mask.
 *
 * The fix: after each layer's apply, the mask it was handed is removed from that object, so the next layer sees a
 * mask only when the runner sets one for it (from the masks its own inputs carry, which the runner tracks correctly
 * apart from kwargs). Nothing else changes: a wrapper calls its inner layers through `call`, inside its own apply.
 * This is the one wrapper around Layer.apply (it runs for every layer of every batch): merge-values.ts records each
 * layer's output mask through it rather than wrapping apply a second time.
 */
import * as tf from '@tensorflow/tfjs';
import { afterApply, beforeApply } from './merge-values';

type Apply = (this: tf.layers.Layer, inputs: unknown, kwargs?: Record<string, unknown>) => unknown;

let installed = false;

/** Idempotent; installed with the custom layers (layers/index.ts). */
export function clearMasksAfterApply(): void {
  if (installed) return;
  installed = true;
  const proto = tf.layers.Layer.prototype as unknown as { apply: Apply };
  const apply = proto.apply;
  proto.apply = function (this: tf.layers.Layer, inputs: unknown, kwargs?: Record<string, unknown>): unknown {
    beforeApply(this);
    try {
      const out = apply.call(this, inputs, kwargs);
      afterApply(this, out);
      return out;
    } finally {
      if (kwargs && 'mask' in kwargs) delete kwargs['mask'];
    }
  };
}
