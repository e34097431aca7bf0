/**
 * tfjs 4.22's SeparableConv2D.getConfig() leaves out depth_multiplier, so a model.json it writes describes a model
 * with depth_multiplier 1 while its weights have the real one. The depthwise kernel's shape [kh, kw, in, m] tells
 * the truth: put it back in the config before anything reads the spec.
 */
import type { ModelSpec } from '../../shared/graph/types';
import type { ExportSource } from './types';

export function repairSpec(source: ExportSource): ExportSource {
  if (!source.weights || !Array.isArray(source.spec.config?.layers)) return source;
  const byName = new Map(source.weights.map((w) => [w.name, w]));
  let changed = false;
  const layers = source.spec.config.layers.map((layer) => {
    if (layer.class_name !== 'SeparableConv2D' || layer.config.depth_multiplier !== undefined) return layer;
    const kernel = byName.get(`${String(layer.config.name)}/depthwise_kernel`);
    if (!kernel || kernel.shape.length !== 4) return layer;
    changed = true;
    return { ...layer, config: { ...layer.config, depth_multiplier: kernel.shape[3] } };
  });
  if (!changed) return source;
  const spec: ModelSpec = { ...source.spec, config: { ...source.spec.config, layers } };
  return { ...source, spec };
}
