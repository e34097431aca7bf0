export * from './types';
export { layerKinds, layerCategories, getLayerKind, requireLayerKind, layerKindsByCategory } from './registry';
export { activationNames, type ActivationName } from './activations';
export { initializerNames, type InitializerName } from './initializers';
export { showShape } from './conv-arithmetic';
