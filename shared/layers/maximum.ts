import { defineElementwiseMerge } from './merge';

export const Maximum = defineElementwiseMerge('Maximum', 'Element-wise maximum of its inputs.');
