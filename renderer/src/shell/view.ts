export type View = 'editor' | 'summary' | 'training';
