import { defineLayer, single } from './define';

export type ELUConfig = { alpha: number };

export const ELU = defineLayer<ELUConfig, 'ELU'>({
  className: 'ELU',
  category: 'Activation',
  description: 'Exponential linear unit: x for x > 0, alpha * (exp(x) - 1) below.',
  params: [{ name: 'alpha', type: 'float', min: 0, description: 'Scale of the negative part.' }],
  defaults: () => ({ alpha: 1 }),
  // tfjs-layers 4.22 builds ELU only with alpha 1 ("Non-default alpha value is not supported"); say so up front.
  check: (c) =>
    c.alpha === 1
      ? []
      : [{ field: 'alpha', message: `expected alpha=1: TF.js, which trains Layerlab models, builds the ELU layer only with alpha 1; set alpha to 1. Received: alpha=${c.alpha}` }],
  inferShape: (_c, inputShapes) => [...single(inputShapes)],
});
