import { defineLayer, single } from './define';

/** `alpha` is tf.keras 2's and tfjs' name; Keras 3 calls it negative_slope and still accepts alpha. */
export type LeakyReLUConfig = { alpha: number };

export const LeakyReLU = defineLayer<LeakyReLUConfig, 'LeakyReLU'>({
  className: 'LeakyReLU',
  category: 'Activation',
  description: 'ReLU with a small slope alpha for negative inputs.',
  params: [{ name: 'alpha', type: 'float', min: 0, description: 'Slope for negative inputs.' }],
  defaults: () => ({ alpha: 0.3 }),
  inferShape: (_c, inputShapes) => [...single(inputShapes)],
  fromKeras: (keras, read) =>
    keras['alpha'] === undefined && keras['negative_slope'] !== undefined
      ? { alpha: keras['negative_slope'] as number }
      : read,
});
