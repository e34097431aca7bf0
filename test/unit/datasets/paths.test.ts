import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveCacheDir, resolveMirrors } from '../../../main/datasets/paths';
import { cacheRootFor } from '../../../main/system/cache-root';

describe('cache location and mirrors', () => {
  it('an explicit folder wins; otherwise the per-user cache root (system/cache-root, LAYERLAB_CACHE_DIR first)', () => {
    expect(resolveCacheDir('rel', { LAYERLAB_CACHE_DIR: '/env/cache' })).toBe(resolve('rel'));
    expect(resolveCacheDir(undefined, { LAYERLAB_CACHE_DIR: '/env/cache' })).toBe('/env/cache');
    const env = { XDG_CACHE_HOME: join(process.env.LAYERLAB_CACHE_DIR!, 'xdg') };
    expect(resolveCacheDir(undefined, env)).toBe(cacheRootFor({ platform: process.platform, env, home: homedir() }));
  });

  it('mirrors: explicit first, then LAYERLAB_DATASET_MIRROR (comma-separated), dirs and URL prefixes', () => {
    expect(resolveMirrors('../shared/datasets', { LAYERLAB_DATASET_MIRROR: 'http://host:8000/data, /srv/mirror' })).toEqual([
      { kind: 'dir', dir: resolve('../shared/datasets') },
      { kind: 'url', prefix: 'http://host:8000/data/' },
      { kind: 'dir', dir: '/srv/mirror' },
    ]);
    expect(resolveMirrors(undefined, {})).toEqual([]);
  });
});
