/**
 * The recovery folder's project stores: an Untitled (never saved) project lives in `<cache>/recovery/<id>.layerlab`
 * from its first run on, so its runs are on disk as they happen; the first Save moves them into the chosen file and
 * the store is removed. Each store has the autosave entry's `<id>.json` beside it (autosave.ts), so a store left by
 * a process that is gone is listed by listRecoverable() like any recovery entry.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { discard, recoveryDir } from './autosave';
import { writeFileAtomically } from './atomic-file';
import { createProject } from './service';
import { updateProjectFile } from './writer';

/** Store ids are API ids (shared/api-base Id) and file names: lower-case letters, digits and '-'. */
export const RECOVERY_ID = /^[a-z0-9-]{1,64}$/;

export function recoveryFile(id: string, dir = recoveryDir()): string {
  if (!RECOVERY_ID.test(id)) throw new Error(`'${id}' is not a recovery store id (expected lower-case letters, digits and '-')`);
  return join(dir, `${id}.layerlab`);
}

export function newRecoveryId(): string {
  return `untitled-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** Makes sure the store `id` exists (an Untitled project named `name`), and returns its file. */
export async function ensureRecoveryStore(id: string, name: string, dir = recoveryDir()): Promise<string> {
  const file = recoveryFile(id, dir);
  if (existsSync(file)) return file;
  await mkdir(dir, { recursive: true });
  await updateProjectFile(file, (current) => current ?? createProject({ name }), { backup: false });
  const meta = { id, originalPath: null, name, savedAt: new Date().toISOString(), pid: process.pid };
  await writeFileAtomically(join(dir, `${id}.json`), async (fh) => void (await fh.writeFile(JSON.stringify(meta, null, 2))), { backup: false });
  return file;
}

/** Removes a store once its runs are in the project file. */
export async function removeRecoveryStore(id: string, dir = recoveryDir()): Promise<void> {
  await discard({ id }, dir);
  await rm(`${recoveryFile(id, dir)}.bak`, { force: true });
}
