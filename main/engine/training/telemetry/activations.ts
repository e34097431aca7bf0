/**
 * Every layer's output for probe inputs, from one multi-output model over the trained model's layers (it shares
 * their weights, so it always shows the current state). Used for the activation maps of a probe image, the
 * dead-ReLU check and finding the first layer that produces NaN/Inf.
 */
import * as tf from '@tensorflow/tfjs';
import { bytesToBase64, type ActivationMaps, type LayerActivation } from '../../../../shared/telemetry';

export interface ProbeLimits {
  /** Feature maps shipped per conv layer at most. */
  maxMaps: number;
  /** Units shipped per dense layer at most. */
  maxBars: number;
}

const DEFAULT_LIMITS: ProbeLimits = { maxMaps: 32, maxBars: 256 };

function isRelu(layer: tf.layers.Layer): boolean {
  const cls = layer.getClassName();
  if (cls === 'ReLU') return true;
  const activation = (layer.getConfig() as { activation?: unknown }).activation;
  return activation === 'relu';
}

export class ActivationProbe {
  readonly layers: tf.layers.Layer[];
  private readonly probeModel: tf.LayersModel;

  constructor(model: tf.LayersModel) {
    this.layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer' && hasSingleOutput(l));
    this.probeModel = tf.model({ inputs: model.inputs, outputs: this.layers.map((l) => l.output as tf.SymbolicTensor) });
  }

  /** Outputs of every probed layer, in layer order; the caller disposes them. */
  outputs(x: tf.Tensor): tf.Tensor[] {
    const out = this.probeModel.predict(x);
    return Array.isArray(out) ? out : [out];
  }

  /** Activation maps for one sample (x with batch size 1). */
  async maps(x: tf.Tensor, epoch: number, probeIndex: number, probeLabel?: number, limits: ProbeLimits = DEFAULT_LIMITS): Promise<ActivationMaps> {
    const outs = this.outputs(x);
    try {
      const layers: LayerActivation[] = [];
      for (let i = 0; i < outs.length; i++) {
        const t = outs[i]!;
        const values = (await t.data()) as Float32Array;
        layers.push(describe(this.layers[i]!.name, t.shape.slice(1) as number[], values, limits));
      }
      return { type: 'activations', epoch, probeIndex, ...(probeLabel !== undefined ? { probeLabel } : {}), layers };
    } finally {
      tf.dispose(outs);
    }
  }

  /**
   * Per ReLU layer, the fraction of units (channels for conv layers) that are zero for every sample of the
   * batch and every position: units that no longer learn.
   */
  async deadReluFractions(x: tf.Tensor): Promise<{ layer: string; fraction: number; units: number }[]> {
    const relu = this.layers.map((l, i) => [l, i] as const).filter(([l]) => isRelu(l));
    if (relu.length === 0) return [];
    const outs = this.outputs(x);
    try {
      const result: { layer: string; fraction: number; units: number }[] = [];
      for (const [layer, i] of relu) {
        const t = outs[i]!;
        const maxPerUnit = tf.tidy(() => tf.max(tf.reshape(t, [-1, t.shape[t.shape.length - 1]!]), 0));
        const v = (await maxPerUnit.data()) as Float32Array;
        maxPerUnit.dispose();
        let dead = 0;
        for (const m of v) if (m <= 0) dead++;
        result.push({ layer: layer.name, fraction: dead / v.length, units: v.length });
      }
      return result;
    } finally {
      tf.dispose(outs);
    }
  }

  /** Name of the first layer (in topological order) whose output holds NaN or Inf for x, if any. */
  async firstNonFiniteLayer(x: tf.Tensor): Promise<string | undefined> {
    const outs = this.outputs(x);
    try {
      const flags = tf.tidy(() => tf.stack(outs.map((t) => tf.any(tf.logicalNot(tf.isFinite(t))))));
      const v = await flags.data();
      flags.dispose();
      const i = Array.from(v).findIndex((f) => f !== 0);
      return i >= 0 ? this.layers[i]!.name : undefined;
    } finally {
      tf.dispose(outs);
    }
  }
}

/** Layers reused at several places of the graph (or with several outputs) have no single output to show. */
function hasSingleOutput(layer: tf.layers.Layer): boolean {
  try {
    return !Array.isArray(layer.output);
  } catch {
    return false;
  }
}

function range(values: Float32Array, from = 0, to = values.length): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = from; i < to; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

function describe(layer: string, shape: number[], values: Float32Array, limits: ProbeLimits): LayerActivation {
  const { min, max } = range(values);
  if (shape.length === 3) {
    const [h, w, c] = shape as [number, number, number];
    const tiles = Math.min(c, limits.maxMaps);
    const data = new Uint8Array(tiles * h * w);
    for (let k = 0; k < tiles; k++) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let p = 0; p < h * w; p++) {
        const v = values[p * c + k]!;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      const span = hi - lo;
      for (let p = 0; p < h * w; p++) {
        data[k * h * w + p] = span > 0 && Number.isFinite(span) ? Math.round(((values[p * c + k]! - lo) / span) * 255) : 0;
      }
    }
    return { layer, kind: 'maps', shape, tileWidth: w, tileHeight: h, tiles, data: bytesToBase64(data), min, max };
  }
  const n = Math.min(values.length, limits.maxBars);
  return { layer, kind: 'bars', shape, values: Array.from(values.subarray(0, n)), truncated: n < values.length, min, max };
}
