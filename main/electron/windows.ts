/**
 * One window per open project, each sandboxed (security.ts) and loading app://. Keeps what each window shows
 * (name, path, dirty) for its title, the close prompt, and for focusing a project that is already open.
 */
import { BrowserWindow, type Rectangle } from 'electron';
import { basename } from 'node:path';
import type { DesktopMenuMessage } from '../../shared/desktop';
import { APP_URL } from './app-protocol';
import { askSaveBeforeClose } from './dialogs';
import { MENU_CHANNEL } from './ipc-channels';
import type { MenuAction } from './menu';
import { windowOptions } from './security';

export interface WindowDocument {
  name: string;
  path: string | null;
  dirty: boolean;
  /** Set when the user chose Save in the close prompt: the window closes once the save has made it clean. */
  closeAfterSave?: boolean;
}

export interface WindowsOptions {
  preload: string;
  /** Where the first window opens (the bounds remembered from the last session). */
  initialBounds(): Rectangle | undefined;
  /** A window is closing: remember its bounds for the next start. */
  onClosing(bounds: Rectangle): void;
}

export class DesktopWindows {
  private readonly documents = new Map<number, WindowDocument>();

  constructor(private readonly options: WindowsOptions) {}

  open(projectPath?: string): BrowserWindow {
    const win = new BrowserWindow(windowOptions(this.options.preload, BrowserWindow.getAllWindows().length === 0 ? this.options.initialBounds() : undefined));
    this.documents.set(win.id, { name: projectPath ? basename(projectPath) : 'Untitled', path: projectPath ?? null, dirty: false });
    this.updateTitle(win);
    win.once('ready-to-show', () => win.show());
    win.webContents.once('did-finish-load', () => {
      if (projectPath) this.sendMenu(win, 'file.openRecent', projectPath);
    });
    win.on('close', (event) => {
      const doc = this.documents.get(win.id);
      this.options.onClosing(win.getNormalBounds());
      if (!doc?.dirty) return;
      const choice = askSaveBeforeClose(win, doc.name);
      if (choice === 'discard') return;
      event.preventDefault();
      if (choice === 'save') {
        this.sendMenu(win, 'file.save');
        // The window closes once the renderer reports the document clean (documentState with dirty: false).
        doc.closeAfterSave = true;
      }
    });
    win.on('closed', () => this.documents.delete(win.id));
    void win.loadURL(APP_URL);
    return win;
  }

  /** An already open project gets focus; an untouched empty window is reused; otherwise a new window. */
  openOrFocus(path: string): void {
    for (const win of BrowserWindow.getAllWindows()) {
      if (this.documents.get(win.id)?.path === path) return win.focus();
    }
    const focused = BrowserWindow.getFocusedWindow();
    const doc = focused ? this.documents.get(focused.id) : undefined;
    if (focused && doc && !doc.path && !doc.dirty) this.sendMenu(focused, 'file.openRecent', path);
    else this.open(path);
  }

  /** The window's renderer reported its document: title, dirty marker, and the pending close after Save. */
  setDocument(win: BrowserWindow, state: Omit<WindowDocument, 'closeAfterSave'>): void {
    const doc = this.documents.get(win.id) ?? { ...state };
    Object.assign(doc, state);
    this.documents.set(win.id, doc);
    this.updateTitle(win);
    if (doc.closeAfterSave && !doc.dirty) win.close();
  }

  sendMenu(win: BrowserWindow, action: MenuAction, arg?: string): void {
    const message: DesktopMenuMessage = arg === undefined ? { action } : { action, arg };
    win.webContents.send(MENU_CHANNEL, message);
  }

  /** The window menu actions go to: the focused one, else any. */
  target(): BrowserWindow | undefined {
    return BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0];
  }

  private updateTitle(win: BrowserWindow): void {
    const doc = this.documents.get(win.id);
    if (!doc) return;
    win.setTitle(`${doc.dirty ? '• ' : ''}${doc.name} — Layerlab`);
    win.setDocumentEdited?.(doc.dirty);
    if (doc.path) win.setRepresentedFilename?.(doc.path);
  }
}
