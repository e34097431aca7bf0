/**
 * Activation names tf.keras and tfjs-layers 4.22 both run under the same string (tfjs has gelu since 4.x;
 * 'exponential' is registered by the engine, main/engine/layers/exponential.ts, as tfjs lacks it). Keras names
 * outside this list are refused by name when a model is imported.
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
  'relu6',
  'hard_sigmoid',
  'softsign',
  'mish',
  'log_softmax',
  'exponential',
] as const;
export type ActivationName = (typeof activationNames)[number];

/** Keras 3 spellings of the same functions. */
const ALIASES: Record<string, ActivationName> = { silu: 'swish', hardSigmoid: 'hard_sigmoid', logSoftmax: 'log_softmax' };

/**
 * Keras 3 calls swish 'silu', tf.keras may write None for no activation, and Keras 3 sometimes writes a serialized
 * object ({class_name, config: {name}}) instead of the name.
 */
export function readActivation(value: unknown, fallback: ActivationName): unknown {
  if (value === undefined) return fallback;
  if (value === null) return 'linear';
  if (typeof value === 'object' && !Array.isArray(value)) {
    const v = value as { class_name?: unknown; config?: { name?: unknown } };
    const name = typeof v.config?.name === 'string' ? v.config.name : v.class_name;
    return typeof name === 'string' ? readActivation(name, fallback) : value;
  }
  if (typeof value === 'string' && value in ALIASES) return ALIASES[value];
  return value;
}
