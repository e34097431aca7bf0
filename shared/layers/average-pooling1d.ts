import { definePooling1D } from './pooling1d';

export const AveragePooling1D = definePooling1D('AveragePooling1D', 'Mean over each window of timesteps.');
