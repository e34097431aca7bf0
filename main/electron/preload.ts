/**
 * Preload (sandboxed, context-isolated): exposes the API as one narrow request function plus event and menu
 * subscriptions. The renderer never gets ipcRenderer; main validates everything that comes through.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { DesktopRequest } from './desktop-contract';
import { API_CHANNEL, DESKTOP_CHANNEL, EVENT_CHANNEL, MENU_CHANNEL, type MenuMessage } from './ipc-channels';

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

contextBridge.exposeInMainWorld('layerlabDesktop', {
  request: (request: DesktopRequest) => ipcRenderer.invoke(DESKTOP_CHANNEL, request),
  onMenu: (listener: (message: MenuMessage) => void) => subscribe(MENU_CHANNEL, listener),
});
