/** The recently opened projects list (File > Open Recent, projects.listRecent), kept in the per-user cache. */
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { writeFileAtomically } from './atomic-file';
import { userCacheRoot } from '../system/cache-root';

const MAX_RECENT = 15;

const recentSchema = z.array(z.object({ path: z.string(), name: z.string(), openedAt: z.string() }));
export type RecentProjectEntry = z.infer<typeof recentSchema>[number];

function recentFile(): string {
  return join(userCacheRoot(), 'recent.json');
}

export async function listRecent(): Promise<RecentProjectEntry[]> {
  try {
    return recentSchema.parse(JSON.parse(await readFile(recentFile(), 'utf8')));
  } catch {
    return []; // missing or damaged: an empty list is the honest answer, and the next open rewrites it
  }
}

/** Moves `path` to the top of the list (absolute paths, no duplicates, at most 15). */
export async function addRecent(path: string, name: string, now = new Date()): Promise<RecentProjectEntry[]> {
  const abs = resolve(path);
  const list = [{ path: abs, name, openedAt: now.toISOString() }, ...(await listRecent()).filter((e) => e.path !== abs)].slice(0, MAX_RECENT);
  await mkdir(userCacheRoot(), { recursive: true });
  await writeFileAtomically(recentFile(), async (fh) => void (await fh.writeFile(JSON.stringify(list, null, 2))), { backup: false });
  return list;
}
