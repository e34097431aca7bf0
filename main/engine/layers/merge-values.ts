/**
 * The values of Multiply, Maximum and Minimum where only some inputs mask a step, as Keras 3 computes them
 * (keras/src/layers/merging/multiply.py; base_merge.py `_apply_merge_op_and_or_mask`, used by maximum.py/minimum.py):
 * - Multiply: a masked input's masked entries count as 1; when every input is masked, the product is 0 where the
 *   OR of the masks is false.
 * - Maximum/Minimum: walking the inputs, x = where(mask_x, x, output), output = where(output_mask, output, x), then
 *   op(output, x); so a step masked in one input takes the other's value.
 * tfjs merges the raw values, and its model runner (engine/executor.js) hands a layer only its first input's mask;
 * so each layer's computed mask is recorded against the tensor it belongs to (the runner calls computeMask right
 * after apply), and the merge reads its inputs' masks from there.
 */
import * as tf from '@tensorflow/tfjs';

type Kind = 'multiply' | 'maximum' | 'minimum';
type Mask = tf.Tensor | null;
type Call = (this: tf.layers.Layer, inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => tf.Tensor | tf.Tensor[];
type ComputeMask = (this: tf.layers.Layer, inputs: unknown, mask?: unknown) => unknown;

/** Keras 3's merged values; `masks[i]` is input i's (batch, steps) mask or null. */
export function maskedMergeValues(kind: Kind, xs: tf.Tensor[], masks: Mask[]): tf.Tensor {
  return tf.tidy(() => {
    const ms = masks.map((m, i) => (m ? tf.broadcastTo(tf.expandDims(m, -1), xs[i]!.shape) : null));
    if (kind === 'multiply') {
      const ys = xs.map((x, i) => (ms[i] ? tf.where(ms[i]!, x, tf.onesLike(x)) : x));
      const product = ys.slice(1).reduce((a, y) => tf.mul(a, y), ys[0]!);
      const present = ms.filter((m): m is tf.Tensor => m !== null);
      if (present.length < ms.length) return product;
      const any = present.slice(1).reduce((a, m) => tf.logicalOr(a, m), present[0]!);
      return tf.where(any, product, tf.zerosLike(product));
    }
    const op = kind === 'maximum' ? tf.maximum : tf.minimum;
    let out = xs[0]!;
    let outMask = ms[0] ?? null;
    for (let i = 1; i < xs.length; i++) {
      const m = ms[i] ?? null;
      const x = m ? tf.where(m, xs[i]!, out) : xs[i]!;
      if (outMask) out = tf.where(outMask, out, x);
      outMask = m && outMask ? tf.logicalOr(outMask, m) : null;
      out = op(out, x);
    }
    return out;
  });
}

const maskOf = new WeakMap<object, tf.Tensor>();
const lastOutput = new WeakMap<object, unknown>();
const tracked = new WeakSet<object>();

/**
 * Called by the one wrapper around tfjs' Layer.apply (stale-mask.ts) before and after each apply: records the mask
 * `layer` computes for the output of its latest apply (the runner calls computeMask right after apply).
 */
export function beforeApply(layer: tf.layers.Layer): void {
  if (tracked.has(layer)) return;
  tracked.add(layer);
  const own = layer as unknown as { computeMask: ComputeMask };
  const computeMask = own.computeMask;
  own.computeMask = function (this: tf.layers.Layer, inputs, mask) {
    const m = computeMask.call(this, inputs, mask);
    const out = lastOutput.get(this);
    if (m instanceof tf.Tensor && out instanceof tf.Tensor) maskOf.set(out, m);
    return m;
  };
}

export function afterApply(layer: tf.layers.Layer, out: unknown): void {
  lastOutput.set(layer, out);
}

let installed = false;

/** Idempotent; installed with the custom layers (layers/index.ts). */
export function kerasMergeValues(): void {
  if (installed) return;
  installed = true;
  const kinds: [tf.layers.Layer, Kind][] = [[tf.layers.multiply({}), 'multiply'], [tf.layers.maximum({}), 'maximum'], [tf.layers.minimum({}), 'minimum']];
  for (const [layer, kind] of kinds) {
    const merge = layer.constructor.prototype as { call: Call };
    const call = merge.call;
    merge.call = function (inputs, kwargs) {
      const xs = Array.isArray(inputs) ? inputs : [inputs];
      // A nested model's runner (container.js) hands every input's mask; the top-level one only the first's.
      const given = kwargs['mask'];
      const masks = Array.isArray(given) && given.length === xs.length ? (given as Mask[]).map((m) => m ?? null) : xs.map((x) => maskOf.get(x) ?? null);
      // Inputs of different shapes broadcast in tfjs' own call; masked sequences share one shape.
      if (masks.every((m) => m === null) || xs.some((x) => !tf.util.arraysEqual(x.shape, xs[0]!.shape))) return call.call(this, inputs, kwargs);
      return maskedMergeValues(kind, xs, masks);
    };
  }
}
