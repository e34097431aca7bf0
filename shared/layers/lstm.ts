import { defineRecurrent, type RecurrentConfig } from './recurrent';

/** @public */
export type LSTMConfig = Omit<RecurrentConfig, 'reset_after'>;

export const LSTM = defineRecurrent('LSTM', 'Long short-term memory: input, forget, cell and output gates over the timesteps.');
