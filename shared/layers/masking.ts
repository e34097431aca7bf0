import { defineLayer, single } from './define';

export type MaskingConfig = { mask_value: number };

export const Masking = defineLayer<MaskingConfig, 'Masking'>({
  className: 'Masking',
  category: 'Sequence',
  description: 'Masks timesteps whose features all equal mask_value, so recurrent layers after it skip them.',
  params: [{ name: 'mask_value', type: 'float', description: 'Timesteps equal to this value everywhere are masked.' }],
  defaults: () => ({ mask_value: 0 }),
  inferShape: (_c, inputShapes) => [...single(inputShapes)],
});
