/** Every keyboard shortcut, in one list, so tooltips and the help sheet cannot drift from the key handler. */
export const SHORTCUTS = {
  undo: { keys: 'Ctrl+Z', label: 'Undo' },
  redo: { keys: 'Ctrl+Shift+Z / Ctrl+Y', label: 'Redo' },
  delete: { keys: 'Delete / Backspace', label: 'Delete selection' },
  duplicate: { keys: 'Ctrl+D', label: 'Duplicate selection' },
  copy: { keys: 'Ctrl+C', label: 'Copy selection (as JSON, pastes into any project)' },
  cut: { keys: 'Ctrl+X', label: 'Cut selection' },
  paste: { keys: 'Ctrl+V', label: 'Paste layers' },
  selectAll: { keys: 'Ctrl+A', label: 'Select all layers' },
  connect: { keys: 'C', label: 'Connect the two selected layers (the upper one feeds the lower one)' },
  multiSelect: { keys: 'Shift+click / Shift+drag', label: 'Add to selection / box select' },
  layout: { keys: 'L', label: 'Auto-layout (top-down)' },
  fit: { keys: 'F', label: 'Zoom to fit' },
  search: { keys: '/', label: 'Search the palette' },
  new: { keys: 'Ctrl+Alt+N', label: 'New project' },
  save: { keys: 'Ctrl+S', label: 'Save project' },
  saveAs: { keys: 'Ctrl+Shift+S', label: 'Save project as' },
  open: { keys: 'Ctrl+O', label: 'Open project or import a model' },
  export: { keys: 'Ctrl+E', label: 'Export the model or a run (TF.js, Keras, PyTorch, TensorBoard)' },
  views: { keys: '1 / 2 / 3 / 4', label: 'Editor / Summary / Training / Sweeps views' },
  train: { keys: 'Ctrl+Enter', label: 'Start training' },
  help: { keys: '?', label: 'Show this help' },
} as const;

export type ShortcutId = keyof typeof SHORTCUTS;

export function tip(label: string, id: ShortcutId): string {
  return `${label} (${SHORTCUTS[id].keys})`;
}
