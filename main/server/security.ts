/**
 * Browser-mode access control: a shared secret token (query, header or cookie), a same-origin check on every
 * request and WebSocket upgrade, and the response headers every page gets.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_HEADER = 'x-layerlab-token';

export function randomToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Cookies are shared by every port of a host, so the name carries the port to keep two servers apart. */
export function cookieName(port: number): string {
  return `layerlab_token_${port}`;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Constant-time comparison (hashing first makes the lengths equal). */
export function tokenMatches(candidate: string | undefined, token: string): boolean {
  if (candidate === undefined) return false;
  return timingSafeEqual(digest(candidate), digest(token));
}

function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
}

export type TokenSource = 'query' | 'header' | 'cookie';

/**
 * Which presented token is right, if any. The query wins so that a new link replaces a stale cookie.
 * `presented`: some token was sent (a wrong one counts against the client's attempts; none at all does not).
 */
export function authenticate(req: IncomingMessage, token: string, port: number): { ok: true; source: TokenSource } | { ok: false; presented: boolean } {
  const url = new URL(req.url ?? '/', 'http://placeholder');
  const fromQuery = url.searchParams.get('token') ?? undefined;
  if (fromQuery !== undefined) return tokenMatches(fromQuery, token) ? { ok: true, source: 'query' } : { ok: false, presented: true };
  const header = req.headers[TOKEN_HEADER];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  const bearer = req.headers.authorization?.match(/^Bearer\s+(.+)$/i)?.[1];
  if (fromHeader !== undefined || bearer !== undefined) {
    return tokenMatches(fromHeader ?? bearer, token) ? { ok: true, source: 'header' } : { ok: false, presented: true };
  }
  const fromCookie = parseCookies(req.headers.cookie).get(cookieName(port));
  return tokenMatches(fromCookie, token) ? { ok: true, source: 'cookie' } : { ok: false, presented: fromCookie !== undefined };
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** The host name of a Host header (`name:port`, `[v6]:port`), lower case; null when it is malformed. */
function hostName(header: string): string | null {
  const m = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(:\d{1,5})?$/i.exec(header.trim());
  return m ? m[1]!.toLowerCase() : null;
}

/**
 * DNS rebinding defence: a page of evil.example whose name is made to resolve to 127.0.0.1 reaches this server with
 * `Host: evil.example`. Allowed are IP literals (no name to rebind), localhost, the address we listen on, `--host`'s
 * name, and this machine's own name when listening beyond loopback. The port is not checked: an SSH tunnel may
 * forward another local port.
 */
export function hostAllowed(req: IncomingMessage, names: readonly string[]): boolean {
  const header = req.headers.host;
  if (!header) return false;
  const name = hostName(header);
  if (name === null) return false;
  if (IPV4.test(name) || name.startsWith('[')) return true;
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  return names.some((n) => n.toLowerCase() === name);
}

/**
 * A request from a page is allowed only from our own origin: the Origin header (browsers send it on WebSocket
 * upgrades and on cross-site fetches) must name the same host:port the request was sent to. Clients that send no
 * Origin (curl, Node) are not browsers acting for another site; they still need the token.
 */
export function originAllowed(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  const host = req.headers.host;
  if (!host) return false;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.host === host.toLowerCase();
}

/**
 * Content-Security-Policy for the app's HTML: scripts only from our own origin (no inline scripts, no eval),
 * connections only to ourselves (the API WebSocket), images also from data:/blob: (dataset previews, filter tiles).
 * Inline style attributes stay allowed: Svelte Flow positions nodes with them.
 */
export function contentSecurityPolicy(host: string | undefined): string {
  const self = host ? ` ws://${host} wss://${host}` : '';
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${self}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function commonHeaders(): Record<string, string> {
  return {
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    // The token is in the URL and a cookie: nothing that carries it may be cached.
    'Cache-Control': 'no-store',
  };
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
