/**
 * One writer per project file, across processes. A writer holds `<file>.lock` (created exclusively, holding its
 * pid and host) for the whole read-merge-write of a save; others wait for it. A lock whose process is gone (killed
 * mid-save) is stale and is broken, so a crash never blocks the project. Within one process the holders of a
 * path queue on a promise chain instead of polling the file.
 *
 * Why a lock file and not an OS lock (flock): Node has no portable flock, and a lock file can be inspected by a
 * user ("who holds my project?"), whose message then names the pid.
 */
import { hostname } from 'node:os';
import { open, readFile, stat, unlink } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import { isAlive } from './atomic-file';

export function lockPath(file: string): string {
  return `${file}.lock`;
}

const lockSchema = z.object({ pid: z.number().int(), host: z.string(), since: z.string() });
type LockInfo = z.infer<typeof lockSchema>;

export interface LockOptions {
  /** Give up after waiting this long for another writer (default 120 s: a save of large weights takes a while). */
  timeoutMs?: number;
}

/** Another process held the project file longer than the caller would wait. */
export class ProjectLockTimeout extends Error {
  override name = 'ProjectLockTimeout';
}

/** A lock file whose content cannot be read is taken for a writer that died while writing it after this long. */
const UNREADABLE_STALE_MS = 10_000;

async function readLock(path: string): Promise<{ info: LockInfo | null; raw: string } | null> {
  try {
    const raw = await readFile(path, 'utf8');
    const parsed = lockSchema.safeParse((() => {
      try {
        return JSON.parse(raw);
      } catch {
        return null;
      }
    })());
    return { info: parsed.success ? parsed.data : null, raw };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

async function isStale(path: string, held: { info: LockInfo | null }): Promise<boolean> {
  if (held.info) return held.info.host === hostname() && !isAlive(held.info.pid);
  try {
    return Date.now() - (await stat(path)).mtimeMs > UNREADABLE_STALE_MS;
  } catch {
    return false;
  }
}

/**
 * Removes a stale lock, but only the one judged stale: two waiters may both see the same dead lock, and the
 * second must not remove the fresh lock the first has taken meanwhile. The break itself is guarded by its own
 * short-lived exclusive file.
 */
async function breakStale(path: string, staleRaw: string): Promise<void> {
  const guard = `${path}.break`;
  let fh;
  try {
    fh = await open(guard, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    // A breaker killed between creating and removing its guard would block every later break.
    const age = await stat(guard).then((s) => Date.now() - s.mtimeMs).catch(() => 0);
    if (age > UNREADABLE_STALE_MS) await unlink(guard).catch(() => {});
    return;
  }
  try {
    const now = await readLock(path);
    if (now && now.raw === staleRaw) await unlink(path).catch(() => {});
  } finally {
    await fh.close();
    await unlink(guard).catch(() => {});
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function acquire(file: string, timeoutMs: number): Promise<() => Promise<void>> {
  const path = lockPath(file);
  const started = Date.now();
  let delay = 10;
  for (;;) {
    try {
      const fh = await open(path, 'wx');
      const mine = JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() });
      try {
        await fh.writeFile(mine);
      } finally {
        await fh.close();
      }
      return async () => {
        // Only our own lock is removed: a lock broken as stale (we were paused longer than anyone waits) is not ours.
        const now = await readLock(path).catch(() => null);
        if (now?.raw === mine) await unlink(path).catch(() => {});
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const held = await readLock(path);
    if (!held) continue; // released between our attempt and the read
    if (await isStale(path, held)) {
      await breakStale(path, held.raw);
      continue;
    }
    if (Date.now() - started > timeoutMs) {
      const who = held.info ? `process ${held.info.pid} on ${held.info.host} (since ${held.info.since})` : 'another process';
      throw new ProjectLockTimeout(
        `${file}: ${who} has been writing this project for more than ${Math.round(timeoutMs / 1000)} s. ` +
          `Wait for it to finish and try again; if no Layerlab is running, delete ${path}.`,
      );
    }
    await sleep(delay + Math.random() * delay);
    delay = Math.min(delay * 2, 200);
  }
}

/** Per path in this process: the tail of the queue of holders. */
const chains = new Map<string, Promise<unknown>>();

/**
 * Runs `work` while holding the project file's lock: first among this process's writers of the path, then across
 * processes. Not re-entrant: `work` must not take the same lock again.
 */
export async function withProjectLock<T>(file: string, work: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const key = resolve(file);
  const before = chains.get(key) ?? Promise.resolve();
  const run = before.catch(() => {}).then(async () => {
    const release = await acquire(key, options.timeoutMs ?? 120_000);
    try {
      return await work();
    } finally {
      await release();
    }
  });
  const tail = run.catch(() => {});
  chains.set(key, tail);
  void tail.then(() => {
    if (chains.get(key) === tail) chains.delete(key);
  });
  return run;
}
