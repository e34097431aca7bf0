/**
 * The desktop-only bridge (`window.layerlabDesktop`, from main/electron/preload.ts): native menu actions pushed to
 * the window, and requests only the desktop shell answers (dialogs, title and dirty state). In browser mode it is
 * absent and the window uses its own buttons and the browser's file inputs instead.
 */
export interface DesktopMenuMessage {
  action: string;
  arg?: string;
}

export type DesktopRequest =
  | { action: 'documentState'; name: string; path: string | null; dirty: boolean }
  | { action: 'showOpenDialog'; kind: 'project' | 'model' }
  | { action: 'showSaveDialog'; kind: 'project' | 'export'; defaultName?: string }
  | { action: 'openExternal'; url: string }
  | { action: 'gpuReport' };

export interface DesktopBridge {
  request(request: DesktopRequest): Promise<unknown>;
  onMenu(listener: (message: DesktopMenuMessage) => void): () => void;
}

declare global {
  interface Window {
    layerlabDesktop?: DesktopBridge;
  }
}

export function getDesktop(): DesktopBridge | null {
  return globalThis.window?.layerlabDesktop ?? null;
}
