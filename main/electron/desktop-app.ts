/**
 * The desktop shell: a thin layer over the same backend service and renderer as browser mode, assembled from one
 * module per concern: the app:// protocol (app-protocol.ts), the single instance (single-instance.ts), the windows
 * (windows.ts), IPC (ipc.ts), native dialogs (dialogs.ts) and the menu (menu.ts). This file only wires them and
 * keeps what the app remembers between starts (app-state.ts).
 */
import { app, BrowserWindow, Menu } from 'electron';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBackendService, type LocalBackendService } from '../service/service';
import { adoptDesktopLegacyCache } from '../system/cache-root';
import { lockNavigation, registerAppScheme, serveAppProtocol } from './app-protocol';
import { addRecentProject, loadAppState, saveAppState, type AppState } from './app-state';
import { pickOpenPath, showGpuSetup } from './dialogs';
import { EVENT_CHANNEL } from './ipc-channels';
import { registerIpc } from './ipc';
import { buildMenuTemplate, type MenuAction } from './menu';
import { claimSingleInstance } from './single-instance';
import { DesktopWindows } from './windows';


export interface DesktopAppOptions {
  /** The folder holding out/renderer and out/electron (the app root in a package). */
  appRoot: string;
  isDev?: boolean;
}

export function startDesktopApp(options: DesktopAppOptions): void {
  let state: AppState;
  let service: LocalBackendService;
  const userData = () => app.getPath('userData');
  const remember = (next: AppState) => {
    state = next;
    saveAppState(userData(), state);
  };
  const windows = new DesktopWindows({
    preload: join(options.appRoot, 'out/electron/preload.cjs'),
    initialBounds: () => state.bounds,
    onClosing: (bounds) => remember({ ...state, bounds }),
  });

  const pendingPaths = claimSingleInstance({
    open: (path) => windows.open(path),
    focus: () => BrowserWindow.getAllWindows()[0]?.focus(),
  });
  if (!pendingPaths) return;
  registerAppScheme();
  lockNavigation();

  app.whenReady().then(() => {
    state = loadAppState(userData());
    // Datasets, recovery stores, sweeps and checkpoints share the CLI's cache root; older desktop builds kept them
    // under userData, so those are moved in first (recorded checkpoint paths under userData keep working there).
    adoptDesktopLegacyCache(join(userData(), 'datasets'));
    service = createBackendService({
      appVersion: app.getVersion(),
    });
    service.subscribe((message) => {
      for (const win of BrowserWindow.getAllWindows()) if (!win.isDestroyed()) win.webContents.send(EVENT_CHANNEL, message);
    });
    serveAppProtocol(join(options.appRoot, 'out/renderer'));
    registerIpc({
      service,
      windows,
      onSaved: (path) => {
        remember(addRecentProject(state, path));
        rebuildMenu();
      },
    });

    rebuildMenu();
    if (pendingPaths.length) pendingPaths.splice(0).forEach((p) => windows.open(p));
    else windows.open();

    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) windows.open();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => {
    void service?.close();
  });

  function rebuildMenu(): void {
    const template = buildMenuTemplate({
      platform: process.platform,
      isDev: !!options.isDev,
      recentProjects: state.recentProjects,
      send: (action, arg) => void onMenuAction(action, arg),
    });
    Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  }

  /** The few menu actions main answers itself (windows, files, GPU report); the rest go to the window's commands. */
  async function onMenuAction(action: MenuAction, arg?: string): Promise<void> {
    const win = windows.target();
    switch (action) {
      case 'file.new':
        windows.open();
        return;
      case 'file.open': {
        const path = await pickOpenPath(null);
        if (path) windows.openOrFocus(path);
        return;
      }
      case 'file.openRecent':
        if (arg) windows.openOrFocus(arg);
        return;
      case 'file.close':
        win?.close();
        return;
      case 'help.gpu':
        await showGpuSetup();
        return;
      default:
        if (win) windows.sendMenu(win, action, arg);
    }
  }
}

/** The app root when running the bundled main (out/electron/main.js): two folders up. */
export function defaultAppRoot(moduleUrl: string): string {
  return resolve(fileURLToPath(new URL('.', moduleUrl)), '../..');
}
