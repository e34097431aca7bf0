/**
 * The Electron window's security settings, as plain data so tests can assert them without Electron.
 * Every deviation from Electron's secure defaults would need a reason here; there are none.
 */
import type { BrowserWindowConstructorOptions } from 'electron';

/** Content-Security-Policy of the window: only the app's own files; no inline script, no eval, no remote content. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // Svelte and @xyflow set element styles at run time; style attributes need 'unsafe-inline' (scripts do not).
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function windowOptions(preloadPath: string, bounds?: { x?: number; y?: number; width: number; height: number }): BrowserWindowConstructorOptions {
  return {
    width: bounds?.width ?? 1440,
    height: bounds?.height ?? 900,
    x: bounds?.x,
    y: bounds?.y,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Layerlab',
    backgroundColor: '#0f1419',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  };
}

/** Hosts whose https links may open in the system browser (documentation the app links to). */
export const EXTERNAL_LINK_ALLOW_LIST: readonly string[] = [
  'github.com',
  'www.tensorflow.org',
  'keras.io',
  'pytorch.org',
  'developer.nvidia.com',
  'docs.nvidia.com',
];

/** True when `url` is an https link to an allow-listed host (no credentials, no odd ports). */
export function isAllowedExternalUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' || parsed.username || parsed.password || parsed.port) return false;
  return EXTERNAL_LINK_ALLOW_LIST.includes(parsed.hostname);
}

/**
 * In-app navigation is only allowed within the app's own page (a hash change or reload of the same document);
 * everything else is blocked. `appUrl` is the URL the window was loaded with.
 */
export function isAllowedNavigation(targetUrl: string, appUrl: string): boolean {
  try {
    const target = new URL(targetUrl);
    const app = new URL(appUrl);
    return target.protocol === app.protocol && target.host === app.host && target.pathname === app.pathname;
  } catch {
    return false;
  }
}
