import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveCacheDir, resolveMirrors, setDefaultCacheDir } from '../../../main/datasets/paths';

describe('cache location and mirrors', () => {
  afterEach(() => setDefaultCacheDir(undefined));

  it('explicit > LAYERLAB_CACHE_DIR > app (Electron userData) > XDG_CACHE_HOME/layerlab > ~/.cache/layerlab', () => {
    expect(resolveCacheDir(undefined, {})).toBe(join(homedir(), '.cache', 'layerlab'));
    expect(resolveCacheDir(undefined, { XDG_CACHE_HOME: '/xdg' })).toBe('/xdg/layerlab');
    setDefaultCacheDir('/app/userData/cache');
    expect(resolveCacheDir(undefined, { XDG_CACHE_HOME: '/xdg' })).toBe('/app/userData/cache');
    expect(resolveCacheDir(undefined, { XDG_CACHE_HOME: '/xdg', LAYERLAB_CACHE_DIR: '/env/cache' })).toBe('/env/cache');
    expect(resolveCacheDir('rel', { LAYERLAB_CACHE_DIR: '/env/cache' })).toBe(resolve('rel'));
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
