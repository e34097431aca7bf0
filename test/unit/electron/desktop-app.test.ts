// The desktop shell loaded with Electron replaced by a recording stand-in (the Electron binary cannot run here):
// checks what the shell asks of Electron — window options, the app:// protocol and its CSP, navigation lock,
// and that every IPC message goes through the API validation layer.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

type Listener = (...args: any[]) => any;
const rec = vi.hoisted(() => ({
  appHandlers: new Map<string, Listener>(),
  ipc: new Map<string, Listener>(),
  protocolHandler: undefined as undefined | ((req: { url: string }) => Promise<Response>),
  privileged: [] as unknown[],
  windows: [] as any[],
  opened: [] as string[],
  userData: '',
}));

vi.mock('electron', () => {
  class FakeWebContents {
    handlers = new Map<string, Listener>();
    sent: unknown[][] = [];
    windowOpenHandler?: Listener;
    on(name: string, fn: Listener) { this.handlers.set(name, fn); return this; }
    once(name: string, fn: Listener) { return this.on(name, fn); }
    send(...args: unknown[]) { this.sent.push(args); }
    setWindowOpenHandler(fn: Listener) { this.windowOpenHandler = fn; }
  }
  class BrowserWindow {
    static nextId = 1;
    id = BrowserWindow.nextId++;
    title = '';
    url = '';
    webContents = new FakeWebContents();
    handlers = new Map<string, Listener>();
    constructor(public options: any) { rec.windows.push(this); }
    static getAllWindows() { return rec.windows.filter((w) => !w.destroyed); }
    static getFocusedWindow() { return rec.windows[0]; }
    static fromWebContents(wc: unknown) { return rec.windows.find((w) => w.webContents === wc); }
    once(name: string, fn: Listener) { this.handlers.set(name, fn); }
    on(name: string, fn: Listener) { this.handlers.set(name, fn); }
    setTitle(t: string) { this.title = t; }
    loadURL(u: string) { this.url = u; return Promise.resolve(); }
    isDestroyed() { return false; }
    getNormalBounds() { return { x: 0, y: 0, width: 1200, height: 800 }; }
    show() {}
    focus() {}
    close() {}
  }
  const app = {
    requestSingleInstanceLock: () => true,
    on: (name: string, fn: Listener) => rec.appHandlers.set(name, fn),
    whenReady: () => Promise.resolve(),
    isReady: () => true,
    getPath: () => rec.userData,
    getVersion: () => '0.0.0-test',
    quit: vi.fn(),
  };
  return {
    app,
    BrowserWindow,
    dialog: { showMessageBoxSync: vi.fn(() => 2), showOpenDialog: vi.fn(), showSaveDialog: vi.fn(), showMessageBox: vi.fn() },
    ipcMain: { handle: (ch: string, fn: Listener) => rec.ipc.set(ch, fn) },
    Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: vi.fn() },
    protocol: {
      registerSchemesAsPrivileged: (s: unknown[]) => rec.privileged.push(...s),
      handle: (_scheme: string, fn: any) => { rec.protocolHandler = fn; },
    },
    shell: { openExternal: (url: string) => { rec.opened.push(url); return Promise.resolve(); } },
  };
});

const appRoot = mkdtempSync(join(tmpdir(), 'll-desktop-'));

beforeAll(async () => {
  rec.userData = join(appRoot, 'userData');
  mkdirSync(join(appRoot, 'out/renderer'), { recursive: true });
  writeFileSync(join(appRoot, 'out/renderer/index.html'), '<!doctype html><title>Layerlab</title>');
  writeFileSync(join(appRoot, 'secret.txt'), 'outside the renderer folder');
  const { startDesktopApp } = await import('../../../main/electron/desktop-app');
  startDesktopApp({ appRoot });
  await new Promise((r) => setTimeout(r, 20));
});

afterAll(async () => {
  const quit = rec.appHandlers.get('will-quit');
  quit?.();
  await new Promise((r) => setTimeout(r, 50));
});

const appFrame = (win: any) => ({ sender: win.webContents, senderFrame: { url: 'app://layerlab/index.html' } });

describe('desktop shell with Electron stood in', () => {
  it('opens one sandboxed, context-isolated window without Node integration, loading the app scheme', () => {
    expect(rec.windows).toHaveLength(1);
    const prefs = rec.windows[0].options.webPreferences;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
    expect(prefs.preload).toBe(join(appRoot, 'out/electron/preload.cjs'));
    expect(rec.windows[0].url).toBe('app://layerlab/index.html');
  });

  it('serves the renderer over app:// with the strict CSP, and nothing outside it', async () => {
    const ok = await rec.protocolHandler!({ url: 'app://layerlab/index.html' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(ok.headers.get('content-security-policy')).toMatch(/script-src 'self'(;|$)/);
    for (const url of ['app://layerlab/%2e%2e/%2e%2e/secret.txt', 'app://layerlab/..%2fsecret.txt', 'app://layerlab/missing.js', 'app://other-host/index.html']) {
      const res = await rec.protocolHandler!({ url });
      expect(res.status, url).toBeGreaterThanOrEqual(400);
      expect(await res.text()).not.toContain('outside the renderer folder');
    }
  });

  it('blocks navigation away from the app and new windows; allow-listed links go to the system browser', () => {
    const wc = { handlers: new Map<string, Listener>(), openHandler: undefined as any, on(n: string, f: Listener) { this.handlers.set(n, f); }, setWindowOpenHandler(f: Listener) { this.openHandler = f; } };
    rec.appHandlers.get('web-contents-created')!({}, wc);
    const prevent = vi.fn();
    wc.handlers.get('will-navigate')!({ preventDefault: prevent }, 'https://evil.example.com/');
    expect(prevent).toHaveBeenCalledTimes(1);
    wc.handlers.get('will-navigate')!({ preventDefault: prevent }, 'app://layerlab/index.html#x');
    expect(prevent).toHaveBeenCalledTimes(1);
    expect(wc.openHandler({ url: 'https://evil.example.com/' })).toEqual({ action: 'deny' });
    expect(wc.openHandler({ url: 'https://www.tensorflow.org/js' })).toEqual({ action: 'deny' });
    expect(rec.opened).toEqual(['https://www.tensorflow.org/js']);
  });

  it('passes API messages through the validation layer, and refuses frames outside the app', async () => {
    const api = rec.ipc.get('layerlab:api')!;
    const win = rec.windows[0];
    expect(await api({ sender: win.webContents, senderFrame: { url: 'https://evil.example.com/' } }, { id: 1, method: 'training.list', params: {} })).toMatchObject({ error: { code: 'forbidden' } });
    expect(await api(appFrame(win), { id: 2, method: 'no.such.method', params: {} })).toMatchObject({ id: 2, error: {} });
    expect(await api(appFrame(win), { id: 3, method: 'training.list', params: { extra: 1 } })).toMatchObject({ id: 3, error: {} });
    expect(await api(appFrame(win), { id: 4, method: 'training.list', params: {} })).toEqual({ id: 4, result: { runs: [] } });
  });

  it('validates desktop requests and shows the project name with a dirty marker in the title', async () => {
    const desktop = rec.ipc.get('layerlab:desktop')!;
    const win = rec.windows[0];
    await expect(desktop(appFrame(win), { action: 'documentState', name: 'mnist', dirty: 'yes' })).rejects.toThrow(/invalid desktop request/);
    await expect(desktop(appFrame(win), { action: 'rm -rf' })).rejects.toThrow(/invalid desktop request/);
    await desktop(appFrame(win), { action: 'documentState', name: 'mnist.layerlab', path: null, dirty: true });
    expect(win.title).toBe('• mnist.layerlab — Layerlab');
    await desktop(appFrame(win), { action: 'documentState', name: 'mnist.layerlab', path: '/tmp/mnist.layerlab', dirty: false });
    expect(win.title).toBe('mnist.layerlab — Layerlab');
    await expect(desktop(appFrame(win), { action: 'openExternal', url: 'https://evil.example.com/' })).rejects.toThrow(/link refused/);
  });

  it('asks before closing a window with unsaved changes (Cancel keeps it open)', async () => {
    const desktop = rec.ipc.get('layerlab:desktop')!;
    const win = rec.windows[0];
    await desktop(appFrame(win), { action: 'documentState', name: 'mnist.layerlab', path: null, dirty: true });
    const prevent = vi.fn();
    win.handlers.get('close')({ preventDefault: prevent });
    expect(prevent).toHaveBeenCalled();
  });
});
