/**
 * The private app:// scheme the windows load the renderer from: it serves only files of the built renderer, with
 * the CSP header, and is the one origin allowed to navigate, call the API, or open links (in the system browser).
 */
import { app, protocol, shell } from 'electron';
import { readFile } from 'node:fs/promises';
import { resolveStatic } from '../server/static-files';
import { CONTENT_SECURITY_POLICY, isAllowedExternalUrl, isAllowedNavigation } from './security';

export const APP_SCHEME = 'app';
export const APP_URL = `${APP_SCHEME}://layerlab/index.html`;

/** Must happen before 'ready': app:// behaves like a standard, secure origin (fetch, relative URLs, storage). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

/** Serves rendererDir over app://layerlab/ (after 'ready'); anything outside it is refused or not found. */
export function serveAppProtocol(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== 'layerlab') return new Response('not found', { status: 404 });
    const resolved = await resolveStatic(rendererDir, url.pathname === '/' ? '/index.html' : url.pathname);
    if (resolved.kind !== 'file') return new Response(resolved.kind === 'refused' ? resolved.reason : 'not found', { status: resolved.kind === 'refused' ? 400 : 404 });
    return new Response(await readFile(resolved.path), {
      headers: { 'content-type': resolved.contentType, 'content-security-policy': CONTENT_SECURITY_POLICY, 'x-content-type-options': 'nosniff' },
    });
  });
}

/** Whether a frame's URL is the app's own page (IPC from any other frame is refused). */
export function isAppFrame(url: string | undefined): boolean {
  return (url ?? '').startsWith(`${APP_SCHEME}://layerlab/`);
}

/** Nothing may create windows or navigate outside the app: every web contents is locked as it is created. */
export function lockNavigation(): void {
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
}
