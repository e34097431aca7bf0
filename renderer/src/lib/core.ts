/**
 * The one place the renderer imports the layer registry, graph analysis and templates from, so the editor's
 * components depend on these names only.
 */
export { getLayerKind, layerKinds, layerCategories } from '../../../shared/layers/registry';
export {
  analyzeGraph,
  canConnect,
  createNode,
  formatSummary,
  summaryTable,
  uniqueLayerName,
} from '../../../shared/graph';
export { maskFlow, maskNote } from '../../../shared/graph/mask-flow';
export { templates, type ModelTemplate } from '../../../shared/templates';
