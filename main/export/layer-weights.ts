/** A model's weights (tfjs names '<layer>/<weight>') grouped by layer, checked against what each layer kind needs. */
import type { ModelIr } from './ir';
import type { NpyArray } from './npy';
import { ExportError, type NamedWeight } from './types';

/** Keras weight names per layer kind, in the order Keras' get_weights() returns them. */
export const KERAS_WEIGHT_NAMES: Record<string, string[]> = {
  Dense: ['kernel', 'bias'],
  Conv2D: ['kernel', 'bias'],
  Conv2DTranspose: ['kernel', 'bias'],
  DepthwiseConv2D: ['depthwise_kernel', 'bias'],
  SeparableConv2D: ['depthwise_kernel', 'pointwise_kernel', 'bias'],
  BatchNormalization: ['gamma', 'beta', 'moving_mean', 'moving_variance'],
  LayerNormalization: ['gamma', 'beta'],
};

/** The weights of each layer by short name ('kernel'), from tfjs names '<layer>/<weight>' (suffixes like '_1' kept off). */
export function weightsByLayer(ir: ModelIr, weights: readonly NamedWeight[]): Map<string, Map<string, NpyArray>> {
  const out = new Map<string, Map<string, NpyArray>>();
  const known = new Set(ir.layers.map((l) => l.name));
  for (const w of weights) {
    const slash = w.name.lastIndexOf('/');
    const layer = w.name.slice(0, slash);
    const short = w.name.slice(slash + 1).replace(/_\d+$/, '').replace(/:0$/, '');
    if (!known.has(layer)) throw new ExportError(`weight '${w.name}' belongs to no layer of the model (expected '<layer name>/<weight>'); export the weights of this very model.`);
    if (!out.has(layer)) out.set(layer, new Map());
    out.get(layer)!.set(short, { shape: w.shape, data: w.data });
  }
  for (const l of ir.layers) {
    const need = (KERAS_WEIGHT_NAMES[l.className] ?? []).filter((n) => (n !== 'bias' || l.config.use_bias !== false) && (n !== 'gamma' || l.config.scale !== false) && (n !== 'beta' || l.config.center !== false));
    const have = out.get(l.name) ?? new Map();
    const missing = need.filter((n) => !have.has(n));
    if (missing.length && have.size) throw new ExportError(`layer '${l.name}' lacks weights ${missing.join(', ')} (has ${[...have.keys()].join(', ')}).`);
    if (missing.length) throw new ExportError(`no weights for layer '${l.name}' (${l.className}); give all the model's weights or none.`);
  }
  return out;
}

/** Keras get_weights() order of one layer's arrays. */
export function kerasWeightList(className: string, weights: Map<string, NpyArray>): NpyArray[] {
  return (KERAS_WEIGHT_NAMES[className] ?? []).filter((n) => weights.has(n)).map((n) => weights.get(n)!);
}
