/**
 * The desktop menu's actions (main/electron/menu.ts MenuAction) mapped onto the window's own commands, the same
 * functions the buttons and keyboard shortcuts call. test/components/project.test.ts checks that this list
 * covers every action main's menu can send.
 */
import type { DesktopBridge } from '../host/desktop';
import type { Shell } from '../host/shell';

export const MENU_ACTIONS = [
  'file.new',
  'file.open',
  'file.openRecent',
  'file.save',
  'file.saveAs',
  'file.export',
  'file.close',
  'edit.undo',
  'edit.redo',
  'edit.delete',
  'view.togglePalette',
  'view.toggleInspector',
  'view.toggleDashboard',
  'view.zoomToFit',
  'run.train',
  'run.pause',
  'run.stop',
  'help.shortcuts',
  'help.gpu',
  'help.about',
] as const;

export type MenuActionName = (typeof MENU_ACTIONS)[number];
export type MenuHandlers = Record<MenuActionName, (arg?: string) => void>;

export function isMenuAction(action: string): action is MenuActionName {
  return (MENU_ACTIONS as readonly string[]).includes(action);
}

/** Subscribes to the native menu; returns the unsubscribe function (the browser shell has no menu). */
export function bindDesktopMenu(desktop: Pick<DesktopBridge | Shell, 'onMenu'>, handlers: MenuHandlers, onUnknown?: (action: string) => void): () => void {
  return desktop.onMenu(({ action, arg }) => {
    if (isMenuAction(action)) handlers[action](arg);
    else onUnknown?.(action);
  });
}
