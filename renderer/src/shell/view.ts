export type View = 'editor' | 'summary' | 'training' | 'sweeps';
export type DialogMode = 'new' | 'open' | 'import' | 'saveAs' | 'export';
export type ExportFormat = 'tfjs' | 'keras' | 'pytorch' | 'tensorboard';

/** The export dialog's choice of every run of the saved project (TensorBoard only). */
export const ALL_RUNS = '*project';
