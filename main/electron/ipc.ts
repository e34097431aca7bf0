/**
 * The two request channels a window may call: the API (through handleApiMessage, the same validation layer the
 * WebSocket server uses) and the desktop requests of shared/desktop.ts (validated with its schema). Both refuse
 * frames outside the app.
 */
import { BrowserWindow, ipcMain, shell, type IpcMainInvokeEvent } from 'electron';
import type { DesktopRequest, DesktopResults } from '../../shared/desktop';
import { DesktopRequestSchema } from '../../shared/desktop';
import { handleApiMessage } from '../service/handle';
import type { LocalBackendService } from '../service/service';
import { gpuSetup } from '../system/gpu-setup';
import { isAppFrame } from './app-protocol';
import { pickOpenPath, pickSavePath } from './dialogs';
import { API_CHANNEL, DESKTOP_CHANNEL } from './ipc-channels';
import { isAllowedExternalUrl } from './security';
import type { DesktopWindows } from './windows';

export interface IpcContext {
  service: LocalBackendService;
  windows: DesktopWindows;
  /** A window saved its project (clean, with a path): it joins the recent projects. */
  onSaved(path: string): void;
}

export function registerIpc(ctx: IpcContext): void {
  ipcMain.handle(API_CHANNEL, (event, message) => {
    if (!isAppFrame(event.senderFrame?.url)) return { id: null, error: { code: 'forbidden', message: 'request from a frame outside the app refused' } };
    return handleApiMessage(ctx.service, message);
  });
  ipcMain.handle(DESKTOP_CHANNEL, (event, raw) => handleDesktopRequest(ctx, event, raw));
}

async function handleDesktopRequest(ctx: IpcContext, event: IpcMainInvokeEvent, raw: unknown): Promise<DesktopResults[DesktopRequest['action']]> {
  if (!isAppFrame(event.senderFrame?.url)) throw new Error('request from a frame outside the app refused');
  const parsed = DesktopRequestSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`invalid desktop request: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const win = BrowserWindow.fromWebContents(event.sender);
  const request = parsed.data;
  switch (request.action) {
    case 'documentState':
      if (!win) return null;
      if (request.path && !request.dirty) ctx.onSaved(request.path);
      ctx.windows.setDocument(win, { name: request.name, path: request.path, dirty: request.dirty });
      return null;
    case 'showOpenDialog':
      return pickOpenPath(win);
    case 'showSaveDialog':
      return pickSavePath(win, request.kind, request.defaultName);
    case 'openExternal':
      if (!isAllowedExternalUrl(request.url)) throw new Error(`link refused: ${request.url} is not an https link to a documentation site Layerlab allows`);
      await shell.openExternal(request.url);
      return null;
    case 'gpuReport':
      return gpuSetup();
  }
}
