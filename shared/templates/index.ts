export { templates, getTemplate, type ModelTemplate } from './registry';
export { GraphBuilder, sequentialGraph } from './builder';
