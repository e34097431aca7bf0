/** Keras-style shapes "(None, 26, 26, 32)" and counts "1,199,882": shared/graph's, so the CLI and window agree. */
export { formatCount, formatRowShape, formatShape } from '../../../shared/graph';
