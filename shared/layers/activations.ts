/**
 * Activation names both tf.keras and tfjs-layers 4.22 know under the same string (tfjs has gelu since 4.x).
 */
export const activationNames = [
  'linear',
  'relu',
  'sigmoid',
  'tanh',
  'softmax',
  'elu',
  'selu',
  'softplus',
  'swish',
  'gelu',
] as const;
export type ActivationName = (typeof activationNames)[number];

/** Keras 3 calls swish 'silu' and tf.keras may write None for no activation. */
export function readActivation(value: unknown, fallback: ActivationName): unknown {
  if (value === undefined) return fallback;
  if (value === null) return 'linear';
  if (value === 'silu') return 'swish';
  return value;
}
