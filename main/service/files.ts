/**
 * files.list: what the window's Open/Save dialogs browse in browser mode, where the user cannot see the backend
 * machine's disk. Every path goes through the service's resolver, so with `layerlab serve --root DIR` nothing
 * outside DIR is listed, and the parent of a root is not offered.
 */
import { readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { API_LIMITS, ApiError, type FolderEntry, type FolderListing } from '../../shared/api';

function kindOf(name: string, isDir: boolean): FolderEntry['kind'] | null {
  if (isDir) return 'folder';
  if (/\.layerlab$/i.test(name)) return 'project';
  if (/\.json$/i.test(name)) return 'model';
  return null;
}

async function linkTarget(resolvePath: (path: string) => string, path: string): Promise<'folder' | 'file' | null> {
  try {
    resolvePath(path);
    return (await stat(path)).isDirectory() ? 'folder' : 'file';
  } catch {
    return null;
  }
}

export async function listFolder(resolvePath: (path: string) => string, path: string | undefined, base: string): Promise<FolderListing> {
  const folder = resolvePath(path ?? base);
  const dirents = await readdir(folder, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') throw new ApiError('not-found', `${folder} does not exist: pick a folder that does, or create it first`);
    if (err.code === 'ENOTDIR') throw new ApiError('invalid-params', `${folder} is a file, not a folder`);
    if (err.code === 'EACCES' || err.code === 'EPERM') throw new ApiError('forbidden', `${folder} cannot be read by the user running the server`);
    throw err;
  });
  const entries: FolderEntry[] = [];
  for (const d of dirents) {
    // Hidden folders (.git, .cache) are noise in a project browser.
    if (d.name.startsWith('.')) continue;
    // A link is listed as what it points to, and only when that lies where the server may go.
    const linked = d.isSymbolicLink() ? await linkTarget(resolvePath, join(folder, d.name)) : null;
    if (d.isSymbolicLink() && !linked) continue;
    const kind = kindOf(d.name, linked ? linked === 'folder' : d.isDirectory());
    if (kind) entries.push({ name: d.name, kind });
  }
  entries.sort((a, b) => Number(b.kind === 'folder') - Number(a.kind === 'folder') || a.name.localeCompare(b.name));
  const up = dirname(folder);
  let parent: string | null = null;
  if (up !== folder) {
    try {
      parent = resolvePath(up);
    } catch {
      parent = null;
    }
  }
  return { path: folder, parent, entries: entries.slice(0, API_LIMITS.folderEntries), truncated: entries.length > API_LIMITS.folderEntries };
}
