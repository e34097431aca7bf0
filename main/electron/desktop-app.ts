/**
 * The desktop shell: a thin layer over the same backend service and renderer as browser mode. One window per open
 * project, each sandboxed (see security.ts), loading the renderer from a private app:// scheme that serves only
 * files of the built renderer with the CSP header. Every API message from a window goes through handleApiMessage,
 * the same validation layer the WebSocket server uses.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, shell, type IpcMainInvokeEvent } from 'electron';
import { readFile } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { handleApiMessage } from '../service/handle';
import { createBackendService, type LocalBackendService } from '../service/service';
import { resolveStatic } from '../server/static-files';
import { formatGpuSetup, gpuSetup } from '../system/gpu-setup';
import { addRecentProject, loadAppState, saveAppState, type AppState } from './app-state';
import { DesktopRequestSchema } from './desktop-contract';
import { API_CHANNEL, DESKTOP_CHANNEL, EVENT_CHANNEL, MENU_CHANNEL, type MenuMessage } from './ipc-channels';
import { buildMenuTemplate, type MenuAction } from './menu';
import { CONTENT_SECURITY_POLICY, isAllowedExternalUrl, isAllowedNavigation, windowOptions } from './security';

export const APP_SCHEME = 'app';
export const APP_URL = `${APP_SCHEME}://layerlab/index.html`;
const PROJECT_EXTENSIONS = new Set(['.layerlab', '.json']);

interface WindowDocument {
  name: string;
  path: string | null;
  dirty: boolean;
  /** Set when the user chose Save in the close prompt: the window closes once the save has made it clean. */
  closeAfterSave?: boolean;
}

export interface DesktopAppOptions {
  /** The folder holding out/renderer and out/electron (the app root in a package). */
  appRoot: string;
  isDev?: boolean;
}

/** Project files named on a command line or by the OS (file associations). */
export function projectPathsFromArgv(argv: string[], cwd: string): string[] {
  return argv
    .slice(1)
    .filter((a) => !a.startsWith('-') && PROJECT_EXTENSIONS.has(extname(a).toLowerCase()))
    .map((a) => resolve(cwd, a));
}

export function startDesktopApp(options: DesktopAppOptions): void {
  const rendererDir = join(options.appRoot, 'out/renderer');
  const preload = join(options.appRoot, 'out/electron/preload.cjs');
  const documents = new Map<number, WindowDocument>();
  let state: AppState;
  let service: LocalBackendService;

  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }

  // Must happen before 'ready': app:// behaves like a standard, secure origin (fetch, relative URLs, storage).
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

  const pendingPaths: string[] = projectPathsFromArgv(process.argv, process.cwd());
  app.on('open-file', (event, path) => {
    event.preventDefault();
    if (app.isReady()) openWindow(path);
    else pendingPaths.push(path);
  });
  app.on('second-instance', (_event, argv, cwd) => {
    const paths = projectPathsFromArgv(argv, cwd);
    if (paths.length) paths.forEach((p) => openWindow(p));
    else BrowserWindow.getAllWindows()[0]?.focus();
  });

  // Nothing may create windows or navigate outside the handlers below: lock every web contents as it is created.
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isAllowedNavigation(url, APP_URL)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (isAllowedExternalUrl(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });

  app.whenReady().then(() => {
    state = loadAppState(app.getPath('userData'));
    service = createBackendService({
      datasets: { cacheDir: process.env.LAYERLAB_CACHE_DIR ?? join(app.getPath('userData'), 'datasets') },
      checkpointDir: join(app.getPath('userData'), 'checkpoints'),
      appVersion: app.getVersion(),
    });
    service.subscribe((message) => {
      for (const win of BrowserWindow.getAllWindows()) if (!win.isDestroyed()) win.webContents.send(EVENT_CHANNEL, message);
    });

    protocol.handle(APP_SCHEME, async (request) => {
      const url = new URL(request.url);
      if (url.host !== 'layerlab') return new Response('not found', { status: 404 });
      const resolved = await resolveStatic(rendererDir, url.pathname === '/' ? '/index.html' : url.pathname);
      if (resolved.kind !== 'file') return new Response(resolved.kind === 'refused' ? resolved.reason : 'not found', { status: resolved.kind === 'refused' ? 400 : 404 });
      return new Response(await readFile(resolved.path), {
        headers: { 'content-type': resolved.contentType, 'content-security-policy': CONTENT_SECURITY_POLICY, 'x-content-type-options': 'nosniff' },
      });
    });

    ipcMain.handle(API_CHANNEL, (event, message) => {
      if (!fromAppFrame(event)) return { id: null, error: { code: 'forbidden', message: 'request from a frame outside the app refused' } };
      return handleApiMessage(service, message);
    });
    ipcMain.handle(DESKTOP_CHANNEL, (event, raw) => handleDesktopRequest(event, raw));

    rebuildMenu();
    if (pendingPaths.length) pendingPaths.splice(0).forEach((p) => openWindow(p));
    else openWindow();

    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) openWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => {
    void service?.close();
  });

  function fromAppFrame(event: IpcMainInvokeEvent): boolean {
    const url = event.senderFrame?.url ?? '';
    return url.startsWith(`${APP_SCHEME}://layerlab/`);
  }

  function openWindow(projectPath?: string): BrowserWindow {
    const win = new BrowserWindow(windowOptions(preload, BrowserWindow.getAllWindows().length === 0 ? state.bounds : undefined));
    documents.set(win.id, { name: projectPath ? basename(projectPath) : 'Untitled', path: projectPath ?? null, dirty: false });
    updateTitle(win);
    win.once('ready-to-show', () => win.show());
    win.webContents.once('did-finish-load', () => {
      if (projectPath) sendMenu(win, 'file.openRecent', projectPath);
    });
    win.on('close', (event) => {
      const doc = documents.get(win.id);
      state = { ...state, bounds: win.getNormalBounds() };
      saveAppState(app.getPath('userData'), state);
      if (!doc?.dirty) return;
      const choice = dialog.showMessageBoxSync(win, {
        type: 'question',
        buttons: ['Save', "Don't Save", 'Cancel'],
        defaultId: 0,
        cancelId: 2,
        message: `Save changes to ${doc.name} before closing?`,
        detail: 'Your changes will be lost if you do not save them.',
      });
      if (choice === 1) return;
      event.preventDefault();
      if (choice === 0) {
        sendMenu(win, 'file.save');
        // The window closes once the renderer reports the document clean (documentState with dirty: false).
        doc.closeAfterSave = true;
      }
    });
    win.on('closed', () => documents.delete(win.id));
    void win.loadURL(APP_URL);
    return win;
  }

  function sendMenu(win: BrowserWindow, action: MenuAction, arg?: string): void {
    const message: MenuMessage = arg === undefined ? { action } : { action, arg };
    win.webContents.send(MENU_CHANNEL, message);
  }

  function updateTitle(win: BrowserWindow): void {
    const doc = documents.get(win.id);
    if (!doc) return;
    win.setTitle(`${doc.dirty ? '• ' : ''}${doc.name} — Layerlab`);
    win.setDocumentEdited?.(doc.dirty);
    if (doc.path) win.setRepresentedFilename?.(doc.path);
  }

  function rebuildMenu(): void {
    const template = buildMenuTemplate({
      platform: process.platform,
      isDev: !!options.isDev,
      recentProjects: state.recentProjects,
      send: (action, arg) => void onMenuAction(action, arg),
    });
    Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  }

  async function onMenuAction(action: MenuAction, arg?: string): Promise<void> {
    const win = BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0];
    switch (action) {
      case 'file.new':
        openWindow();
        return;
      case 'file.open': {
        const picked = await dialog.showOpenDialog({ properties: ['openFile'], filters: projectFilters() });
        if (!picked.canceled && picked.filePaths[0]) openOrFocus(picked.filePaths[0]);
        return;
      }
      case 'file.openRecent':
        if (arg) openOrFocus(arg);
        return;
      case 'file.close':
        win?.close();
        return;
      case 'help.gpu': {
        // The CUDA report next to the WebGPU adapters (vendor, architecture, device, driver, software or not, limits).
        const setup = await gpuSetup();
        await dialog.showMessageBox({ type: setup.anyGpuReady ? 'info' : 'warning', message: 'GPU setup', detail: formatGpuSetup(setup) });
        return;
      }
      default:
        if (win) sendMenu(win, action, arg);
    }
  }

  /** An already open project gets focus; an untouched empty window is reused; otherwise a new window. */
  function openOrFocus(path: string): void {
    for (const win of BrowserWindow.getAllWindows()) {
      const doc = documents.get(win.id);
      if (doc?.path === path) return win.focus();
    }
    const focused = BrowserWindow.getFocusedWindow();
    const doc = focused ? documents.get(focused.id) : undefined;
    if (focused && doc && !doc.path && !doc.dirty) sendMenu(focused, 'file.openRecent', path);
    else openWindow(path);
  }

  function projectFilters() {
    return [
      { name: 'Layerlab project', extensions: ['layerlab'] },
      { name: 'Keras or TF.js model JSON', extensions: ['json'] },
    ];
  }

  async function handleDesktopRequest(event: IpcMainInvokeEvent, raw: unknown): Promise<unknown> {
    if (!fromAppFrame(event)) throw new Error('request from a frame outside the app refused');
    const parsed = DesktopRequestSchema.safeParse(raw);
    if (!parsed.success) throw new Error(`invalid desktop request: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const win = BrowserWindow.fromWebContents(event.sender);
    const request = parsed.data;
    switch (request.action) {
      case 'documentState': {
        if (!win) return null;
        const doc = documents.get(win.id) ?? { name: request.name, path: null, dirty: false };
        Object.assign(doc, { name: request.name, path: request.path, dirty: request.dirty });
        documents.set(win.id, doc);
        updateTitle(win);
        if (request.path && !request.dirty) {
          state = addRecentProject(state, request.path);
          saveAppState(app.getPath('userData'), state);
          rebuildMenu();
        }
        if (doc.closeAfterSave && !doc.dirty) win.close();
        return null;
      }
      case 'showOpenDialog': {
        const picked = await (win ? dialog.showOpenDialog(win, { properties: ['openFile'], filters: projectFilters() }) : dialog.showOpenDialog({ properties: ['openFile'], filters: projectFilters() }));
        return picked.canceled ? null : (picked.filePaths[0] ?? null);
      }
      case 'showSaveDialog': {
        const opts =
          request.kind === 'project'
            ? { defaultPath: request.defaultName ?? 'untitled.layerlab', filters: [{ name: 'Layerlab project', extensions: ['layerlab'] }] }
            : { defaultPath: request.defaultName ?? 'export', properties: ['createDirectory' as const] };
        const picked = await (win ? dialog.showSaveDialog(win, opts) : dialog.showSaveDialog(opts));
        return picked.canceled ? null : (picked.filePath ?? null);
      }
      case 'openExternal':
        if (!isAllowedExternalUrl(request.url)) throw new Error(`link refused: ${request.url} is not an https link to a documentation site Layerlab allows`);
        await shell.openExternal(request.url);
        return null;
      case 'gpuReport':
        return gpuSetup();
    }
  }
}

/** The app root when running the bundled main (out/electron/main.js): two folders up. */
export function defaultAppRoot(moduleUrl: string): string {
  return resolve(fileURLToPath(new URL('.', moduleUrl)), '../..');
}
