/**
 * TensorBoard-style histograms of every layer's weights (and optionally gradients): fixed bin count between the
 * tensor's min and max. Counts sum to the number of finite values; non-finite ones are counted apart.
 */
import type * as tf from '@tensorflow/tfjs';
import type { WeightHistogram } from '../../../../shared/telemetry';
import { canonicalWeightName } from '../../weight-names';

export interface HistogramStats {
  min: number;
  max: number;
  counts: number[];
  count: number;
  nonFinite: number;
  mean: number;
  std: number;
}

export function histogram(values: ArrayLike<number>, bins: number): HistogramStats {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let sumSq = 0;
  let finite = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    finite++;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    sumSq += v * v;
  }
  const counts = new Array<number>(bins).fill(0);
  if (finite === 0) return { min: 0, max: 0, counts, count: 0, nonFinite: values.length, mean: 0, std: 0 };
  const width = (max - min) / bins;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    // A constant tensor (width 0, e.g. a zero bias) lands in the first bin; max lands in the last.
    const b = width > 0 ? Math.min(bins - 1, Math.floor((v - min) / width)) : 0;
    counts[b]!++;
  }
  const mean = sum / finite;
  return { min, max, counts, count: finite, nonFinite: values.length - finite, mean, std: Math.sqrt(Math.max(0, sumSq / finite - mean * mean)) };
}

/** The weight's own name inside its layer: 'dense_Dense1/kernel' -> 'kernel'. */
export function shortWeightName(name: string): string {
  // A Bidirectional layer holds a forward and a backward copy of each weight: keep the side, or the two collide.
  const side = /\/(forward|backward)\/([^/]+)$/.exec(canonicalWeightName(name));
  if (side) return `${side[1]}/${side[2]}`;
  const i = name.lastIndexOf('/');
  return i >= 0 ? name.slice(i + 1) : name;
}

/** One histogram per weight of every layer, read with async data() so no sync blocks the backend queue. */
export async function weightHistograms(model: tf.LayersModel, bins: number, epoch: number): Promise<WeightHistogram[]> {
  const out: WeightHistogram[] = [];
  for (const layer of model.layers) {
    for (const w of layer.weights) {
      const values = await w.read().data();
      const h = histogram(values as Float32Array, bins);
      out.push({
        type: 'histogram', epoch, layer: layer.name, weight: shortWeightName(w.originalName ?? w.name), of: 'weights', bins,
        min: h.min, max: h.max, counts: h.counts, count: h.count, mean: h.mean, std: h.std,
        ...(h.nonFinite > 0 ? { nonFinite: h.nonFinite } : {}),
      });
    }
  }
  return out;
}
