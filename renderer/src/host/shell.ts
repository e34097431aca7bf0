/**
 * The app shell the window runs in, asked for what differs between the desktop app and a browser tab: picking
 * files, showing the document's name and unsaved state, and the native menu. The view codes against Shell only
 * (as Netron's view talks to its Host), never branching on which shell it has.
 */
import type { DesktopBridge, DesktopMenuMessage } from '../../../shared/desktop';
import type { ExportFormat } from '../shell/view';
import { getDesktop } from './desktop';

export interface OpenChoice {
  path: string;
  /** A .layerlab project, or a Keras / TF.js model.json to import. */
  kind: 'project' | 'model';
}

export interface SaveChoice {
  path: string;
  /** The export format, where the shell's dialog asks for one (the browser's does; the desktop's takes the default). */
  format?: ExportFormat;
}

export interface DocumentState {
  name: string;
  path: string | null;
  dirty: boolean;
}

export interface Shell {
  readonly kind: 'desktop' | 'browser';
  /** A project or model to open; null when the user cancelled. */
  pickOpenPath(): Promise<OpenChoice | null>;
  /** Where to save the project (`project`) or the folder to export into (`export`); null when cancelled. */
  pickSavePath(kind: 'project' | 'export', defaultName: string): Promise<SaveChoice | null>;
  /** The desktop shows it in the title bar and asks before closing a dirty window; a browser tab asks on unload. */
  setDocumentState(state: DocumentState): void;
  /** Native menu items chosen (none in a browser); returns the function that unsubscribes. */
  onMenu(listener: (message: DesktopMenuMessage) => void): () => void;
  dispose(): void;
}

export function createDesktopShell(bridge: DesktopBridge): Shell {
  return {
    kind: 'desktop',
    async pickOpenPath() {
      const path = await bridge.request({ action: 'showOpenDialog', kind: 'project' });
      return path ? { path, kind: /\.json$/i.test(path) ? 'model' : 'project' } : null;
    },
    async pickSavePath(kind, defaultName) {
      const path = await bridge.request({ action: 'showSaveDialog', kind, defaultName });
      return path ? { path } : null;
    },
    setDocumentState(state) {
      // The title is cosmetic; a failure here must not reach the editor.
      void bridge.request({ action: 'documentState', ...state }).catch(() => {});
    },
    onMenu: (listener) => bridge.onMenu(listener),
    dispose() {},
  };
}

/** The window's own Open / Save As / Export dialog (ProjectDialog), over the backend machine's folders. */
export type WindowDialogMode = 'open' | 'saveAs' | 'export';
export interface WindowDialogAnswer {
  mode: 'open' | 'import' | 'saveAs' | 'export';
  path: string;
  format?: ExportFormat;
}

export function createBrowserShell(ask: (mode: WindowDialogMode) => Promise<WindowDialogAnswer | null>, target: Window = window): Shell {
  let dirty = false;
  const beforeunload = (event: BeforeUnloadEvent) => {
    if (dirty) event.preventDefault();
  };
  target.addEventListener('beforeunload', beforeunload);
  return {
    kind: 'browser',
    async pickOpenPath() {
      const answer = await ask('open');
      return answer ? { path: answer.path, kind: answer.mode === 'import' ? 'model' : 'project' } : null;
    },
    async pickSavePath(kind) {
      // The window's dialog starts from its own suggestion (ProjectDialog's suggestedName).
      const answer = await ask(kind === 'project' ? 'saveAs' : 'export');
      return answer ? { path: answer.path, ...(answer.format ? { format: answer.format } : {}) } : null;
    },
    setDocumentState(state) {
      dirty = state.dirty;
    },
    onMenu: () => () => {},
    dispose() {
      target.removeEventListener('beforeunload', beforeunload);
    },
  };
}

/** The desktop shell when the preload put its bridge on window, otherwise the browser's. */
export function createShell(ask: (mode: WindowDialogMode) => Promise<WindowDialogAnswer | null>): Shell {
  const desktop = getDesktop();
  return desktop ? createDesktopShell(desktop) : createBrowserShell(ask);
}
