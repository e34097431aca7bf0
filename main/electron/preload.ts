/**
 * Preload (sandboxed, context-isolated): exposes the API as one narrow request function plus event and menu
 * subscriptions. The renderer never gets ipcRenderer; main validates everything that comes through.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { DesktopBridge, DesktopMenuMessage } from '../../shared/desktop';
import { API_CHANNEL, DESKTOP_CHANNEL, EVENT_CHANNEL, MENU_CHANNEL } from './ipc-channels';

function subscribe<T>(channel: string, listener: (message: T) => void): () => void {
  const wrapped = (_event: IpcRendererEvent, message: T) => listener(message);
  ipcRenderer.on(channel, wrapped);
  return () => ipcRenderer.removeListener(channel, wrapped);
}

contextBridge.exposeInMainWorld('layerlab', {
  version: 1,
  request: (message: unknown) => ipcRenderer.invoke(API_CHANNEL, message),
  onEvent: (listener: (message: unknown) => void) => subscribe(EVENT_CHANNEL, listener),
});

const desktop: DesktopBridge = {
  // Main answers each action with DesktopResults[action] (main/electron/ipc.ts); invoke itself is untyped.
  request: (request) => ipcRenderer.invoke(DESKTOP_CHANNEL, request),
  onMenu: (listener: (message: DesktopMenuMessage) => void) => subscribe(MENU_CHANNEL, listener),
};
contextBridge.exposeInMainWorld('layerlabDesktop', desktop);
