import { defineElementwiseMerge } from './merge';

export const Minimum = defineElementwiseMerge('Minimum', 'Element-wise minimum of its inputs.');
