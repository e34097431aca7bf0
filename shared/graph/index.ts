export * from './types';
export { analyzeGraph, inboundEdges, LAYER_NAME_PATTERN } from './analyze';
export { compileGraph, GraphCompileError, isChain, type CompileOptions } from './compile';
export { importModelJson, ModelImportError } from './import';
export { summaryTable, formatSummary, formatShape, formatRowShape, formatCount, type SummaryRow, type SummaryTable } from './summary';
export { uniqueLayerName, kerasBaseName, createNode, canConnect, type ConnectCheck } from './edit';
export { layoutGraph } from './layout';
