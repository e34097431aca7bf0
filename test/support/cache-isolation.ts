import { homedir, tmpdir } from 'node:os';
import { expect } from 'vitest';
import { resolveCacheDir } from '../../main/datasets/paths';
import { recoveryDir } from '../../main/projects/autosave';
import { userCacheRoot } from '../../main/system/cache-root';

/** The cache root the product reads (datasets; recovery, recent projects, sweeps) is a temporary folder. */
export function expectIsolatedCache(): void {
  for (const dir of [userCacheRoot(), resolveCacheDir(), recoveryDir()]) {
    expect(dir.startsWith(tmpdir())).toBe(true);
    expect(dir.startsWith(homedir() + '/.cache')).toBe(false);
  }
}
