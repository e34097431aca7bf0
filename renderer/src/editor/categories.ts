import type { LayerCategory } from '../../../shared/layers/types';

/** Palette order and the accent colour of each family (node stripe, palette chip). */
export const CATEGORY_ORDER: readonly LayerCategory[] = [
  'Input',
  'Core',
  'Convolution',
  'Pooling',
  'Normalization',
  'Regularization',
  'Activation',
  'Reshaping',
  'Merge',
];

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
};
