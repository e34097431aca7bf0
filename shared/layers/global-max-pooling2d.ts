import { defineGlobalPooling2D } from './pooling';

export const GlobalMaxPooling2D = defineGlobalPooling2D(
  'GlobalMaxPooling2D',
  'Maximum over height and width: one value per channel.',
);
