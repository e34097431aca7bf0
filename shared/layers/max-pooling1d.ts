import { definePooling1D } from './pooling1d';

export const MaxPooling1D = definePooling1D('MaxPooling1D', 'Maximum over each window of timesteps.');
