import { defineRecurrent, type RecurrentConfig } from './recurrent';

/** @public */
export type GRUConfig = RecurrentConfig;

export const GRU = defineRecurrent('GRU', 'Gated recurrent unit: update and reset gates; lighter than an LSTM.');
