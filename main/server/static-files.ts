/**
 * Safe mapping of a raw request target to a file under the renderer folder. Works on the raw target (before any
 * normalisation a library might do), so that `..`, `%2e%2e`, encoded slashes/backslashes, NUL and absolute or
 * drive-letter paths are refused rather than "cleaned" into something that happens to resolve.
 */
import { realpath, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';

export const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

export type StaticResolution =
  | { kind: 'file'; path: string; contentType: string }
  | { kind: 'refused'; reason: string }
  | { kind: 'missing' };

/** Splits the raw request target's path and rejects anything that could leave the root. */
export function checkRequestPath(rawTarget: string): { ok: true; segments: string[] } | { ok: false; reason: string } {
  const rawPath = rawTarget.split('?')[0]!.split('#')[0]!;
  if (!rawPath.startsWith('/')) return { ok: false, reason: 'the path must start with "/"' };
  if (rawPath.startsWith('//')) return { ok: false, reason: 'an absolute or network path is not allowed' };
  if (rawPath.includes('\\')) return { ok: false, reason: 'backslashes are not allowed in paths' };
  if (/%(2f|5c|00)/i.test(rawPath)) return { ok: false, reason: 'encoded slashes, backslashes or NUL are not allowed' };
  const segments: string[] = [];
  for (const rawSegment of rawPath.slice(1).split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(rawSegment);
    } catch {
      return { ok: false, reason: 'malformed percent-encoding' };
    }
    if (segment === '' || segment === '.') continue;
    if (segment === '..') return { ok: false, reason: '".." is not allowed in paths' };
    if (segment.includes('/') || segment.includes('\\') || segment.includes('\0')) {
      return { ok: false, reason: 'path separators inside a segment are not allowed' };
    }
    if (/^[A-Za-z]:/.test(segment)) return { ok: false, reason: 'drive-letter paths are not allowed' };
    segments.push(segment);
  }
  return { ok: true, segments };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Resolves a request to a file in `root`. Paths without an extension fall back to index.html (the app is a single
 * page). Symlinks that point outside the root are refused too.
 */
export async function resolveStatic(root: string, rawTarget: string): Promise<StaticResolution> {
  const checked = checkRequestPath(rawTarget);
  if (!checked.ok) return { kind: 'refused', reason: checked.reason };
  const base = resolve(root);
  let candidate = checked.segments.length === 0 ? join(base, 'index.html') : join(base, ...checked.segments);
  if (candidate !== base && !candidate.startsWith(base + sep)) return { kind: 'refused', reason: 'outside the renderer folder' };
  if (!(await isFile(candidate))) {
    const last = checked.segments[checked.segments.length - 1] ?? '';
    if (extname(last) !== '') return { kind: 'missing' };
    candidate = join(base, 'index.html');
    if (!(await isFile(candidate))) return { kind: 'missing' };
  }
  const [realBase, realFile] = await Promise.all([realpath(base), realpath(candidate)]);
  if (!realFile.startsWith(realBase + sep)) return { kind: 'refused', reason: 'the file links outside the renderer folder' };
  return { kind: 'file', path: realFile, contentType: CONTENT_TYPES[extname(realFile).toLowerCase()] ?? 'application/octet-stream' };
}
