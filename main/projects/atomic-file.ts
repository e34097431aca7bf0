/**
 * Atomic replacement of a file: the new content goes to a temporary file in the same folder, is fsynced, and is
 * renamed over the target (rename is atomic within a file system), then the folder is fsynced so the rename itself
 * is durable. A process killed at any point leaves the target either old or new, never partial.
 *
 * Backup policy: before the rename, the previous version is hard-linked (or copied) to `<target>.bak`, and it is
 * KEPT afterwards as the last backup: it costs no extra space while linked, and it lets a user get back the
 * previous save after a mistaken one. Each save replaces the `.bak` of the save before.
 */
import { constants } from 'node:fs';
import { copyFile, link, open, readdir, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export function backupPath(target: string): string {
  return `${target}.bak`;
}

function tempPrefix(target: string): string {
  return `.${basename(target)}.`;
}

/** Whether a process with this id is running (EPERM: it runs, as another user). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes temp files of earlier saves of `target` whose writer process is gone (killed mid-save). */
export async function removeStaleTemps(target: string): Promise<string[]> {
  const prefix = tempPrefix(target);
  return removeStaleTempsIn(dirname(target), (name) => name.startsWith(prefix) && /^\d+\.[0-9a-z]+\.tmp$/.test(name.slice(prefix.length)));
}

/** Temps of project files only: a folder-wide sweep must never touch another program's `.x.123.tmp`. */
const isProjectTemp = (name: string) => /^\..+\.layerlab\.\d+\.[0-9a-z]{1,8}\.tmp$/.test(name);

/**
 * Removes the temp files (`.NAME.PID.RANDOM.tmp`) in `dir` that saves killed mid-write left behind: only those whose
 * writer PID is no longer running, so a save in progress in another process is never touched. Called at start
 * (`layerlab serve`, opening a project), since a killed save's full-size temp would otherwise stay until the next
 * save of that very file.
 */
export async function removeStaleTempsIn(dir: string, accept: (name: string) => boolean = isProjectTemp): Promise<string[]> {
  const removed: string[] = [];
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = accept(name) ? /^\..+\.(\d+)\.[0-9a-z]+\.tmp$/.exec(name) : null;
    if (!m || isAlive(Number(m[1]))) continue;
    try {
      await unlink(join(dir, name));
      removed.push(name);
    } catch {
      // Already gone or not ours to remove: either way nothing to clean.
    }
  }
  return removed;
}

async function fsyncDir(dir: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(dir, constants.O_RDONLY);
    await fh.sync();
  } catch {
    // Some platforms (Windows) cannot open or fsync a directory; the rename is still atomic there.
  } finally {
    await fh?.close();
  }
}

async function replaceBackup(target: string): Promise<void> {
  const bak = backupPath(target);
  try {
    await unlink(bak);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  try {
    await link(target, bak);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return; // no previous version
    await copyFile(target, bak); // file systems without hard links (FAT, some network shares)
  }
}

export interface AtomicWriteOptions {
  /** Keep the previous version as `<target>.bak` (default true). */
  backup?: boolean;
}

export async function writeFileAtomically(target: string, write: (fh: FileHandle) => Promise<void>, options: AtomicWriteOptions = {}): Promise<void> {
  await removeStaleTemps(target);
  const tmp = join(dirname(target), `${tempPrefix(target)}${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
  const fh = await open(tmp, 'wx', 0o644);
  try {
    try {
      await write(fh);
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (options.backup ?? true) await replaceBackup(target);
    await rename(tmp, target);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
  await fsyncDir(dirname(target));
}
