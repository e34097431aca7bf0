import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repo root, from this file's place in test/integration/datasets. */
export const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
/** The real datasets mirror shared by the workshop machines. */
export const sharedDatasets = resolve(repoRoot, '../shared/datasets');

export async function tempDir(prefix: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `layerlab-${prefix}-`));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
