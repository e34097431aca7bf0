/**
 * What stock TensorFlow.js (tfjs-layers 4.x) cannot run, or runs differently, in a TF.js export, and the fix written
 * beside model.json.
 * Layerlab trains with its own classes for Keras behaviours (main/engine/layers/keras-gru.ts, causal-conv1d.ts):
 * - GRU with reset_after=True (Keras 2/3's default): stock tfjs refuses to load the model ("GRUCell does not support
 *   reset_after parameter set to true");
 * - Conv1D with padding='causal': stock tfjs loads it, then fails when it runs ("The support for CAUSAL padding mode
 *   in conv1dWithBias is not implemented yet");
 * - masks as Keras carries them (masked-global-average-pooling1d.ts, mask-passing-activations.ts, stale-mask.ts),
 *   where stock tfjs computes something else silently: it averages the padding into a masked
 *   GlobalAveragePooling1D, drops a mask at LeakyReLU/ELU, and applies a mask to layers after one that ended it.
 * A user serving the model with stock tfjs needs the same layers: layerlab-layers.js registers them (prediction
 * only: the GRU's dropout is not applied) for any tfjs 4.x namespace.
 */
import { analyzeGraph, importModelJson } from '../../shared/graph';
import { maskFlow, maskRole } from '../../shared/graph/mask-flow';
import type { ModelSpec } from '../../shared/graph/types';

export const TFJS_LAYERS_FILE = 'layerlab-layers.js';

type SavedLayer = { class_name: string; config: Record<string, unknown> };

function gapOf(layer: SavedLayer): string | undefined {
  const c = layer.config;
  if (layer.class_name === 'GRU' && c.reset_after === true) return `'${String(c.name)}' (GRU, reset_after=true)`;
  if (layer.class_name === 'Conv1D' && c.padding === 'causal') return `'${String(c.name)}' (Conv1D, padding='causal')`;
  const inner = c.layer as SavedLayer | undefined;
  if (layer.class_name === 'Bidirectional' && inner?.class_name === 'GRU' && inner.config.reset_after === true) {
    return `'${String(c.name)}' (Bidirectional GRU, reset_after=true)`;
  }
  // A nested model (an imported backbone) holds layers of its own.
  const nested = (c.layers as SavedLayer[] | undefined) ?? [];
  const found = nested.map(gapOf).filter((g): g is string => g !== undefined);
  return found.length ? found.join(', ') : undefined;
}

/**
 * Where stock tfjs computes a mask differently from Layerlab (and Keras), silently: its GlobalAveragePooling1D
 * averages the padding in, and its model runner hands the last mask set to every later layer, so a recurrent layer
 * or average pool after a layer that ended the mask (Conv1D, Flatten...) still skips the padded steps
 * (main/engine/layers/stale-mask.ts).
 */
function maskGaps(saved: ModelSpec): string[] {
  const graph = importModelJson(saved);
  const order = analyzeGraph(graph).order;
  const flow = maskFlow(graph, order);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const gaps: string[] = [];
  let masked = false;
  for (const id of order) {
    const node = byId.get(id)!;
    const mask = flow.get(id)!;
    if (node.kind === 'GlobalAveragePooling1D' && mask.input) gaps.push(`'${node.name}' (GlobalAveragePooling1D over a masked sequence)`);
    else if ((node.kind === 'LeakyReLU' || node.kind === 'ELU') && mask.input) gaps.push(`'${node.name}' (${node.kind} handing a mask on)`);
    else if (maskRole(node.kind) === 'merges' && mask.inputs.some((m) => m !== null)) gaps.push(`'${node.name}' (${node.kind} of masked sequences)`);
    else if (masked && !mask.input && maskRole(node.kind) === 'uses') gaps.push(`'${node.name}' (${node.kind} after the mask ended)`);
    masked ||= mask.outputs.some((m) => m !== null);
  }
  return gaps;
}

/** The saved model's layers that stock tfjs cannot run, described for a note (empty: stock tfjs runs it all). */
export function stockTfjsGaps(saved: ModelSpec): string[] {
  return [...(saved.config.layers as SavedLayer[]).map(gapOf).filter((g): g is string => g !== undefined), ...maskGaps(saved)];
}

export function stockTfjsNote(gaps: readonly string[]): string {
  const how = [
    ...(gaps.some((g) => g.includes('reset_after')) ? ['refuses to load a GRU with reset_after=true'] : []),
    ...(gaps.some((g) => g.includes('causal')) ? ['fails when a causal Conv1D predicts'] : []),
    ...(gaps.some((g) => g.includes('masked sequence')) ? ['averages the padding into a masked GlobalAveragePooling1D'] : []),
    ...(gaps.some((g) => g.includes('mask ended')) ? ['still applies an ended mask to the layers after it'] : []),
    ...(gaps.some((g) => g.includes('handing a mask on')) ? ['drops the mask at LeakyReLU and ELU'] : []),
    ...(gaps.some((g) => g.includes('of masked sequences')) ? ['combines the masks of merged sequences otherwise, or fails on them'] : []),
  ];
  return (
    `${gaps.join(', ')}: stock @tensorflow/tfjs 4.x cannot run ${gaps.length > 1 ? 'these layers' : 'this layer'} as Layerlab does ` +
    `(it ${how.join(' and ')}). ${TFJS_LAYERS_FILE} (written beside model.json) ` +
    `adds ${gaps.length > 1 ? 'them' : 'it'}: call registerLayerlabLayers(tf) before tf.loadLayersModel (README.md shows how); ` +
    `or set reset_after=false / padding='same' / mask_zero=false and retrain.`
  );
}

export const TFJS_LAYERS_README = `
## Layers stock TF.js lacks
This model has a GRU with Keras' default \`reset_after=true\`, a causal Conv1D or a sequence mask (Embedding
\`mask_zero\`, Masking) that Layerlab carries as Keras does, which stock \`@tensorflow/tfjs\` 4.x cannot run or
computes differently. Register Layerlab's layers first (prediction only):
\`\`\`js
import * as tf from '@tensorflow/tfjs';
import { registerLayerlabLayers } from './${TFJS_LAYERS_FILE}';
registerLayerlabLayers(tf);
const model = await tf.loadLayersModel('http://localhost:8080/model.json');
\`\`\`
Keras and \`tensorflowjs_converter\` read these layers without it.
`;

/** layerlab-layers.js: the two layer classes for a stock tfjs namespace, as Layerlab computes them. */
export const TFJS_LAYERS_JS = `/**
 * Layers of this Layerlab export that stock TensorFlow.js 4.x cannot run, computed as Layerlab (and Keras) computes
 * them. Call registerLayerlabLayers(tf) once, before tf.loadLayersModel; it replaces tfjs' 'GRU' and 'Conv1D'
 * classes with subclasses that keep tfjs' behaviour for everything else.
 * - GRU reset_after=true: the reset gate multiplies the recurrent candidate after its matmul, and bias has two rows
 *   (input, recurrent): z = s(x Wz + bz0 + h Uz + bz1), r = s(x Wr + br0 + h Ur + br1),
 *   h~ = tanh(x Wh + bh0 + r * (h Uh + bh1)), h' = z * h + (1 - z) * h~. Prediction only: dropout is not applied.
 * - Conv1D padding='causal': dilation * (kernel - 1) zeros before the first step, then a valid convolution.
 * - GlobalAveragePooling1D over a masked sequence (Embedding mask_zero, Masking): the mean over the unmasked steps
 *   only, as Keras computes it (a row with every step masked gives zeros; Keras: NaN).
 * - LeakyReLU and ELU hand their input's mask on, as Keras' do (stock tfjs drops it there).
 * - Merges combine masks as Keras 3 does: Add and the like keep a mask only if every input has one (their OR),
 *   Concatenate keeps a step any input keeps (stock tfjs fails on Add of two masked sequences, and ANDs in
 *   Concatenate).
 * - Multiply, Maximum and Minimum where only some inputs mask a step compute Keras 3's values: a masked entry counts
 *   as 1 in Multiply (0 where every input masks the step), as the other input's value in Maximum and Minimum.
 * - Masks end where Keras ends them: stock tfjs hands the last mask it set to every later layer (one shared kwargs
 *   object), so an LSTM after a Conv1D would still skip the padding; each layer's mask is cleared after its call.
 */
export function registerLayerlabLayers(tf) {
  const StockGRUCell = tf.layers.gruCell({ units: 1 }).constructor;
  const StockGRU = tf.layers.gru({ units: 1 }).constructor;
  const StockConv1D = tf.layers.conv1d({ filters: 1, kernelSize: 1 }).constructor;
  const StockGlobalAveragePooling1D = tf.layers.globalAveragePooling1d({}).constructor;

  class GRUCell extends StockGRUCell {
    constructor(args) {
      super({ ...args, resetAfter: false });
      this.resetAfter = args.resetAfter === true;
    }

    build(inputShape) {
      if (!this.resetAfter) return super.build(inputShape);
      const shape = Array.isArray(inputShape[0]) ? inputShape[0] : inputShape;
      const gates = 3 * this.units;
      this.kernel = this.addWeight('kernel', [shape[shape.length - 1], gates], null, this.kernelInitializer,
        this.kernelRegularizer, true, this.kernelConstraint);
      this.recurrentKernel = this.addWeight('recurrent_kernel', [this.units, gates], null, this.recurrentInitializer,
        this.recurrentRegularizer, true, this.recurrentConstraint);
      this.bias = this.useBias
        ? this.addWeight('bias', [2, gates], null, this.biasInitializer, this.biasRegularizer, true, this.biasConstraint)
        : null;
      this.built = true;
    }

    call(inputs, kwargs) {
      if (!this.resetAfter) return super.call(inputs, kwargs);
      return tf.tidy(() => {
        const [x, h] = inputs;
        let fromInput = tf.matMul(x, this.kernel.read());
        let fromState = tf.matMul(h, this.recurrentKernel.read());
        if (this.bias) {
          const rows = tf.unstack(this.bias.read());
          fromInput = tf.add(fromInput, rows[0]);
          fromState = tf.add(fromState, rows[1]);
        }
        const inputParts = tf.split(fromInput, 3, -1);
        const stateParts = tf.split(fromState, 3, -1);
        const update = this.recurrentActivation.apply(tf.add(inputParts[0], stateParts[0]));
        const reset = this.recurrentActivation.apply(tf.add(inputParts[1], stateParts[1]));
        const candidate = this.activation.apply(tf.add(inputParts[2], tf.mul(reset, stateParts[2])));
        const next = tf.add(tf.mul(update, h), tf.mul(tf.sub(1, update), candidate));
        return [next, next];
      });
    }

    getConfig() {
      return { ...super.getConfig(), resetAfter: this.resetAfter };
    }
  }
  GRUCell.className = 'GRUCell';

  class GRU extends StockGRU {
    constructor(args) {
      super({ ...args, resetAfter: false });
      this.cell = new GRUCell(args);
    }

    static fromConfig(cls, config) {
      return new cls(config);
    }
  }
  GRU.className = 'GRU';

  class Conv1D extends StockConv1D {
    call(inputs, kwargs) {
      if (this.padding !== 'causal') return super.call(inputs, kwargs);
      return tf.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0] : inputs;
        const dilation = Array.isArray(this.dilationRate) ? this.dilationRate[0] : this.dilationRate;
        const padded = tf.pad(x, [[0, 0], [dilation * (this.kernelSize[0] - 1), 0], [0, 0]]);
        let y = tf.conv1d(padded, this.kernel.read(), this.strides[0], 'valid', 'NWC', dilation);
        if (this.useBias && this.bias) y = tf.add(y, this.bias.read());
        return this.activation.apply(y);
      });
    }

    computeOutputShape(inputShape) {
      if (this.padding !== 'causal') return super.computeOutputShape(inputShape);
      this.padding = 'same'; // a causal output is as long as a 'same' one: ceil(steps / stride)
      try {
        return super.computeOutputShape(inputShape);
      } finally {
        this.padding = 'causal';
      }
    }
  }
  Conv1D.className = 'Conv1D';

  class GlobalAveragePooling1D extends StockGlobalAveragePooling1D {
    constructor(args) {
      super(args || {});
      this.supportsMasking = true; // receive the mask; computeMask ends it
    }

    call(inputs, kwargs) {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const raw = kwargs ? kwargs.mask : null;
      const mask = Array.isArray(raw) ? raw[0] : raw;
      if (!mask || mask.shape.length !== 2 || mask.shape[0] !== x.shape[0] || mask.shape[1] !== x.shape[1]) {
        return super.call(inputs, kwargs);
      }
      return tf.tidy(() => {
        const m = tf.expandDims(tf.cast(mask, x.dtype), 2);
        return tf.div(tf.sum(tf.mul(x, m), 1), tf.maximum(tf.sum(m, 1), 1));
      });
    }

    computeMask() {
      return null;
    }
  }
  GlobalAveragePooling1D.className = 'GlobalAveragePooling1D';

  const passingMask = (Stock, className) => {
    const cls = class extends Stock {
      constructor(args) {
        super(args || {});
        this.supportsMasking = true;
      }
    };
    cls.className = className;
    return cls;
  };
  const concatenate = tf.layers.concatenate({}).constructor.prototype;
  const merge = Object.getPrototypeOf(tf.layers.add({}).constructor.prototype);
  merge.computeMask = (inputs, masks) => {
    if (!Array.isArray(masks) || masks.length === 0 || masks.some((m) => m == null)) return null;
    return tf.tidy(() => masks.slice(1).reduce((a, m) => tf.logicalOr(a, m), masks[0]));
  };
  concatenate.computeMask = function (inputs, masks) {
    if (!Array.isArray(masks) || masks.every((m) => m == null)) return null;
    const list = Array.isArray(inputs) ? inputs : [inputs];
    return tf.tidy(() => {
      const parts = list.map((x, i) => {
        const m = masks[i];
        if (m == null) return tf.onesLike(x).cast('bool');
        return m.rank < x.rank ? tf.logicalOr(tf.expandDims(m, -1), tf.zerosLike(x).cast('bool')) : m;
      });
      return tf.any(tf.concat(parts, this.axis == null ? -1 : this.axis), -1);
    });
  };

  // Multiply, Maximum and Minimum where only some inputs mask a step, as Keras 3 computes them: stock tfjs' runner
  // hands a merge its first input's mask only, so each layer's computed mask is kept with the tensor it belongs to.
  const maskOf = new WeakMap();
  const lastOutput = new WeakMap();
  const mergedValues = (kind, xs, masks) => tf.tidy(() => {
    const ms = masks.map((m, i) => (m ? tf.broadcastTo(tf.expandDims(m, -1), xs[i].shape) : null));
    if (kind === 'multiply') {
      const ys = xs.map((x, i) => (ms[i] ? tf.where(ms[i], x, tf.onesLike(x)) : x));
      const product = ys.slice(1).reduce((a, y) => tf.mul(a, y), ys[0]);
      if (ms.some((m) => m === null)) return product;
      return tf.where(ms.slice(1).reduce((a, m) => tf.logicalOr(a, m), ms[0]), product, tf.zerosLike(product));
    }
    const op = kind === 'maximum' ? tf.maximum : tf.minimum;
    let out = xs[0];
    let outMask = ms[0];
    for (let i = 1; i < xs.length; i++) {
      const x = ms[i] ? tf.where(ms[i], xs[i], out) : xs[i];
      if (outMask) out = tf.where(outMask, out, x);
      outMask = ms[i] && outMask ? tf.logicalOr(outMask, ms[i]) : null;
      out = op(out, x);
    }
    return out;
  });
  for (const [layer, kind] of [[tf.layers.multiply({}), 'multiply'], [tf.layers.maximum({}), 'maximum'], [tf.layers.minimum({}), 'minimum']]) {
    const mergeProto = layer.constructor.prototype;
    if (mergeProto.layerlabMaskedValues) continue;
    const call = mergeProto.call;
    mergeProto.call = function (inputs, kwargs) {
      const xs = Array.isArray(inputs) ? inputs : [inputs];
      const given = kwargs ? kwargs.mask : null;
      const masks = Array.isArray(given) && given.length === xs.length ? given.map((m) => m || null) : xs.map((x) => maskOf.get(x) || null);
      if (masks.every((m) => m === null) || xs.some((x) => !tf.util.arraysEqual(x.shape, xs[0].shape))) return call.call(this, inputs, kwargs);
      return mergedValues(kind, xs, masks);
    };
    mergeProto.layerlabMaskedValues = true;
  }

  const LeakyReLU = passingMask(tf.layers.leakyReLU({}).constructor, 'LeakyReLU');
  const ELU = passingMask(tf.layers.elu({}).constructor, 'ELU');

  const proto = tf.layers.Layer.prototype;
  if (!proto.layerlabClearsMasks) {
    const apply = proto.apply;
    proto.apply = function (inputs, kwargs) {
      if (!Object.prototype.hasOwnProperty.call(this, 'computeMask')) {
        // The runner calls computeMask right after apply: the mask belongs to this apply's output.
        const computeMask = this.computeMask;
        this.computeMask = function (ins, masks) {
          const m = computeMask.call(this, ins, masks);
          const out = lastOutput.get(this);
          if (m instanceof tf.Tensor && out instanceof tf.Tensor) maskOf.set(out, m);
          return m;
        };
      }
      try {
        const out = apply.call(this, inputs, kwargs);
        lastOutput.set(this, out);
        return out;
      } finally {
        if (kwargs && 'mask' in kwargs) delete kwargs.mask;
      }
    };
    proto.layerlabClearsMasks = true;
  }

  for (const cls of [GRUCell, GRU, Conv1D, GlobalAveragePooling1D, LeakyReLU, ELU]) tf.serialization.registerClass(cls);
}
`;
