import { defineGlobalPooling2D } from './pooling';

export const GlobalAveragePooling2D = defineGlobalPooling2D(
  'GlobalAveragePooling2D',
  'Mean over height and width: one value per channel.',
);
