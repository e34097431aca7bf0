import type { LayerCategory } from '../../../shared/layers/types';

/** The accent colour of each family (node stripe, palette chip). */
export const CATEGORY_COLOR: Record<LayerCategory, string> = {
  Input: '#22c55e',
  Core: '#3b82f6',
  Convolution: '#a855f7',
  Pooling: '#06b6d4',
  Normalization: '#eab308',
  Regularization: '#f97316',
  Activation: '#ec4899',
  Reshaping: '#64748b',
  Merge: '#14b8a6',
  Sequence: '#84cc16',
};
