import { definePooling2D } from './pooling';

/** @public */
export type { Pooling2DConfig as AveragePooling2DConfig } from './pooling';

export const AveragePooling2D = definePooling2D('AveragePooling2D', 'Mean over each window of an image.');
