/**
 * getHost(): the Electron bridge when the preload put one on window, otherwise a WebSocket to the server that
 * served this page (its /api endpoint), with the token from the page URL (or, without one, the cookie the
 * server set when the page was first opened with ?token=).
 */
import { createElectronHost } from './electron';
import type { Host } from './types';
import { createWebSocketHost } from './websocket';

export type { ConnectionState, Host } from './types';

let current: Host | undefined;

export function apiUrlFor(location: { protocol: string; host: string }): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api`;
}

export function getHost(): Host {
  if (current) return current;
  const win = globalThis.window;
  if (win?.layerlab) {
    current = createElectronHost(win.layerlab);
  } else if (win?.location) {
    const token = new URLSearchParams(win.location.search).get('token') ?? undefined;
    current = createWebSocketHost(apiUrlFor(win.location), token);
  } else {
    throw new Error('no host: not in Electron (window.layerlab) nor in a browser page (window.location)');
  }
  return current;
}
