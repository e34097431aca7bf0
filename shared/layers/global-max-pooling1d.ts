import { defineGlobalPooling1D } from './pooling1d';

export const GlobalMaxPooling1D = defineGlobalPooling1D(
  'GlobalMaxPooling1D',
  'Maximum over the timesteps: one value per feature (padded steps count even with a mask, as in Keras 3).',
);
