import { getContext, setContext } from 'svelte';
import type { EditorStore } from './editor.svelte';

const KEY = Symbol('layerlab-editor');

export function provideEditor(store: EditorStore): EditorStore {
  return setContext(KEY, store);
}

export function useEditor(): EditorStore {
  const store = getContext<EditorStore | undefined>(KEY);
  if (!store) throw new Error('useEditor() needs an EditorStore from provideEditor() in a parent component.');
  return store;
}

/**
 * The context map to mount a component with a given store (component tests, a second window).
 * @internal Only component tests mount this way; the window provides its store with provideEditor.
 */
export function editorContext(store: EditorStore): Map<symbol, EditorStore> {
  return new Map([[KEY, store]]);
}
