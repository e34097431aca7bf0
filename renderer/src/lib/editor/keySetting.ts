import type { GraphNode } from '../../../../shared/graph/types';

/**
 * The one or two settings that tell layers of a kind apart on a node card ("64 · relu", "32 × 3x3 · relu",
 * "rate 0.5"), so a learner reads the model without opening the inspector for each layer. Empty when the kind
 * has nothing worth a glance.
 */
export function keySetting(node: Pick<GraphNode, 'kind' | 'config'>): string {
  const c = node.config;
  const parts: string[] = [];
  const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  const size = (v: unknown): string | null => (Array.isArray(v) && v.every(num) ? v.join('x') : num(v) ? `${v}x${v}` : null);
  if (num(c['units'])) parts.push(`${c['units']} units`);
  if (num(c['filters'])) parts.push(`${c['filters']} × ${size(c['kernel_size']) ?? '?'}`);
  else if (node.kind === 'DepthwiseConv2D' && size(c['kernel_size'])) parts.push(size(c['kernel_size'])!);
  if (size(c['pool_size']) && node.kind.includes('Pooling')) parts.push(size(c['pool_size'])!);
  if (node.kind === 'UpSampling2D' && size(c['size'])) parts.push(`× ${size(c['size'])}`);
  if (num(c['rate'])) parts.push(`rate ${c['rate']}`);
  if (num(c['alpha']) && node.kind === 'LeakyReLU') parts.push(`alpha ${c['alpha']}`);
  if (Array.isArray(c['target_shape'])) parts.push(`to ${c['target_shape'].map((d) => (d === -1 || d === null ? '?' : String(d))).join('x')}`);
  if (node.kind === 'InputLayer' && Array.isArray(c['batch_input_shape'])) {
    parts.push(c['batch_input_shape'].slice(1).map((d) => (d === null ? '?' : String(d))).join('x'));
  }
  const activation = c['activation'];
  if (typeof activation === 'string' && activation !== 'linear') parts.push(activation);
  return parts.join(' · ');
}
