export type View = 'editor' | 'summary' | 'training' | 'sweeps';
export type DialogMode = 'new' | 'open' | 'import' | 'saveAs' | 'export';
export type ExportFormat = 'tfjs' | 'keras' | 'pytorch';
