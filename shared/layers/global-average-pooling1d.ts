import { defineGlobalPooling1D } from './pooling1d';

export const GlobalAveragePooling1D = defineGlobalPooling1D(
  'GlobalAveragePooling1D',
  'Mean over the timesteps: one value per feature (honours an Embedding mask).',
);
