import { defineElementwiseMerge } from './merge';

export const Average = defineElementwiseMerge('Average', 'Averages its inputs element-wise.');
