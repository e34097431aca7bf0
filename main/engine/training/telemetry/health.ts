/**
 * Health checks that turn numbers into warnings with the layer they concern and what to do about it.
 */
import * as tf from '@tensorflow/tfjs';
import type { HealthWarning, WeightHistogram } from '../../../../shared/telemetry';
import type { LossFn } from '../losses';
import { histogram, shortWeightName } from './histograms';

export const HEALTH_THRESHOLDS = {
  /** Global gradient norm above which gradients are called exploding. */
  explodingNorm: 1e3,
  /** Per-layer gradient norm below which a layer's gradients are called vanishing... */
  vanishingNorm: 1e-7,
  /** ...or a layer's norm relative to the largest layer norm below this. */
  vanishingRatio: 1e-5,
  /** Fraction of a ReLU layer's units that never fire. */
  deadReluFraction: 0.5,
};

export function nanLossWarning(epoch: number, layer: string | undefined, lr: number): HealthWarning {
  const where = layer ? `; layer '${layer}' is the first to output NaN/Inf` : '';
  return {
    type: 'health', epoch, kind: 'nan-loss', ...(layer ? { layer } : {}), stopped: true,
    message: `the loss became NaN or infinite at epoch ${epoch + 1}${where}; training was stopped`,
    suggestion: `lower the learning rate (now ${lr}; try ${lr / 10}), normalise the inputs, or add BatchNormalization`,
  };
}

/** Falling training loss with rising validation loss for `patience` epochs in a row. */
export function overfittingWarning(history: readonly Record<string, number>[], epoch: number, patience: number): HealthWarning | null {
  if (history.length < patience + 1) return null;
  const recent = history.slice(-(patience + 1));
  for (let i = 1; i < recent.length; i++) {
    const prev = recent[i - 1]!;
    const cur = recent[i]!;
    if (cur.val_loss === undefined || prev.val_loss === undefined || cur.loss === undefined || prev.loss === undefined) return null;
    if (!(cur.loss < prev.loss && cur.val_loss > prev.val_loss)) return null;
  }
  return {
    type: 'health', epoch, kind: 'overfitting', value: patience,
    message: `validation loss rose for ${patience} epochs while training loss fell: the model is memorising the training data`,
    suggestion: 'add Dropout (e.g. 0.25 to 0.5) after the large layers, use fewer units, augment the data, or enable early stopping',
  };
}

export function deadReluWarnings(fractions: readonly { layer: string; fraction: number; units: number }[], epoch: number): HealthWarning[] {
  return fractions
    .filter((f) => f.fraction >= HEALTH_THRESHOLDS.deadReluFraction)
    .map((f) => ({
      type: 'health' as const, epoch, kind: 'dead-relu' as const, layer: f.layer, value: f.fraction,
      message: `${Math.round(f.fraction * 100)}% of the ${f.units} units of '${f.layer}' output zero for every sample: they no longer learn`,
      suggestion: 'lower the learning rate, use He initialisation, or switch this layer to LeakyReLU/ELU',
    }));
}

export interface GradientReport {
  norms: { layer: string; weight: string; norm: number }[];
  globalNorm: number;
  histograms: WeightHistogram[];
}

/**
 * Gradients of the loss for one sample batch, per weight: their norms and (optionally) histograms.
 * An extra forward and backward pass, so it runs at epoch end only.
 */
export async function gradientReport(
  model: tf.LayersModel, lossFn: LossFn, x: tf.Tensor, y: tf.Tensor, epoch: number, bins: number | null,
): Promise<GradientReport> {
  const owners = new Map<string, { layer: string; weight: string }>();
  const vars: tf.Variable[] = [];
  for (const layer of model.layers) {
    for (const w of layer.trainableWeights) {
      const v = w.read() as tf.Variable;
      vars.push(v);
      owners.set(v.name, { layer: layer.name, weight: shortWeightName(w.originalName ?? w.name) });
    }
  }
  const { value, grads } = tf.variableGrads(() => tf.mean(lossFn(y, model.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar, vars);
  value.dispose();
  try {
    const norms: GradientReport['norms'] = [];
    const histograms: WeightHistogram[] = [];
    let sumSq = 0;
    for (const [name, g] of Object.entries(grads)) {
      const owner = owners.get(name) ?? { layer: name, weight: name };
      const values = (await g.data()) as Float32Array;
      let s = 0;
      for (const v of values) s += v * v;
      sumSq += s;
      norms.push({ ...owner, norm: Math.sqrt(s) });
      if (bins) {
        const h = histogram(values, bins);
        histograms.push({ type: 'histogram', epoch, layer: owner.layer, weight: owner.weight, of: 'gradients', bins, min: h.min, max: h.max, counts: h.counts, count: h.count, mean: h.mean, std: h.std });
      }
    }
    return { norms, globalNorm: Math.sqrt(sumSq), histograms };
  } finally {
    tf.dispose(Object.values(grads));
  }
}

export function gradientWarnings(report: GradientReport, epoch: number): HealthWarning[] {
  const warnings: HealthWarning[] = [];
  if (!Number.isFinite(report.globalNorm) || report.globalNorm > HEALTH_THRESHOLDS.explodingNorm) {
    const worst = report.norms.reduce((a, b) => (b.norm > a.norm || !Number.isFinite(b.norm) ? b : a), report.norms[0]!);
    warnings.push({
      type: 'health', epoch, kind: 'exploding-gradients', layer: worst.layer, value: report.globalNorm,
      message: `gradient norm is ${report.globalNorm.toExponential(2)}, largest in '${worst.layer}' (${worst.weight})`,
      suggestion: 'lower the learning rate, add BatchNormalization, or normalise the inputs',
    });
  }
  // By the weight's own name, so a Bidirectional layer's 'forward/kernel' and 'backward/kernel' count too.
  const kernels = report.norms.filter((n) => ['kernel', 'depthwise_kernel'].includes(n.weight.split('/').pop()!));
  const largest = Math.max(0, ...kernels.map((n) => n.norm));
  const vanishing = kernels.find((n) => n.norm < HEALTH_THRESHOLDS.vanishingNorm || (largest > 0 && n.norm / largest < HEALTH_THRESHOLDS.vanishingRatio));
  if (vanishing && largest > 0) {
    warnings.push({
      type: 'health', epoch, kind: 'vanishing-gradients', layer: vanishing.layer, value: vanishing.norm,
      message: `gradients reaching '${vanishing.layer}' are tiny (norm ${vanishing.norm.toExponential(2)} vs ${largest.toExponential(2)} in the largest layer): it barely learns`,
      suggestion: 'use ReLU instead of sigmoid/tanh in hidden layers, add BatchNormalization, or use fewer layers',
    });
  }
  return warnings;
}
