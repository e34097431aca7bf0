import { homedir, tmpdir } from 'node:os';
import { expect } from 'vitest';
import { resolveCacheDir } from '../../main/datasets/paths';
import { cacheDir } from '../../main/projects/autosave';

/** Both cache roots the product reads (datasets; recovery, recent projects, sweeps) are a temporary folder. */
export function expectIsolatedCache(): void {
  for (const dir of [resolveCacheDir(), cacheDir()]) {
    expect(dir.startsWith(tmpdir())).toBe(true);
    expect(dir.startsWith(homedir() + '/.cache')).toBe(false);
  }
}
