/**
 * Where API paths may point. Relative paths resolve against the service's base folder; with `roots` set (layerlab
 * serve --root DIR), every path a client names must lie inside one of those folders once symbolic links are
 * followed, so a token holder on a shared GPU machine cannot read or overwrite files elsewhere.
 */
import { realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve } from 'node:path';
import { ApiError } from '../../shared/api';

/** The real path of `path`, following links in the part of it that exists (the rest is yet to be created). */
function realPathOf(path: string): string {
  const tail: string[] = [];
  let at = path;
  for (;;) {
    try {
      return resolve(realpathSync(at), ...tail.reverse());
    } catch {
      const parent = dirname(at);
      if (parent === at) return path;
      tail.push(basename(at));
      at = parent;
    }
  }
}

function inside(child: string, root: string): boolean {
  const rel = relative(root, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

export function createPathResolver(baseDir: string, roots?: readonly string[]): (path: string) => string {
  const base = resolve(baseDir);
  if (!roots || roots.length === 0) return (path) => resolve(base, path);
  const realRoots = roots.map((r) => realPathOf(resolve(base, r)));
  return (path) => {
    const resolved = resolve(base, path);
    const real = realPathOf(resolved);
    if (realRoots.some((root) => inside(real, root))) return resolved;
    throw new ApiError(
      'forbidden',
      `'${path}' is outside the folders this server may use (${realRoots.join(', ')}): use a path inside them, or restart layerlab serve with --root for that folder`,
    );
  };
}
