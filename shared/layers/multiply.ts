import { defineElementwiseMerge } from './merge';

export const Multiply = defineElementwiseMerge('Multiply', 'Multiplies its inputs element-wise (gating).');
