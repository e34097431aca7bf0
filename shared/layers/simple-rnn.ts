import { defineRecurrent, type RecurrentConfig } from './recurrent';

/** @public */
export type SimpleRNNConfig = Omit<RecurrentConfig, 'recurrent_activation' | 'reset_after'>;

export const SimpleRNN = defineRecurrent('SimpleRNN', 'Fully connected recurrent layer: h_t = tanh(x_t W + h_(t-1) U + b).');
