/**
 * The one per-user folder Layerlab keeps its own files in: dataset downloads (`datasets/`), recovery stores and
 * Untitled runs (`recovery/`), sweeps (`sweeps/`), CLI and window checkpoints (`checkpoints/`), `recent.json`.
 * Every user of such a folder calls `userCacheRoot()`; nothing else reads the platform or the environment for it.
 *
 * Platform defaults, LAYERLAB_CACHE_DIR overriding all of them:
 *   Linux and others  $XDG_CACHE_HOME/layerlab (an absolute XDG_CACHE_HOME only, as the XDG spec says), else
 *                     ~/.cache/layerlab
 *   macOS             ~/Library/Application Support/Layerlab, not ~/Library/Caches: macOS purges Caches when the
 *                     disk runs low, and this folder holds recovery stores and checkpoints (unsaved work), not
 *                     only downloads that can be fetched again
 *   Windows           %LOCALAPPDATA%\Layerlab\Cache (not %APPDATA%: the cache must not roam with the profile)
 *
 * Older builds used two roots: datasets, recovery stores and sweeps went to ~/.cache/layerlab on every OS (the
 * desktop app: its user-data folder + `datasets`), while recent.json went to the OS cache folder (on macOS
 * ~/Library/Caches/Layerlab). So that no
 * recovery store, Untitled run or downloaded dataset is lost when the default moves, the first call in a process
 * moves those folders from the old roots into the new one (`adoptLegacyCache`). Checkpoints are not moved: a run
 * records its checkpoint folder by absolute path (`run.json` `checkpoint`), which keeps working where it is.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, rmdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, posix, win32 } from 'node:path';

export interface CacheContext {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  home: string;
}

function hostContext(given: Partial<CacheContext>): CacheContext {
  return { platform: process.platform, env: process.env, home: homedir(), ...given };
}

// The table speaks the path flavour of the platform it describes (so a test on Linux can check the Windows row);
// the moves below act on this host's real folders and use its own.
const pathsFor = (platform: NodeJS.Platform) => (platform === 'win32' ? win32 : posix);

/** The platform table, without touching the disk. */
export function cacheRootFor({ platform, env, home }: CacheContext): string {
  const path = pathsFor(platform);
  if (env.LAYERLAB_CACHE_DIR) return path.resolve(env.LAYERLAB_CACHE_DIR);
  if (platform === 'win32') return path.join(env.LOCALAPPDATA || path.join(home, 'AppData', 'Local'), 'Layerlab', 'Cache');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Layerlab');
  const xdg = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(home, '.cache');
  return path.join(xdg, 'layerlab');
}

/** Where older builds kept datasets, recovery stores and sweeps when no LAYERLAB_CACHE_DIR was set. */
export function legacyCacheRoots({ platform, env, home }: CacheContext): string[] {
  const path = pathsFor(platform);
  const old = env.XDG_CACHE_HOME ? path.join(path.resolve(env.XDG_CACHE_HOME), 'layerlab') : path.join(home, '.cache', 'layerlab');
  // macOS: recent.json of older builds sat in the OS cache folder.
  const olds = platform === 'darwin' ? [old, path.join(home, 'Library', 'Caches', 'Layerlab')] : [old];
  const root = cacheRootFor({ platform, env, home });
  return olds.filter((o) => o !== root);
}

/** What older builds kept under a cache root and may be moved; `checkpoints/` stays (see the module comment). */
const MOVABLE = ['recovery', 'datasets', 'sweeps', 'recent.json'];

export interface AdoptResult {
  moved: string[];
  /** Entries that could not be moved (they stay where they are, still readable by hand), with the reason. */
  failed: { path: string; reason: string }[];
}

function isDir(p: string): boolean {
  return statSync(p).isDirectory();
}

function move(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    cpSync(from, to, { recursive: true, preserveTimestamps: true }); // another disk: copy first, then remove
    rmSync(from, { recursive: true, force: true });
  }
}

/**
 * Moves `from` to `to`, merging folders entry by entry. Where both hold the same file, the newer one wins; an
 * older leftover stays in the old place (never deleted: it may be the only copy someone cares about).
 */
function mergeMove(from: string, to: string, result: AdoptResult): void {
  try {
    if (!existsSync(to)) {
      mkdirSync(dirname(to), { recursive: true });
      move(from, to);
      result.moved.push(from);
      return;
    }
    if (isDir(from) && isDir(to)) {
      for (const name of readdirSync(from)) mergeMove(join(from, name), join(to, name), result);
      if (readdirSync(from).length === 0) rmdirSync(from);
      return;
    }
    if (!isDir(from) && !isDir(to) && statSync(from).mtimeMs > statSync(to).mtimeMs) {
      renameSync(from, to);
      result.moved.push(from);
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT' && !existsSync(from)) return; // another process moved it first
    result.failed.push({ path: from, reason: e.message });
  }
}

/** Moves what older builds left under each legacy root into `root` (idempotent; safe when two processes race). */
export function adoptLegacyCache(root: string, legacyRoots: string[]): AdoptResult {
  const result: AdoptResult = { moved: [], failed: [] };
  for (const legacy of legacyRoots) {
    if (legacy === root || !existsSync(legacy)) continue;
    for (const name of MOVABLE) {
      const from = join(legacy, name);
      if (existsSync(from)) mergeMove(from, join(root, name), result);
    }
  }
  return result;
}

const adopted = new Set<string>();

/** Reports a failed move once, naming both folders, so the user can move the rest by hand. */
function reportFailures(root: string, result: AdoptResult): void {
  for (const f of result.failed) {
    process.stderr.write(`warning: could not move ${f.path} into the cache folder ${root} (${f.reason}); move it there by hand to see it in Layerlab\n`);
  }
}

/**
 * The per-user cache root of this process. The first call per root moves older builds' folders into it, unless
 * LAYERLAB_CACHE_DIR names the folder (then the user chose it, and tests never touch the real cache).
 */
export function userCacheRoot(given: Partial<CacheContext> = {}): string {
  const ctx = hostContext(given);
  const root = cacheRootFor(ctx);
  if (!ctx.env.LAYERLAB_CACHE_DIR && !adopted.has(root)) {
    adopted.add(root);
    reportFailures(root, adoptLegacyCache(root, legacyCacheRoots(ctx)));
  }
  return root;
}

/** Moves the desktop app's older root (its user-data folder + `datasets`) in, once at start. */
export function adoptDesktopLegacyCache(oldRoot: string, given: Partial<CacheContext> = {}): void {
  if ((given.env ?? process.env).LAYERLAB_CACHE_DIR) return;
  const root = userCacheRoot(given);
  reportFailures(root, adoptLegacyCache(root, [oldRoot]));
}
