export * from './types';
export { layerKinds, layerCategories, getLayerKind, requireLayerKind, layerKindsByCategory, isLayerClassName } from './registry';
export type { LayerClassName, LayerConfigOf, LayerKindOf } from './registry';
export { activationNames, type ActivationName } from './activations';
export { initializerNames, type InitializerName } from './initializers';
export { showShape } from './conv-arithmetic';
