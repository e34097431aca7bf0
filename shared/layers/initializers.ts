/**
 * Weight initializers a config may name. Only those whose class name is the same in tf.keras and tfjs-layers
 * (tfjs spells LeCunUniform where Keras spells LecunUniform, so lecun_* is left out).
 */
export const initializerNames = [
  'glorot_uniform',
  'glorot_normal',
  'he_uniform',
  'he_normal',
  'zeros',
  'ones',
  'random_normal',
  'random_uniform',
  'truncated_normal',
] as const;
export type InitializerName = (typeof initializerNames)[number];

const classNames: Record<InitializerName, string> = {
  glorot_uniform: 'GlorotUniform',
  glorot_normal: 'GlorotNormal',
  he_uniform: 'HeUniform',
  he_normal: 'HeNormal',
  zeros: 'Zeros',
  ones: 'Ones',
  random_normal: 'RandomNormal',
  random_uniform: 'RandomUniform',
  truncated_normal: 'TruncatedNormal',
};

/** The `{class_name, config}` object both tf.keras and tfjs deserialise. */
export function initializerJson(name: InitializerName): { class_name: string; config: Record<string, unknown> } {
  const config: Record<string, unknown> = name === 'zeros' || name === 'ones' ? {} : { seed: null };
  return { class_name: classNames[name], config };
}

function isName(v: unknown): v is InitializerName {
  return typeof v === 'string' && (initializerNames as readonly string[]).includes(v);
}

/**
 * Reads an initializer written by tf.keras (class name), tfjs (which writes Glorot/He as VarianceScaling), or a
 * plain string; anything we cannot name falls back, since it only affects the starting weights.
 */
export function readInitializer(value: unknown, fallback: InitializerName): InitializerName {
  if (isName(value)) return value;
  if (typeof value === 'string') {
    const snake = value.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
    return isName(snake) ? snake : fallback;
  }
  if (!value || typeof value !== 'object') return fallback;
  const { class_name: cls, config } = value as { class_name?: unknown; config?: Record<string, unknown> };
  for (const [name, c] of Object.entries(classNames)) if (c === cls) return name as InitializerName;
  if (cls === 'VarianceScaling' && config) {
    const uniform = config['distribution'] === 'uniform';
    if (config['mode'] === 'fan_avg' && config['scale'] === 1) return uniform ? 'glorot_uniform' : 'glorot_normal';
    if (config['mode'] === 'fan_in' && config['scale'] === 2) return uniform ? 'he_uniform' : 'he_normal';
  }
  return fallback;
}
