import { definePooling2D } from './pooling';

/** @public */
export type { Pooling2DConfig as MaxPooling2DConfig } from './pooling';

export const MaxPooling2D = definePooling2D('MaxPooling2D', 'Maximum over each window of an image.');
