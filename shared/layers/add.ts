import { defineElementwiseMerge } from './merge';

export const Add = defineElementwiseMerge('Add', 'Sums its inputs element-wise (residual connections).');
