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

/** Which presented token is right, if any. The query wins so that a new link replaces a stale cookie. */
export function authenticate(req: IncomingMessage, token: string, port: number): { ok: true; source: TokenSource } | { ok: false } {
  const url = new URL(req.url ?? '/', 'http://placeholder');
  const fromQuery = url.searchParams.get('token') ?? undefined;
  if (fromQuery !== undefined) return tokenMatches(fromQuery, token) ? { ok: true, source: 'query' } : { ok: false };
  const header = req.headers[TOKEN_HEADER];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  const bearer = req.headers.authorization?.match(/^Bearer\s+(.+)$/i)?.[1];
  if (fromHeader !== undefined || bearer !== undefined) {
    return tokenMatches(fromHeader ?? bearer, token) ? { ok: true, source: 'header' } : { ok: false };
  }
  const fromCookie = parseCookies(req.headers.cookie).get(cookieName(port));
  return tokenMatches(fromCookie, token) ? { ok: true, source: 'cookie' } : { ok: false };
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
