import { defineElementwiseMerge } from './merge';

/** Exactly two inputs, as in Keras: first minus second. */
export const Subtract = defineElementwiseMerge('Subtract', 'Subtracts its second input from its first, element-wise.', { min: 2, max: 2 });
