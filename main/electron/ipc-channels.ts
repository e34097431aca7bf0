/** IPC channel names, in one place (the preload imports only this file and type-only shared/desktop.ts, so it bundles nothing else). */
export const API_CHANNEL = 'layerlab:api';
export const EVENT_CHANNEL = 'layerlab:event';
export const MENU_CHANNEL = 'layerlab:menu';
export const DESKTOP_CHANNEL = 'layerlab:desktop';
