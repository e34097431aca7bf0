/**
 * The desktop-only bridge (`window.layerlabDesktop`, from main/electron/preload.ts), typed by its contract in
 * shared/desktop.ts. In browser mode it is absent; the window talks to either through a Shell (./shell.ts).
 */
import type { DesktopBridge } from '../../../shared/desktop';

export type { DesktopBridge } from '../../../shared/desktop';

declare global {
  interface Window {
    layerlabDesktop?: DesktopBridge;
  }
}

export function getDesktop(): DesktopBridge | null {
  return globalThis.window?.layerlabDesktop ?? null;
}
